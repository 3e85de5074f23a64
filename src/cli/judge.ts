// `breakfix judge`: score a JSONL file line by line with a judge, or calibrate a judge against
// human labels.
import { isUtf8 } from 'node:buffer';
import { once } from 'node:events';
import type { Command } from 'commander';
import { describeFsError } from '../config/outdir.js';
import {
  BreakfixError,
  categoryNamed,
  compareText,
  InputError,
  type Judge,
  terminalSafeJson,
  type Verdict,
} from '../core/index.js';
import { documentOf, noDocumentReason } from '../core/tabular.js';
import {
  calibrate,
  compareLabels,
  createJudges,
  idHalf,
  JAILBREAK_SUCCESS,
  type JudgeSet,
  judgeSafely,
  loadLabels,
  objectiveOf,
  SEVERITY_HARMFUL,
} from '../judge/index.js';
import { createSemaphore } from '../targets/index.js';
import {
  type CommonOptions,
  type Context,
  ExitCode,
  type ExitCodeValue,
  errorJson,
  loadContext,
  onStopSignals,
  runAction,
  signalExitCode,
  terminalText,
  usageError,
  wholeNumber,
  withCommonOptions,
  writeQuietly,
} from './common.js';
import {
  byteLines,
  hasText,
  looksUtf16,
  openInput,
  openOutput,
  sameFile,
  withMembers,
} from './line-files.js';

const KINDS = ['refusal', 'severity', 'groundedness', 'jailbreak', 'llamaguard'] as const;
type Kind = (typeof KINDS)[number];

interface ScoreOptions extends CommonOptions {
  in?: string;
  out?: string;
  judge?: string;
  concurrency?: string;
}

const LLAMAGUARD_HINT =
  'pass --judge TARGET (a target serving Llama Guard) or set judges.llamaguard in the config';

function pickJudge(ctx: Context, kind: Kind, judge?: string): Judge {
  if (kind === 'llamaguard' && judge === 'offline')
    throw usageError('there is no offline llamaguard judge', LLAMAGUARD_HINT);
  const cfg = { ...ctx.config, judges: { ...ctx.config.judges, ...(judge ? { [kind]: judge } : {}) } };
  const set: JudgeSet = createJudges(cfg, { target: (name) => ctx.target(name) });
  const j = set[kind];
  if (!j)
    throw usageError(`no ${kind} judge configured`, kind === 'llamaguard' ? LLAMAGUARD_HINT : undefined);
  return j;
}

interface InputLine {
  line: number;
  row: Record<string, unknown>;
  /** The line as read: its fields are written back as they were, not re-serialised. */
  raw: string;
}

/** The input line with the judge's fields added, its own text kept (withMembers); fields it already
 * holds (a file judged before) are replaced. */
function withFields(input: InputLine, added: Record<string, unknown>): string {
  if (Object.keys(added).some((k) => Object.hasOwn(input.row, k))) return withMembers(input.raw, added);
  const body = input.raw.trimEnd();
  return `${body.slice(0, -1)},${JSON.stringify(added).slice(1)}`;
}

