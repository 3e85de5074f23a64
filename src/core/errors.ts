/** Base of every error breakfix raises on purpose. `hint` says what the user should do. */
export class BreakfixError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'BreakfixError';
  }
}

/** Bad input in a file: names the file and, where known, the line and field. `at: 'row'`: `line`
 * is a 1-based row of a file that has no lines (Parquet), and is said as one. */
export class InputError extends BreakfixError {
  constructor(
    readonly detail: string,
    readonly file?: string,
    readonly line?: number,
    readonly field?: string,
    hint?: string,
    readonly at: 'line' | 'row' = 'line',
  ) {
    super(formatLocation(detail, file, line, field, at), 'input', hint);
    this.name = 'InputError';
  }

  /** The same error with a hint (where the caller knows more than the reader of the file did). */
  withHint(hint: string): InputError {
    return new InputError(this.detail, this.file, this.line, this.field, hint, this.at);
  }
}

/** How many of a file's bad lines InputErrors spells out; the rest are counted and numbered. */
export const BAD_LINES_SHOWN = 20;

/** Every bad line (or row) of one file as one error, so that a file is fixed in one pass, not one
 * line per run: each of the first BAD_LINES_SHOWN with its own file:line, field and words, then
 * "and N more" with their numbers. Its file, line and field are the first's (`errors` holds all). */
export class InputErrors extends InputError {
  constructor(
    readonly errors: readonly InputError[],
    hint?: string,
  ) {
    const first = errors[0]!;
    const unit = first.at === 'row' ? 'rows' : 'lines';
    // (files read together, as a config's seed files are, can clash with each other: each is named)
    const files = [...new Set(errors.flatMap((e) => (e.file ? [e.file] : [])))];
    const headline = `${errors.length} bad ${unit}${files.length ? ` in ${files.join(', ')}` : ''}`;
    // (a hint of the lines' own, the comma-in-a-field one, is kept: said once however many had it)
    const hints = [...new Set([...errors.flatMap((e) => (e.hint ? [e.hint] : [])), ...(hint ? [hint] : [])])];
    super(headline, first.file, first.line, first.field, hints.join('; ') || undefined, first.at);
    this.name = 'InputError';
    const rest = errors
      .slice(BAD_LINES_SHOWN)
      .map((e) => (files.length > 1 ? `${e.file}:${e.line}` : e.line));
    const numbers = rest.slice(0, 50).join(', ') + (rest.length > 50 ? ', …' : '');
    this.message = [
      `${headline}:`,
      ...errors.slice(0, BAD_LINES_SHOWN).map((e) => e.message),
      ...(rest.length
        ? [`and ${rest.length} more (${files.length > 1 ? '' : `${first.at}s `}${numbers})`]
        : []),
    ].join('\n');
  }

  /** (the lines' own hints stay, as they did in this error) */
  override withHint(hint: string): InputErrors {
    return new InputErrors(this.errors, hint);
  }
}

/** Throws what `bad` holds, if anything: its one error as it is, or all of them as InputErrors, in
 * file order (the files in the order `bad` first names them, then by line), with `hint` (what to do
 * about so many lines at once) beside the lines' own. */
export function throwBadLines(bad: readonly InputError[], hint?: string): void {
  if (bad.length === 1) throw bad[0];
  const fileOrder = new Map<string | undefined, number>();
  for (const e of bad) if (!fileOrder.has(e.file)) fileOrder.set(e.file, fileOrder.size);
  const order = (e: InputError) => fileOrder.get(e.file) ?? 0;
  if (bad.length > 1)
    throw new InputErrors(
      [...bad].sort((a, b) => order(a) - order(b) || (a.line ?? 0) - (b.line ?? 0)),
      hint,
    );
}

export class ConfigError extends InputError {
  constructor(message: string, file?: string, line?: number, field?: string, hint?: string) {
    super(message, file, line, field, hint);
    this.name = 'ConfigError';
  }
}

export type TargetErrorKind =
  | 'rate_limit'
  | 'server'
  | 'client'
  | 'auth'
  | 'quota'
  | 'timeout'
  | 'network'
  | 'malformed'
  | 'empty'
  | 'aborted';

