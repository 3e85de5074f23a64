// `breakfix judge`: score a JSONL file line by line with a judge, or calibrate a judge against
// human labels.
import { isUtf8 } from 'node:buffer';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import type { Command } from 'commander';
import { InputError, type Judge, type Verdict } from '../core/index.js';
import {
  calibrate,
  createJudges,
  idHalf,
  JAILBREAK_SUCCESS,
  type JudgeSet,
  judgeSafely,
  loadLabels,
  SEVERITY_HARMFUL,
} from '../judge/index.js';
import {
  type CommonOptions,
  type Context,
  ExitCode,
  loadContext,
  runAction,
  usageError,
  withCommonOptions,
} from './common.js';

const KINDS = ['refusal', 'severity', 'groundedness', 'jailbreak', 'llamaguard'] as const;
type Kind = (typeof KINDS)[number];

interface ScoreOptions extends CommonOptions {
  in?: string;
  out?: string;
  judge?: string;
  concurrency?: string;
}

function pickJudge(ctx: Context, kind: Kind, judge?: string): Judge {
  const cfg = { ...ctx.config, judges: { ...ctx.config.judges, ...(judge ? { [kind]: judge } : {}) } };
  const set: JudgeSet = createJudges(cfg, { target: (name) => ctx.target(name) });
  const j = set[kind];
  if (!j) throw usageError(`no ${kind} judge configured`);
  return j;
}

async function scoreFile(ctx: Context, kind: Kind, opts: ScoreOptions): Promise<number> {
  if (!opts.in) throw usageError('--in FILE.jsonl is required');
  if (!opts.out) throw usageError('--out OUT.jsonl is required');
  if (!existsSync(opts.in)) throw new InputError('file not found', opts.in);
  const judge = pickJudge(ctx, kind, opts.judge);
  const concurrency = Math.max(1, Number(opts.concurrency ?? 16) || 16);
  const input = byteLines(opts.in);
  const out = createWriteStream(opts.out, 'utf8');
  const counts: Record<string, number> = {};
  const status = { ok: 0, error: 0, undetermined: 0 };
  const bad: { line: number; reason: string }[] = [];
  let lineNo = 0;
  let batch: { line: number; row: Record<string, unknown> }[] = [];
  ctx.progress.start(`judge ${kind} (${judge.id})`, 0);

  const flush = async () => {
    const verdicts = await Promise.all(
      batch.map(({ row }): Promise<Verdict> => {
        const prompt = String(row.prompt);
        const response = String(row.response);
        return judgeSafely(judge, {
          prompt,
          response,
          transcript: [
            { role: 'user', content: prompt },
            { role: 'assistant', content: response },
          ],
          grounding:
            typeof row.grounding === 'string'
              ? row.grounding
              : typeof row.source === 'string'
                ? row.source
                : undefined,
          category: typeof row.category === 'string' ? row.category : undefined,
        });
      }),
    );
    for (let i = 0; i < batch.length; i++) {
      const v = verdicts[i];
      status[v.status]++;
      const key = v.status === 'ok' ? String(v.value) : v.status;
      counts[key] = (counts[key] ?? 0) + 1;
      const row = {
        ...batch[i].row,
        [kind]: v.status === 'ok' ? v.value : null,
        [`${kind}_verdict`]: { judge: v.judge, status: v.status, rationale: v.rationale, detail: v.detail },
      };
      if (!out.write(`${JSON.stringify(row)}\n`))
        await new Promise<void>((r) => out.once('drain', () => r()));
    }
    ctx.progress.tick(batch.length);
    batch = [];
  };

  for await (const bytes of input) {
    lineNo++;
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
    if (typeof r.prompt !== 'string' || typeof r.response !== 'string') {
      bad.push({ line: lineNo, reason: 'needs string fields "prompt" and "response"' });
      continue;
    }
    batch.push({ line: lineNo, row: r });
    if (batch.length >= concurrency) await flush();
  }
  if (batch.length) await flush();
  await new Promise<void>((resolve, reject) =>
    out.end((err?: Error | null) => (err ? reject(err) : resolve())),
  );
  ctx.progress.done();
  for (const b of bad) process.stderr.write(`${opts.in}:${b.line}: skipped: ${b.reason}\n`);
  const summary = {
    judge: judge.id,
    kind,
    in: opts.in,
    out: opts.out,
    judged: status.ok + status.error + status.undetermined,
    ...status,
    skipped: bad.length,
    badLines: bad,
    counts,
  };
  ctx.out(summary, () =>
    [
      `${summary.judged} lines judged by ${judge.id} → ${opts.out}`,
      `  ${Object.entries(counts)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, n]) => `${k}: ${n}`)
        .join('  ')}`,
      `  ok ${status.ok}  undetermined ${status.undetermined}  error ${status.error}  skipped ${bad.length}`,
    ].join('\n'),
  );
  if (status.error > 0) return ExitCode.runtime;
  if (bad.length > 0) return ExitCode.input;
  return ExitCode.ok;
}