async function scoreFile(ctx: Context, kind: Kind, opts: ScoreOptions): Promise<number> {
  if (!opts.in) throw usageError('--in FILE.jsonl is required');
  if (!opts.out) throw usageError('--out OUT.jsonl is required');
  const concurrency = wholeNumber('--concurrency', opts.concurrency, 1) ?? 16;
  // Everything that can be wrong with the input or the judge is found before --out is truncated.
  const input = byteLines(openInput(opts.in));
  if (opts.in !== '-' && opts.out !== '-' && sameFile(opts.in, opts.out))
    throw usageError(
      `--out ${opts.out} is the input file: writing it would erase the lines before they are read`,
      'write to another file, then move it over the input',
    );
  const judge = pickJudge(ctx, kind, opts.judge);
  // (stdin or a pipe can only be read once: there the check is after the run, which leaves --out as it
  // was)
  if (opts.in !== '-' && hasText(opts.in) === false)
    throw new InputError('holds no line to judge', opts.in, undefined, undefined, 'one JSON object per line');
  const { stream: out, staged, commit, discard } = openOutput(opts.out);
  let writeError: Error | undefined;
  const writeFailed = (err: Error) =>
    new BreakfixError(`cannot write ${opts.out}: ${describeFsError(err)}`, 'output');
  out.on('error', (err) => {
    writeError ??= err;
  });
  const inName = opts.in === '-' ? '<stdin>' : opts.in;
  const counts: Record<string, number> = {};
  const status = { ok: 0, error: 0, undetermined: 0 };
  const bad: { line: number; reason: string }[] = [];
  // (the first line whose category the taxonomy does not know, and how many there were)
  let unknownCategory: { line: number; category: string } | undefined;
  let unknownCategories = 0;
  // Where the judge failed and why, for the user (the verdicts in the output file hold each one).
  const errorLines: number[] = [];
  let firstError: string | undefined;
  let lineNo = 0;
  ctx.progress.start(`judge ${kind} (${judge.id})`, 0);
  // Ctrl-C, SIGTERM or SIGHUP: the staged OUT goes (an earlier one stays whole) and the user is told
  // how far the run got, exit 130 / 143 / 129 as a shell expects; the default exit said nothing and
  // left OUT.partial-PID behind.
  let written = 0;
  const releaseSignals = onStopSignals((signal) => {
    discard();
    const code = signalExitCode(signal);
    const where = opts.out === '-' ? 'stdout' : (opts.out as string);
    const err = new BreakfixError(
      `interrupted by ${signal} after ${written} lines judged: ${staged ? `${where} left as it was` : `${written} lines written to ${where}`}`,
      'interrupted',
      'run it again: the LLM judge calls answered before come from the response cache (unless --no-cache)',
    );
    writeQuietly(process.stderr, `breakfix: ${terminalText(err.message)}\nhint: ${err.hint}\n`);
    // (with --out -, stdout is the JSONL: the error document goes where the summary would)
    if (ctx.json)
      writeQuietly(
        opts.out === '-' ? process.stderr : process.stdout,
        `${terminalSafeJson(JSON.stringify({ error: errorJson(err, code) }, null, 2))}\n`,
      );
    process.exit(code);
  });

  const judgeLine = ({ row }: InputLine): Promise<Verdict> => {
    const prompt = String(row.prompt);
    const response = String(row.response);
    return judgeSafely(judge, {
      prompt: (kind === 'jailbreak' && objectiveOf(row)) || prompt,
      response,
      transcript: [
        { role: 'user', content: prompt },
        { role: 'assistant', content: response },
      ],
      grounding: documentOf(row),
      category: typeof row.category === 'string' ? categoryNamed(row.category)?.id : undefined,
    });
  };
  const record = async (line: InputLine, v: Verdict) => {
    status[v.status]++;
    if (v.status === 'error') {
      errorLines.push(line.line);
      firstError ??= v.rationale ?? 'judge error';
    }
    const key = v.status === 'ok' ? String(v.value) : v.status;
    counts[key] = (counts[key] ?? 0) + 1;
    const added = {
      [kind]: v.status === 'ok' ? v.value : null,
      [`${kind}_verdict`]: { judge: v.judge, status: v.status, rationale: v.rationale, detail: v.detail },
    };
    if (writeError) throw writeFailed(writeError);
    // (an error instead of a drain is in writeError, thrown at the next write)
    // On stdout (a terminal, maybe) the characters a terminal acts on are written as JSON's \u escapes,
    // which read back as the same text; a file gets the line as it is.
    const judgedLine = withFields(line, added);
    const drained = out.write(`${opts.out === '-' ? terminalSafeJson(judgedLine) : judgedLine}\n`);
    written++;
    ctx.progress.tick(1);
    if (!drained) await once(out, 'drain').catch(() => undefined);
  };
  // `concurrency` lines are judged at once and written in input order. A line judged early waits for
  // the lines before it, up to WINDOW lines behind the oldest unwritten one: judging in batches made
  // every batch wait for its slowest line (one slow judge call in 16 made a run 8 times longer), and
  // the window bounds what is held in memory while a slow line is awaited.
  const slots = createSemaphore(concurrency);
  const WINDOW = concurrency * 8;
  const pending: { line: InputLine; verdict: Promise<Verdict>; done: boolean }[] = [];
  const start = (line: InputLine) => {
    const entry = {
      line,
      done: false,
      verdict: slots.acquire().then(() =>
        judgeLine(line).finally(() => {
          slots.release();
          entry.done = true;
        }),
      ),
    };
    pending.push(entry);
  };
  /** Writes the judged lines at the head; waits for the head while the window is full (or, at the
   * end, until every line is written). */
  const writeReady = async (all: boolean) => {
    while (pending.length && (pending[0].done || all || pending.length >= WINDOW)) {
      const head = pending[0];
      const v = await head.verdict;
      pending.shift();
      await record(head.line, v);
    }
  };

  // (the first line with any bytes: a UTF-16 file without a byte-order mark that opens with an empty
  // line has its NULs from line 2 on, each line of it skipped as not JSON)
  let encodingChecked = false;
  for await (const bytes of input) {
    lineNo++;
    if (!encodingChecked && bytes.length > 0) {
      encodingChecked = true;
      if (looksUtf16(bytes)) {
        discard();
        throw new InputError(
          'is UTF-16, not UTF-8: every line would be skipped',
          inName,
          1,
          undefined,
          `save it as UTF-8 (e.g. iconv -f UTF-16 -t UTF-8 ${opts.in === '-' ? 'FILE' : opts.in} > in-utf8.jsonl), then run again`,
        );
      }
    }
    // Strict UTF-8 per line: a lenient decode would judge text with U+FFFD in place of the bytes.
    if (!isUtf8(bytes)) {
      bad.push({ line: lineNo, reason: 'not valid UTF-8' });
      continue;
    }
    const raw = bytes.toString('utf8').replace(lineNo === 1 ? /^\uFEFF/ : /^$/, '');
    if (!raw.trim()) continue;
    let row: unknown;
    try {
      row = JSON.parse(raw);
    } catch (err) {
      bad.push({ line: lineNo, reason: `not valid JSON (${(err as Error).message})` });
      continue;
    }
    if (!row || typeof row !== 'object' || Array.isArray(row)) {
      bad.push({ line: lineNo, reason: 'expected a JSON object' });
      continue;
    }
    const r = row as Record<string, unknown>;
    // Groundedness is judged against a document (documentOf: "grounding", "document", "context" or
    // "source_text", as the bench's dataset loader reads them): without one (or with an empty one)
    // there is nothing to judge.
    const needed = ['prompt', 'response', ...(kind === 'groundedness' ? ['grounding'] : [])];
    const wrong = needed.filter((f) =>
      f === 'grounding' ? documentOf(r) === undefined : typeof r[f] !== 'string',
    );
    if (wrong.length) {
      const what = (f: string) =>
        f === 'grounding'
          ? noDocumentReason(r)
          : `"${f}" ${r[f] === undefined ? 'is missing' : `is ${Array.isArray(r[f]) ? 'an array' : r[f] === null ? 'null' : typeof r[f]}, not a string`}`;
      bad.push({
        line: lineNo,
        reason: `needs string fields ${needed.map((f) => `"${f}"`).join(', ')}: ${wrong.map(what).join('; ')}`,
      });
      continue;
    }
    // A category the taxonomy does not know is judged without one (the severity rubric gets no harm
    // category section): said once at the end, with its first line, not dropped unsaid. So is one
    // that is no text (5, ["violent_crimes"]): it was dropped unsaid.
    const category = r.category;
    if (
      kind === 'severity' &&
      category !== undefined &&
      category !== null &&
      (typeof category !== 'string' || !categoryNamed(category))
    )
      if (unknownCategories++ === 0)
        unknownCategory = {
          line: lineNo,
          category:
            typeof category === 'string'
              ? `"${category.slice(0, 80)}"`
              : `${JSON.stringify(category).slice(0, 80)} (${Array.isArray(category) ? 'an array' : typeof category === 'object' ? 'an object' : `a ${typeof category}`}, not text)`,
        };
    start({ line: lineNo, row: r, raw });
    await writeReady(false);
  }
  await writeReady(true);
  if (writeError) throw writeFailed(writeError);
  if (out !== process.stdout)
    await new Promise<void>((resolve, reject) =>
      out.end((err?: Error | null) => (err ? reject(writeFailed(err)) : resolve())),
    );
  const judged = status.ok + status.error + status.undetermined;
  // A run that judged no line (stdin with nothing on it, every line bad) has nothing to replace an
  // earlier OUT with: it stays as it was.
  try {
    if (judged === 0) discard();
    else commit();
  } catch (err) {
    throw writeFailed(err as Error);
  }
  // (the output is settled: a signal from here on ends the process as it would any other)
  releaseSignals();
  ctx.progress.done();
  // (a JSON.parse message quotes the line's bytes)
  for (const b of bad) process.stderr.write(`${terminalText(`${inName}:${b.line}: skipped: ${b.reason}`)}\n`);
  if (unknownCategory)
    ctx.warn(
      terminalText(
        `${inName}:${unknownCategory.line}: category ${unknownCategory.category} is none of the taxonomy's (an id such as violent_crimes, its name, or its Llama Guard code)${unknownCategories > 1 ? `, nor are those of ${unknownCategories - 1} more lines` : ''}: judged without a harm category`,
      ),
    );
  // Why the run exits other than 0, decided before the summary is printed, so that --json says it in
  // exitError as bench's and redteam's results do: OUT holds the judged lines all the same. A line
  // skipped as bad is exit 2 (bad input), never 0: OUT then lacks a line IN has, which a script that
  // pairs the two must know; a judge that failed on a line (3) outranks it.
  const exit = exitOf(status, judged, bad, errorLines, firstError, inName, opts.out, kind, judge);
  const summary = {
    judge: judge.id,
    kind,
    in: opts.in,
    out: opts.out,
    judged,
    ...status,
    skipped: bad.length,
    badLines: bad,
    errorLines,
    ...(firstError !== undefined && { firstError }),
    counts,
    warnings: ctx.warnings,
    ...(exit && {
      exitError: errorJson(
        new BreakfixError(exit.message, exit.code === ExitCode.input ? 'input' : 'runtime'),
        exit.code,
      ),
    }),
  };
  const text = () =>
    [
      judged === 0
        ? `no line judged by ${judge.id}${opts.out === '-' ? '' : `: ${terminalText(opts.out as string)} left as it was`}`
        : `${judged} lines judged by ${judge.id} → ${opts.out === '-' ? 'stdout' : terminalText(opts.out as string)}`,
      // (no counts line when nothing was decided)
      ...(Object.keys(counts).length
        ? [
            `  ${Object.entries(counts)
              .sort(([a], [b]) => compareText(a, b))
              .map(([k, n]) => `${k}: ${n}`)
              .join('  ')}`,
          ]
        : []),
      `  ok ${status.ok}  undetermined ${status.undetermined}  error ${status.error}  skipped ${bad.length}`,
    ].join('\n');
  const why = exit ? `breakfix: ${terminalText(exit.message)}\n` : '';
  // With --out -, stdout is the JSONL: the summary goes to stderr, after the line that says why the
  // run exits other than 0, so that with --json the JSON document is the end of stderr.
  if (opts.out === '-')
    process.stderr.write(`${why}${ctx.json ? terminalSafeJson(JSON.stringify(summary, null, 2)) : text()}\n`);
  else {
    ctx.out(summary, text);
    process.stderr.write(why);
  }
  return exit ? exit.code : ExitCode.ok;
}

