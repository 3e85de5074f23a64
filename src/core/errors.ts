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

/** Bad input in a file: names the file and, where known, the line and field. */
export class InputError extends BreakfixError {
  constructor(
    message: string,
    readonly file?: string,
    readonly line?: number,
    readonly field?: string,
    hint?: string,
  ) {
    super(formatLocation(message, file, line, field), 'input', hint);
    this.name = 'InputError';
  }
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
  ) {
    super(message, `target_${kind}`, hint);
    this.name = 'TargetError';
  }

  get retryable(): boolean {
    return ['rate_limit', 'server', 'timeout', 'network', 'malformed', 'empty'].includes(this.kind);
  }
}

function formatLocation(message: string, file?: string, line?: number, field?: string): string {
  const where = file ? ` (${file}${line !== undefined ? `:${line}` : ''})` : '';
  return `${field ? `${field}: ` : ''}${message}${where}`;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Text from a file, a model or a server, made safe to print on a terminal: control characters
 * (escape sequences that recolour or clear the screen, a newline that forges a line of output) and
 * bidirectional overrides (which make a line read other than it is) shown as `\x1b`, `\n`, `\u202e`…
 * instead of acting. With `keepNewlines`, newlines stay (for messages that are several lines by
 * design); the caller indents what follows them. */
export function terminalText(text: string, keepNewlines = false): string {
  return text.replace(/[\p{Cc}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu, (c) => {
    if (c === '\n') return keepNewlines ? c : '\\n';
    if (c === '\t') return '\\t';
    if (c === '\r') return '\\r';
    const code = c.charCodeAt(0);
    return code < 0x100
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