/** The lines of a file as bytes (LF or CRLF), streamed, so each can be checked for UTF-8. */
async function* byteLines(file: string): AsyncGenerator<Buffer> {
  let rest: Buffer = Buffer.alloc(0);
  for await (const chunk of createReadStream(file)) {
    const buf = rest.length ? Buffer.concat([rest, chunk as Buffer]) : (chunk as Buffer);
    let start = 0;
    for (let i = buf.indexOf(0x0a); i >= 0; i = buf.indexOf(0x0a, start)) {
      yield buf.subarray(start, i > start && buf[i - 1] === 0x0d ? i - 1 : i);
      start = i + 1;
    }
    rest = buf.subarray(start);
  }
  if (rest.length) yield rest[rest.length - 1] === 0x0d ? rest.subarray(0, -1) : rest;
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
  const worst = Number(opts.worst ?? 10);
  if (!Number.isInteger(worst) || worst < 0)
    throw usageError(
      `--worst must be a whole number of disagreements to show (0 for none), not "${opts.worst}"`,
    );
  if (opts.half !== undefined && opts.half !== 'dev' && opts.half !== 'held-out')
    throw usageError(`--half must be "dev" or "held-out", not "${opts.half}"`);
  let labelled = loadLabels(opts.labels);
  if (opts.half !== undefined) {
    const noId = labelled.find((x) => x.id === undefined || x.id === '');
    if (noId)
      throw usageError(
        `--half splits by each item's id, and ${opts.labels}${noId.line ? `:${noId.line}` : ''} has none`,
      );
    labelled = labelled.filter((x) => idHalf(x.id as string) === opts.half);
  }
  const cutoffs = parseCutoffs(opts.cutoffs, kind);
  const judge = pickJudge(ctx, kind, opts.judge);
  ctx.note(`calibrating ${judge.id} on ${labelled.length} labelled examples…`);
  const cal = await calibrate(judge, labelled, { worst, cutoffs });
  ctx.out({ judge: judge.id, kind, labelsFile: opts.labels, ...cal }, () => {
    const cols = cal.labels;
    const rows = Object.keys(cal.confusion).sort();
    const w = Math.max(8, ...cols.map((c) => c.length), ...rows.map((r) => r.length)) + 2;
    const lines = [
      `judge ${judge.id} vs human labels (${opts.labels}), n=${cal.n}`,
      `accuracy ${(cal.accuracy * 100).toFixed(1)}% [${(cal.accuracyInterval.lo * 100).toFixed(1)}, ${(cal.accuracyInterval.hi * 100).toFixed(1)}]   Cohen's κ ${cal.kappa.toFixed(3)}   errors ${cal.errors}   undetermined ${cal.undetermined}`,
      '',
      `confusion (rows: human, columns: judge)`,
      `${''.padEnd(w)}${cols.map((c) => c.padStart(w)).join('')}`,
      ...rows.map(
        (r) => `${r.padEnd(w)}${cols.map((c) => String(cal.confusion[r]?.[c] ?? 0).padStart(w)).join('')}`,
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
        lines.push(`  human ${d.label} / judge ${d.predicted}: ${JSON.stringify(d.prompt.slice(0, 80))}`);
        lines.push(`    response: ${JSON.stringify(d.response.slice(0, 160))}`);
      }
    }
    return lines.join('\n');
  });
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

Input lines are JSON objects with "prompt" and "response" (groundedness also "grounding").
Exit codes: 0 all judged, 2 some lines skipped as bad input, 3 a judge failed on some lines.`,
    );
  for (const kind of KINDS) {
    withCommonOptions(
      judge
        .command(kind)
        .description(`add a "${kind}" field to every line of a JSONL file`)
        .requiredOption('--in <file>', 'input JSONL (prompt, response per line)')
        .requiredOption('--out <file>', 'output JSONL')
        .option('--judge <name>', `"offline" or a target name (default: config judges.${kind})`)
        .option('--concurrency <n>', 'lines judged at once', '16'),
    )
      .addHelpText('after', `\nExample:\n  $ breakfix judge ${kind} --in replies.jsonl --out judged.jsonl`)
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
      .option('--judge <name>', '"offline" or a target name (default: config judges.<kind>)')
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
  )
    .addHelpText(
      'after',
      '\nExamples:\n  $ breakfix judge calibrate --labels test/judge/fixtures/refusal-eval.jsonl\n  $ breakfix judge calibrate --labels xstest_v2_completions_gpt4.csv --half held-out --worst 0\n  $ breakfix judge calibrate --labels human.csv --kind severity --judge gpt4o --json',
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