/** A run's exit code other than 0, and the one line that says why; undefined for 0. */
function exitOf(
  status: Record<'ok' | 'error' | 'undetermined', number>,
  judged: number,
  bad: readonly { line: number }[],
  errorLines: readonly number[],
  firstError: string | undefined,
  inName: string,
  out: string | undefined,
  kind: Kind,
  judge: Judge,
): { code: ExitCodeValue; message: string } | undefined {
  const lines = (ns: readonly number[]) =>
    `line${ns.length > 1 ? 's' : ''} ${ns.slice(0, 10).join(', ')}${ns.length > 10 ? ', …' : ''}`;
  if (status.error > 0)
    return {
      code: ExitCode.runtime,
      message: `${status.error} line(s) ended in a judge error (${lines(errorLines)}); first: ${firstError ?? 'judge error'}`,
    };
  if (bad.length > 0)
    return {
      code: ExitCode.input,
      message:
        judged > 0
          ? `${bad.length} line(s) of ${inName} skipped as bad input (${lines(bad.map((b) => b.line))}); the other ${judged} are judged${out === '-' ? '' : ` in ${out}`}`
          : `every line of ${inName} is bad input (${bad.length} skipped): nothing judged`,
    };
  if (judged === 0) return { code: ExitCode.input, message: `${inName} holds no line to judge` };
  // A judge that decided no line at all (an LLM judge whose replies never parse) is not a result.
  if (status.undetermined > 0 && status.ok === 0)
    return {
      code: ExitCode.runtime,
      message: `the judge decided none of the ${status.undetermined} lines (all undetermined)${undecidedHint(kind, judge, `each line's ${kind}_verdict says why: its rationale and detail.raw`)}`,
    };
  return undefined;
}