/** A target call that failed for good (after retries). Never a model refusal. */
export class TargetError extends BreakfixError {
  constructor(
    message: string,
    readonly kind: TargetErrorKind,
    readonly status?: number,
    readonly retryAfterMs?: number,
    hint?: string,
    /** Whether the failed request was streamed, where the target knows: a server's 400 about
     * streaming is fixed one way or the other by the target's `stream` setting. */
    readonly streamed?: boolean,
  ) {
    super(message, `target_${kind}`, hint);
    this.name = 'TargetError';
  }

  /** The same failure told differently (a fuller message, another hint): kind, status, retry-after
   * and streamed stay, so a layer that adds words loses no fact a later one reads. */
  with(changes: { message?: string; hint?: string; streamed?: boolean }): TargetError {
    const next = new TargetError(
      changes.message ?? this.message,
      this.kind,
      this.status,
      this.retryAfterMs,
      'hint' in changes ? changes.hint : this.hint,
      changes.streamed ?? this.streamed,
    );
    next.stack = this.stack;
    return next;
  }

  get retryable(): boolean {
    return ['rate_limit', 'server', 'timeout', 'network', 'malformed', 'empty'].includes(this.kind);
  }
}

function formatLocation(
  message: string,
  file?: string,
  line?: number,
  field?: string,
  at: 'line' | 'row' = 'line',
): string {
  // (a Parquet row as pandas and duckdb users count it: pandas' index starts at 0)
  const place =
    line === undefined
      ? ''
      : at === 'row'
        ? `, row ${line} counting from 1: pandas index ${line - 1}`
        : `:${line}`;
  const where = file ? ` (${file}${place})` : '';
  return `${field ? `${field}: ` : ''}${message}${where}`;
}

/** A key as one segment of a dotted field path (`fields.text`): quoted when it would vanish or split
 * there (``, `a.b`, ` x`). */
export function pathKey(key: string): string {
  return /^[^\s.]+$/.test(key) ? key : JSON.stringify(key);
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The characters that show as nothing yet change what a reader sees: bidi controls, zero-width
 * spaces and joiners, tag characters, soft hyphens — every default-ignorable code point except the
 * variation selectors U+FE00–FE0F (which only pick an emoji's or a glyph's look). A regex source, for
 * the terminal, JSON and report escapers to build their patterns on. */
export const INVISIBLE_CHAR = String.raw`(?![\uFE00-\uFE0F])\p{Default_Ignorable_Code_Point}`;

const TERMINAL_JSON_UNSAFE = new RegExp(`${INVISIBLE_CHAR}|[\\u007f-\\u009f\\u2028\\u2029]`, 'gu');

/** JSON text with the characters a terminal could act on or not show written as `\u` escapes: DEL, C1
 * controls (U+009B is a CSI, U+009D an OSC: 8-bit escape sequences that JSON.stringify leaves raw),
 * bidi controls, zero-width and tag characters, line separators. JSON's own syntax is ASCII, so these
 * only occur inside strings, where the escape reads back as the same character: nothing is lost. */
export function terminalSafeJson(json: string): string {
  return json.replace(TERMINAL_JSON_UNSAFE, (c) =>
    // (an astral tag character as its surrogate pair, the only \u form JSON has)
    [...Array(c.length).keys()].map((i) => `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`).join(''),
  );
}

const TERMINAL_UNSAFE = new RegExp(`${INVISIBLE_CHAR}|[\\p{Cc}\\u2028\\u2029]`, 'gu');

/** Text from a file, a model or a server, made safe to print on a terminal: control characters
 * (escape sequences that recolour or clear the screen, a newline that forges a line of output),
 * bidirectional overrides (which make a line read other than it is) and the other characters that
 * show as nothing (zero-width spaces and joiners, tag characters that can spell a hidden sentence,
 * line and paragraph separators; the variation selectors U+FE00–FE0F aside, which only pick an
 * emoji's look) shown as `\x1b`, `\n`, `\u202e`, `\u{e0041}`… instead of acting or hiding. With
 * `keepNewlines`, newlines stay (for messages that are several lines by design); the caller indents
 * what follows them. */
export function terminalText(text: string, keepNewlines = false): string {
  return text.replace(TERMINAL_UNSAFE, (c) => {
    if (c === '\n') return keepNewlines ? c : '\\n';
    if (c === '\t') return '\\t';
    if (c === '\r') return '\\r';
    const code = c.codePointAt(0) as number;
    if (code < 0x100) return `\\x${code.toString(16).padStart(2, '0')}`;
    return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