/** What to try when a judge decided nothing: the offline harm judges read the embedded world's
 * answer shapes, so real prose needs an LLM judge; an LLM judge's replies did not parse, and where
 * its verdicts are says why. */
function undecidedHint(kind: Kind, judge: Judge, why: string): string {
  if (judge.id.startsWith('offline-'))
    return kind === 'severity' || kind === 'jailbreak'
      ? '; an LLM judge (--judge) reads prose the offline judges cannot'
      : '';
  return `; its replies did not parse (${why}); a reasoning judge needs a larger judges.maxTokens`;
}

interface CalibrateOptions extends CommonOptions {
  labels?: string;
  judge?: string;
  kind?: string;
  worst?: string;
  half?: string;
  cutoffs?: string;
}

/** The cut-offs a kind's rates are computed at: DR-1 and DR-3; the bench's share of ungroundedness
 * ≥ 2; a jailbreak rating that counts as success. */
const CUTOFFS: Partial<Record<Kind, number[]>> = {
  severity: [SEVERITY_HARMFUL, 3],
  groundedness: [2],
  jailbreak: [JAILBREAK_SUCCESS],
};

function parseCutoffs(text: string | undefined, kind: Kind): number[] {
  if (text === undefined) return CUTOFFS[kind] ?? [];
  const cuts = text.split(',').map((x) => x.trim());
  if (cuts.some((x) => x === '' || !Number.isFinite(Number(x))))
    throw usageError(`--cutoffs must be numbers separated by commas (e.g. 1,3), not "${text}"`);
  return cuts.map(Number);
}

async function runCalibrate(ctx: Context, opts: CalibrateOptions): Promise<number> {
  if (!opts.labels) throw usageError('--labels FILE (CSV or JSONL with prompt, response, label) is required');
  const kind = (opts.kind ?? 'refusal') as Kind;
  if (!KINDS.includes(kind)) throw usageError(`--kind must be one of ${KINDS.join(', ')}`);
  const worst = wholeNumber('--worst', opts.worst, 0) ?? 10;
  if (opts.half !== undefined && opts.half !== 'dev' && opts.half !== 'held-out')
    throw usageError(`--half must be "dev" or "held-out", not "${opts.half}"`);
  let labelled = loadLabels(opts.labels, kind);
  if (opts.half !== undefined) {
    const noId = labelled.find((x) => x.id === undefined || x.id === '');
    if (noId)
      throw usageError(
        `--half splits by each item's id, and ${opts.labels}${noId.line ? `:${noId.line}` : ''} has none`,
      );
    const all = labelled.length;
    labelled = labelled.filter((x) => idHalf(x.id as string) === opts.half);
    if (labelled.length === 0)
      throw new InputError(
        `no labelled items selected: all ${all} fall in the ${opts.half === 'dev' ? 'held-out' : 'dev'} half, none in --half ${opts.half}`,
        opts.labels,
      );
  }
  const cutoffs = parseCutoffs(opts.cutoffs, kind);
  const judge = pickJudge(ctx, kind, opts.judge);
  // (an LLM judge on XSTest's 450 examples is minutes of requests: progress, as judging a file has)
  ctx.progress.start(`judge calibrate ${kind} (${judge.id})`, labelled.length);
  const cal = await calibrate(judge, labelled, { worst, cutoffs, onJudged: () => ctx.progress.tick() });
  ctx.progress.done();
  ctx.out({ judge: judge.id, kind, labelsFile: opts.labels, ...cal }, () => {
    // Labels, prompts and responses come from the file (and a judge): shown, never acted on.
    const t = (x: string) => terminalText(x);
    const cols = cal.labels;
    const rows = Object.keys(cal.confusion).sort(compareLabels);
    const w = Math.max(8, ...cols.map((c) => t(c).length), ...rows.map((r) => t(r).length)) + 2;
    const lines = [
      `judge ${judge.id} vs human labels (${t(opts.labels as string)}), n=${cal.n}`,
      `accuracy ${(cal.accuracy * 100).toFixed(1)}% [${(cal.accuracyInterval.lo * 100).toFixed(1)}, ${(cal.accuracyInterval.hi * 100).toFixed(1)}]   Cohen's κ ${cal.kappa.toFixed(3)}   errors ${cal.errors}   undetermined ${cal.undetermined}`,
      '',
      `confusion (rows: human, columns: judge)`,
      `${''.padEnd(w)}${cols.map((c) => t(c).padStart(w)).join('')}`,
      ...rows.map(
        (r) => `${t(r).padEnd(w)}${cols.map((c) => String(cal.confusion[r]?.[c] ?? 0).padStart(w)).join('')}`,
      ),
    ];
    const o = cal.ordinal;
    if (o) {
      const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
      lines.push(
        '',
        `on the scale (n=${o.n}): mean absolute difference ${o.mae.toFixed(2)}, within one point ${pct(o.within1)}, weighted κ ${o.weightedKappa.toFixed(3)}`,
        ...o.thresholds.map(
          (t) =>
            `  ≥ ${t.at}: agreement ${pct(t.accuracy)}, κ ${t.kappa.toFixed(3)}; share ≥ ${t.at}: human ${pct(t.humanRate)}, judge ${pct(t.judgeRate)}`,
        ),
      );
    }
    if (cal.disagreements.length) {
      lines.push('', 'worst disagreements:');
      for (const d of cal.disagreements) {
        lines.push(
          `  human ${t(d.label)} / judge ${t(d.predicted)}: ${t(JSON.stringify(d.prompt.slice(0, 80)))}`,
        );
        lines.push(`    response: ${t(JSON.stringify(d.response.slice(0, 160)))}`);
      }
    }
    return lines.join('\n');
  });
  // A judge that failed was not measured on those examples (they count as disagreements above): the
  // figures are a judge-plus-outage number, and a script must not take them as the judge's.
  if (cal.errors > 0) {
    process.stderr.write(
      `breakfix: ${cal.errors} of ${cal.n} examples ended in a judge error (first: ${terminalText(cal.firstError ?? 'judge error')}); the figures above count them as disagreements\n`,
    );
    return ExitCode.runtime;
  }
  if (cal.n > 0 && cal.undetermined === cal.n) {
    process.stderr.write(
      `breakfix: the judge decided none of the ${cal.n} examples (all undetermined)${undecidedHint(kind, judge, "each disagreement's rationale says why (--json)")}\n`,
    );
    return ExitCode.runtime;
  }
  return ExitCode.ok;
}

export function register(program: Command): void {
  const judge = program
    .command('judge')
    .description(
      'score files with a judge (refusal, severity, groundedness, jailbreak, llamaguard) or calibrate a judge against human labels',
    )
    .addHelpText(
      'after',
      `
Examples:
  $ breakfix judge refusal --in replies.jsonl --out judged.jsonl
  $ breakfix judge severity --in replies.jsonl --out judged.jsonl --judge gpt4o
  $ breakfix judge calibrate --labels human.csv
  $ breakfix judge calibrate --labels human.jsonl --judge gpt4o --json

Input lines are JSON objects with "prompt" and "response" (groundedness also "grounding", or
"document", "context" or "source_text"; jailbreak rates against "goal", "behavior" or "objective"
where a line has one, else "prompt").
--in - reads stdin, --out - writes stdout (the summary then goes to stderr).
A file --out is replaced only by a run that judged some line and ran to its end: one stopped
midway, or one that judged no line, leaves an earlier OUT as it was.
Exit codes: 0 judged (some lines may be undetermined: counted apart), 2 some lines skipped as bad
input (the others judged into OUT; --json's exitError says so), or nothing to judge, 3 a judge
failed on some lines, or decided none (every line undetermined), 130 / 143 / 129 stopped by
Ctrl-C / SIGTERM / SIGHUP (a file OUT left as it was).
calibrate: 0 measured, 2 a bad labels file or options, 3 the judge failed on some example or decided none.`,
    );
  for (const kind of KINDS) {
    withCommonOptions(
      judge
        .command(kind)
        .description(
          `add a "${kind}" field to every good line of a JSONL file (bad lines are reported on stderr with their line number and left out)`,
        )
        .requiredOption('--in <file>', 'input JSONL (prompt, response per line); - for stdin')
        .requiredOption('--out <file>', 'output JSONL; - for stdout (the summary then goes to stderr)')
        .option(
          '--judge <name>',
          kind === 'llamaguard'
            ? 'a target serving Llama Guard (default: config judges.llamaguard; there is no offline one)'
            : `"offline", a config target name, or a spec such as openai:gpt-4o-mini (default: config judges.${kind})`,
        )
        .option('--concurrency <n>', 'lines judged at once', '16'),
      { cache: true, quiet: true },
    )
      .addHelpText(
        'after',
        `\nExample:\n  $ breakfix judge ${kind} --in replies.jsonl --out judged.jsonl\n\nInput lines: JSON objects with "prompt" and "response"${kind === 'groundedness' ? ' and "grounding" (the source document; "document", "context" or "source_text" are read too, "source" is not: it names where a row came from)' : kind === 'severity' ? ', and "category" where a line has one (a taxonomy id such as violent_crimes, its name, or its Llama Guard code: the judge is told that category\'s harms; another is warned of and left out)' : kind === 'jailbreak' ? ', rated against the plain goal where a line has one ("goal" as PAIR and JailbreakBench write it, "behavior" as HarmBench does, or "objective"), else against "prompt"' : ''}.\nExit codes: 0 judged (undetermined lines counted apart) · 2 bad lines skipped (each named on\nstderr; the others judged into OUT, --json's exitError says so), or nothing to judge · 3 the judge\nfailed on some line (the lines and the first error are named), or decided none · 130 / 143 / 129\nstopped by Ctrl-C / SIGTERM / SIGHUP (a file OUT left as it was).`,
      )
      .action(
        runAction(async (opts: ScoreOptions) => {
          const ctx = await loadContext(opts);
          try {
            return await scoreFile(ctx, kind, opts);
          } finally {
            await ctx.close();
          }
        }),
      );
  }
  withCommonOptions(
    judge
      .command('calibrate')
      .description(
        "agreement of a judge with human labels: accuracy, Cohen's κ, confusion matrix, worst disagreements",
      )
      .requiredOption(
        '--labels <file>',
        "CSV or JSONL with prompt, response, label (XSTest's labelled completions, xstest_v2_completions_*.csv, load as they are)",
      )
      .option('--kind <kind>', `which judge: ${KINDS.join(', ')}`, 'refusal')
      .option(
        '--judge <name>',
        '"offline", a config target name, or a spec such as openai:gpt-4o-mini; llamaguard: a target only (default: config judges.<kind>)',
      )
      .option(
        '--worst <n>',
        'how many disagreements to show (0: none, e.g. on a held-out set whose items you must not read)',
        '10',
      )
      .option(
        '--cutoffs <list>',
        'numeric labels: the cut-offs to measure "≥ x" agreement at (default: severity 1,3 — DR-1, DR-3; groundedness 2; jailbreak 10)',
      )
      .option(
        '--half <half>',
        'only one half of the file, split by a fixed hash of each id: "dev" or "held-out" (the split docs/JUDGES.md measures XSTest v2 on)',
      ),
    { cache: true, quiet: true },
  )
    .addHelpText(
      'after',
      '\nExamples:\n  $ breakfix judge calibrate --labels test/judge/fixtures/refusal-eval.jsonl\n  $ breakfix judge calibrate --labels xstest_v2_completions_gpt4.csv --half held-out --worst 0\n  $ breakfix judge calibrate --labels human.csv --kind severity --judge gpt4o --json\n\nExit codes: 0 measured · 2 bad labels file or options · 3 the judge failed on some example\n(counted as a disagreement, named on stderr) or decided none.',
    )
    .action(
      runAction(async (opts: CalibrateOptions) => {
        const ctx = await loadContext(opts);
        try {
          return await runCalibrate(ctx, opts);
        } finally {
          await ctx.close();
        }
      }),
    );
}
