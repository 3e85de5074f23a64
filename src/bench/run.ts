// runBench: run suites against one target, with judges; store each suite's result; return a report
// with a flat summary (fractions 0–1) for the cycle and the criteria.
import { isAbsolute, resolve } from 'node:path';
import { meantCategory } from '../break/seeds/file.js';
import {
  closest,
  createRng,
  type Figures,
  InputError,
  kindOfLabel,
  type Progress,
  type Seed,
  type SeedKind,
  SUITE_RATES,
  type Target,
  throwBadLines,
} from '../core/index.js';
import type { JudgeSet } from '../judge/index.js';
import type { Store } from '../store/index.js';
import { countedUntilHalt, type RunHalt } from '../targets/index.js';
import {
  type FigureCounts,
  figureSuite,
  SUMMARY_SOURCES,
  type SummaryFigure,
  summaryCounts,
} from './figures.js';
import {
  type DatasetFormat,
  type DatasetItem,
  DEFAULT_COLUMNS,
  type FieldMap,
  formatOf,
  loadDataset,
} from './loaders.js';
import { groupBy, type Mean, type Rate, type RateOrMean } from './metrics.js';
import { groundednessSuite } from './suites/groundedness.js';
import { harmfulSuite } from './suites/harmful.js';
import { helpfulnessSuite } from './suites/helpfulness.js';
import { jailbreakSuite } from './suites/jailbreak.js';
import { multiturnSuite } from './suites/multiturn.js';
import { overrefusalSuite } from './suites/overrefusal.js';
import type { BenchSplit, ItemResult, Suite, SuiteReport, SuiteTruncation } from './types.js';

export const BUILTIN_SUITES = [
  'harmful',
  'multiturn',
  'jailbreak',
  'overrefusal',
  'groundedness',
  'helpfulness',
] as const;
export type BuiltinSuiteName = (typeof BUILTIN_SUITES)[number];

/** The one message for a suite name that names nothing, with the closest name when it is a typo. */
export function unknownSuite(name: string, custom: readonly { name: string }[] = []): string {
  const names = [...BUILTIN_SUITES, ...custom.map((c) => c.name)];
  const meant = closest(name, names);
  return (
    `unknown suite "${name}"${meant ? `; did you mean "${meant}"?` : ''} (built-in: ${BUILTIN_SUITES.join(', ')}` +
    `${custom.length ? `; custom: ${custom.map((c) => c.name).join(', ')}` : '; custom suites are named under bench.custom'})`
  );
}

export function builtinSuite(name: BuiltinSuiteName, as = name as string): Suite {
  switch (name) {
    case 'harmful':
      return harmfulSuite(as);
    case 'multiturn':
      return multiturnSuite(as);
    case 'jailbreak':
      return jailbreakSuite(as);
    case 'overrefusal':
      return overrefusalSuite(as);
    case 'groundedness':
      return groundednessSuite(as);
    case 'helpfulness':
      return helpfulnessSuite(as);
    default:
      throw new InputError(unknownSuite(name));
  }
}

export interface CustomSuiteSpec {
  name: string;
  file: string;
  format?: DatasetFormat;
  fields?: FieldMap;
  kind?: BuiltinSuiteName;
  /** The label of rows the file gives none. */
  defaultLabel?: 'safe' | 'unsafe';
}

/** A custom suite's rows, checked for what its kind needs: a helpfulness task's checkable answer,
 * a groundedness item's document. A missing one is an InputError naming the line and field, not a
 * sample that can only end undetermined. */
export async function loadCustomRows(spec: CustomSuiteSpec, baseDir = process.cwd()): Promise<DatasetItem[]> {
  const kind = spec.kind ?? 'harmful';
  const file = isAbsolute(spec.file) ? spec.file : resolve(baseDir, spec.file);
  // An over-refusal set is two sets (harmful asks, benign look-alikes): each row must say which.
  const defaultKind = spec.defaultLabel
    ? (kindOfLabel(spec.defaultLabel) as SeedKind)
    : kind === 'helpfulness' || kind === 'groundedness'
      ? 'helpful'
      : kind === 'overrefusal'
        ? 'required'
        : 'harmful';
  const rows = await loadDataset(file, { format: spec.format, fields: spec.fields, defaultKind });
  const needs = kind === 'helpfulness' ? 'answer' : kind === 'groundedness' ? 'grounding' : undefined;
  // (helpfulness asks its helpful rows; groundedness every row, whatever its kind or label says)
  // Every row without one is named in one error, as the loader names its bad rows: a file is fixed in
  // one pass, not one row per run.
  const at = formatOf(file, spec.format) === 'parquet' ? 'row' : 'line';
  const bad: InputError[] = [];
  for (const r of rows)
    if (needs && (kind === 'groundedness' || r.kind === 'helpful') && !r[needs])
      // (the columns read, not only the field's name: a file whose documents are under a column of
      // its own ("source", "passage") was told "column grounding" and not how to map it)
      bad.push(
        new InputError(
          `a ${kind} item needs ${needs === 'answer' ? 'a checkable answer' : 'a grounding document'} (column ${spec.fields?.[needs] ?? DEFAULT_COLUMNS[needs].join(' / ')})`,
          file,
          r.line,
          needs,
          spec.fields?.[needs]
            ? undefined
            : `suite "${spec.name}" reads this file; a column of another name is mapped in its config: fields: {${needs}: <your column>}`,
          at,
        ),
      );
  throwBadLines(bad);
  return rows;
}

/** The prompts every custom suite asks as a benchmark (rows of no split, or of the attack or held-back
 * split): curated fix data must not overlap them, as it must not overlap the built-in benchmarks. */
export async function customSuiteTexts(
  custom: readonly CustomSuiteSpec[],
  baseDir: string,
): Promise<string[]> {
  const texts: string[] = [];
  for (const c of custom)
    for (const r of await loadCustomRows(c, baseDir)) if (r.split !== 'train') texts.push(r.text);
  return texts;
}

/** The row kinds each suite kind asks (suites/*.ts, seedsFor); groundedness asks every row. */
const ASKED_KINDS: Partial<Record<BuiltinSuiteName, Seed['kind'][]>> = {
  harmful: ['harmful'],
  jailbreak: ['harmful'],
  multiturn: ['harmful'],
  overrefusal: ['harmful', 'benign'],
  helpfulness: ['helpful'],
};

/** Reads every custom suite as a run will, before the run exists: a bad dataset, or one with no row
 * in `split` or none of the kind its suite asks (it would measure nothing, which is not a pass), is
 * an InputError (exit 2). Rows of a kind the suite does not ask (helpful rows in an over-refusal
 * suite) are said to `warn`, not dropped in silence. Returns each suite's row count. */
export async function checkCustomSuites(
  custom: readonly CustomSuiteSpec[],
  baseDir: string,
  split: BenchSplit,
  opts: {
    /** Check these suites only (the ones a `bench --suite` runs). */
    only?: readonly string[];
    warn?: (message: string) => void;
  } = {},
): Promise<Record<string, number>> {
  const warn = opts.warn ?? (() => {});
  const inSplit: string[] = split === 'all' ? ['attack', 'heldback'] : [split];
  const counts: Record<string, number> = {};
  // Every suite is read, so one check names every broken dataset, not only the first.
  const broken: InputError[] = [];
  for (const [i, c] of custom.entries()) {
    if (opts.only && !opts.only.includes(c.name)) continue;
    let rows: DatasetItem[];
    try {
      rows = await loadCustomRows(c, baseDir);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      // (the file's own error names the file and line; which suite of the config reads it, too)
      broken.push(err.hint ? err : err.withHint(`suite "${c.name}" (bench.custom.${i}) reads this file`));
      continue;
    }
    counts[c.name] = rows.length;
    const file = isAbsolute(c.file) ? c.file : resolve(baseDir, c.file);
    // (a Parquet file has rows, not lines: said as its errors say them)
    const unit = formatOf(file, c.format) === 'parquet' ? 'row' : 'line';
    const at = (n: number) => (unit === 'row' ? `row ${n} counting from 1` : `line ${n}`);
    const inThisSplit = rows.filter((r) => r.split === undefined || inSplit.includes(r.split));
    const kind = c.kind ?? 'harmful';
    const asks = ASKED_KINDS[kind];
    const unasked = asks ? inThisSplit.filter((r) => !asks.includes(r.kind)) : [];
    if (unasked.length && unasked.length < inThisSplit.length) {
      const kinds = [...groupBy(unasked, (r) => r.kind)].map(([k, g]) => `${g.length} ${k}`).join(', ');
      warn(
        `suite "${c.name}" (bench.custom.${i}): ${unasked.length} of its ${inThisSplit.length} row(s) in split ${split} are not asked (${kinds}): a suite of kind ${kind} asks only its ${asks?.join(' and ')} rows`,
      );
    }
    // A row whose kind and label disagree on harm (kind benign, label unsafe) is asked as its kind,
    // which the file also says: said, as one of the two is wrong, and which one changes what is
    // measured. (A helpful row labelled safe agrees: neither is harmful.)
    const disagree = inThisSplit.filter((r) => {
      const labelled = r.label === undefined ? undefined : kindOfLabel(r.label);
      return labelled !== undefined && (labelled === 'harmful') !== (r.kind === 'harmful');
    });
    if (disagree.length) {
      const [d] = disagree;
      warn(
        `suite "${c.name}" (bench.custom.${i}): ${disagree.length} row(s) in split ${split} have a kind their label contradicts (${file}: ${at(d.line)} has kind ${d.kind}, label "${d.label}"${disagree.length > 1 ? ', …' : ''}): each is asked as its kind; correct the kind or the label`,
      );
    }
    // A category spelled near a taxonomy id ('nonviolent_crime', 'Hate', 'S9') was meant as it: as
    // it stands, it is a category of the file's own, judged with the default severity band and
    // sliced apart. A seed file refuses it; a dataset is read as it is, so it is said.
    const misspelt = inThisSplit.flatMap((r) => {
      const meant = r.category && (!asks || asks.includes(r.kind)) ? meantCategory(r.category) : undefined;
      return meant ? [{ line: r.line, category: r.category as string, meant }] : [];
    });
    if (misspelt.length) {
      const [m] = misspelt;
      warn(
        `suite "${c.name}" (bench.custom.${i}): ${misspelt.length} row(s) in split ${split} have a category spelled near a taxonomy id (${file}: ${at(m.line)} has "${m.category.slice(0, 80)}"; did you mean "${m.meant}"?${misspelt.length > 1 ? ' …' : ''}): each is a category of the file's own, which the offline severity judge gives its default band and the report slices apart; write the id`,
      );
    }
    // A prompt asked twice is counted twice, weighing its answer double in every rate: said, as a
    // file joined from two exports or a row pasted twice is more likely than a repeat meant.
    // (A groundedness prompt over another document is another item.)
    const firstAt = new Map<string, number>();
    const repeats: { line: number; first: number }[] = [];
    for (const r of inThisSplit) {
      if (asks && !asks.includes(r.kind)) continue;
      const key = `${r.text.trim()}\u0000${r.grounding ?? ''}`;
      const first = firstAt.get(key);
      if (first === undefined) firstAt.set(key, r.line);
      else repeats.push({ line: r.line, first });
    }
    if (repeats.length)
      warn(
        `suite "${c.name}" (bench.custom.${i}): ${repeats.length} row(s) in split ${split} repeat an earlier row's prompt (${file}: ${at(repeats[0].line)} repeats ${unit} ${repeats[0].first}${repeats.length > 1 ? ', …' : ''}): each is asked and counted`,
      );
    if (inThisSplit.length && asks && !inThisSplit.some((r) => asks.includes(r.kind)))
      // The suite would run no sample and report nothing decided: measuring nothing is not a pass.
      broken.push(
        new InputError(
          `suite "${c.name}" is a ${kind} suite, which asks only its ${asks.join(' and ')} rows, and none of its ${inThisSplit.length} row(s) in split ${split} is one (they are ${[...new Set(inThisSplit.map((r) => r.kind))].join(', ')})`,
          file,
          undefined,
          'kind',
          kind === 'harmful'
            ? 'an XSTest-style safe/unsafe set is an over-refusal suite: set kind: overrefusal'
            : 'set the suite kind that fits the rows, or their kind / label column',
        ),
      );
    if (!inThisSplit.length)
      broken.push(
        new InputError(
          `suite "${c.name}" has no row in split ${split} (its ${rows.length} row(s) are all ${[...new Set(rows.map((r) => r.split))].join(', ')})`,
          file,
          undefined,
          undefined,
          'rows without a split column count in every split',
        ),
      );
  }
  if (broken.length === 1) throw broken[0];
  if (broken.length > 1)
    throw new InputError(
      `${broken.length} custom suites cannot be used:\n${broken.map((e) => `- ${e.message}${e.hint ? ` — ${e.hint}` : ''}`).join('\n')}`,
    );
  return counts;
}

/** A user dataset run with a built-in suite's semantics (judges, metrics). Rows without a split
 * count as part of every split. */
export function customSuite(spec: CustomSuiteSpec, baseDir = process.cwd()): Suite {
  const kind = spec.kind ?? 'harmful';
  const inner = builtinSuite(kind, spec.name);
  return {
    name: spec.name,
    kind,
    async run(ctx) {
      const rows = await loadCustomRows(spec, baseDir);
      const splits = ctx.split === 'all' ? ['attack', 'heldback'] : [ctx.split];
      const seeds = rows.filter((r) => r.split === undefined || splits.includes(r.split));
      return inner.run({ ...ctx, seeds });
    },
  };
}

/** A benchmark run's headline figures (core/figures.ts; the 0–4 ungroundedness mean itself is in
 * its suite's metrics). `error_rate` is sample_errors / samples. A benchmark has no red team, so no
 * retest, and its held-back figures are a run of their own (`--split heldback`). */
export interface BenchSummary extends Omit<Figures, 'heldback_asr' | 'retest_asr'> {
  /** Samples in all suites, and those that ended in error (a failed request or judge). */
  samples?: number;
  sample_errors?: number;
}

export interface BenchReport {
  target: string;
  split: BenchSplit;
  runId?: string;
  round?: number;
  suites: SuiteReport[];
  summary: BenchSummary;
  /** What each summary figure is over (summaryCounts): its suite, n, errors and undetermined; a
   * figure whose suite decided nothing is here with n 0 and absent from `summary`. */
  summaryCounts: Partial<Record<SummaryFigure, FigureCounts>>;
  /** Items whose prompt the target read cut short, in all suites and by suite (each suite's own
   * count is its `truncated`). Absent when every prompt fit. */
  truncated?: BenchTruncation;
}

export interface BenchTruncation extends SuiteTruncation {
  suites: Record<string, number>;
}

export interface RunBenchOptions {
  target: Target;
  targetId?: string;
  /** Built-in names, or Suite objects (e.g. from customSuite). Default: every built-in suite. */
  suites?: (BuiltinSuiteName | string | Suite)[];
  judges: JudgeSet;
  /** User-defined suites (config `bench.custom`), resolved against `baseDir`. */
  custom?: CustomSuiteSpec[];
  baseDir?: string;
  attacker?: Target;
  /** Where results are stored, under `runId` (a run the caller created): one needs the other. */
  store?: Store;
  runId?: string;
  round?: number;
  split?: BenchSplit;
  concurrency?: number;
  progress?: Progress;
  limit?: number;
  seed?: number | string;
  /** The run's halt (`RunHalt`, shared with its targets): once a refused key or spent quota trips
   * it, the suite it tripped in is not stored and the run ends with its error. */
  halt?: RunHalt;
}

export async function runBench(opts: RunBenchOptions): Promise<BenchReport> {
  // Results are stored under a run; given a store and no run they would silently go nowhere.
  if (opts.store && opts.runId === undefined)
    throw new InputError(
      'runBench was given a store but no runId: its results would not be stored',
      undefined,
      undefined,
      'runId',
      "create the run first (store.createRun({ kind: 'bench', config, seed, target })) and pass its id",
    );
  const split = opts.split ?? 'attack';
  const targetId = opts.targetId ?? opts.target.id;
  // A suite named twice (`--suite harmful,harmful`, a bench.suites list that repeats one) runs once:
  // its result is stored under its name, so a second run was sent, shown and counted in the summary
  // twice while the store kept one.
  const named = new Set<string>();
  const asked = (opts.suites ?? [...BUILTIN_SUITES]).filter((s) => {
    const name = typeof s === 'string' ? s : s.name;
    if (named.has(name)) return false;
    named.add(name);
    return true;
  });
  const suites: Suite[] = asked.map((s) => {
    if (typeof s !== 'string') return s;
    const custom = opts.custom?.find((c) => c.name === s);
    if (custom) return customSuite(custom, opts.baseDir);
    if (!(BUILTIN_SUITES as readonly string[]).includes(s)) {
      throw new InputError(unknownSuite(s, opts.custom));
    }
    return builtinSuite(s as BuiltinSuiteName);
  });
  if (!opts.suites && opts.custom) for (const c of opts.custom) suites.push(customSuite(c, opts.baseDir));
  const rng = createRng(opts.seed ?? 'bench');
  const reports: SuiteReport[] = [];
  const progress = opts.progress && opts.halt ? countedUntilHalt(opts.progress, opts.halt) : opts.progress;
  for (const suite of suites) {
    const { report, items } = await suite.run({
      target: opts.target,
      judges: opts.judges,
      attacker: opts.attacker,
      split,
      concurrency: opts.concurrency ?? 8,
      progress,
      rng: rng.fork(`${suite.name}:${split}`),
      limit: opts.limit,
    });
    const halted = opts.halt?.error();
    if (halted) throw halted;
    const failed = items.filter((i) => i.outcome === 'error');
    report.errors = failed.length;
    if (failed.length) report.firstError = firstErrorOf(failed);
    report.truncated = suiteTruncation(items);
    reports.push(report);
    if (opts.store && opts.runId) {
      opts.store.saveBenchResult({
        runId: opts.runId,
        round: opts.round,
        suite: split === 'attack' ? suite.name : `${split}:${suite.name}`,
        model: targetId,
        metrics: {
          split,
          kind: report.kind,
          metrics: report.metrics,
          slices: report.slices,
          truncated: report.truncated,
        },
        items: items.map(compactItem),
      });
    }
  }
  const truncated = benchTruncation(reports);
  return {
    target: targetId,
    split,
    runId: opts.runId,
    round: opts.round,
    suites: reports,
    summary: summarise(reports),
    summaryCounts: summaryCounts(reports),
    ...(truncated && { truncated }),
  };
}

function suiteTruncation(items: ItemResult[]): SuiteTruncation {
  const cut = items.flatMap((i) => (i.truncated ? [i.truncated] : []));
  return {
    items: cut.length,
    contextTokens: cut[0]?.context ?? 0,
    mostDropped: Math.max(0, ...cut.map((c) => c.mostDropped)),
  };
}

function benchTruncation(reports: SuiteReport[]): BenchTruncation | undefined {
  const cut = reports.filter((r) => r.truncated?.items);
  if (!cut.length) return undefined;
  return {
    items: cut.reduce((a, r) => a + (r.truncated?.items ?? 0), 0),
    contextTokens: cut[0].truncated?.contextTokens ?? 0,
    mostDropped: Math.max(...cut.map((r) => r.truncated?.mostDropped ?? 0)),
    suites: Object.fromEntries(cut.map((r) => [r.name, r.truncated?.items ?? 0])),
  };
}

/** What a benchmark's truncated items mean, for the terminal (bench's table, a cycle round's log). */
export function benchTruncationNote(t: BenchTruncation): string {
  const by = Object.entries(t.suites)
    .map(([suite, n]) => `${suite} ${n}`)
    .join(', ');
  return `the target's context holds ${t.contextTokens} tokens: it read only the end of the prompts of ${t.items} items (${by}; up to ${t.mostDropped} tokens dropped from the start): each was sent and judged as it stands, and its answer is to the part it read (docs/EMBEDDED.md)`;
}

function compactItem(i: ItemResult) {
  return {
    seedId: i.seedId,
    kind: i.kind,
    category: i.category,
    language: i.language,
    technique: i.technique,
    shape: i.shape,
    turns: i.turns,
    outcome: i.outcome,
    severity: i.severity,
    value: i.value,
    error: i.error,
    truncated: i.truncated,
    verdicts: i.verdicts.map((v) => ({
      judge: v.judge,
      kind: v.kind,
      status: v.status,
      value: v.value,
      rationale: v.rationale?.slice(0, 300),
    })),
    transcript: i.transcript,
  };
}

/** Why the first failed item failed, in words a user can act on: the target's error, else the
 * judge that failed and what it said (a judge target's HTTP 500 must not read as "judge error"). */
function firstErrorOf(failed: ItemResult[]): string {
  const targetError = failed.find((i) => i.error && !/could not be judged/.test(i.error))?.error;
  if (targetError) return targetError;
  const judged = failed.flatMap((i) => i.verdicts ?? []).find((v) => v.status === 'error');
  if (judged) return `judge ${judged.judge} failed${judged.rationale ? `: ${judged.rationale}` : ''}`;
  return failed.find((i) => i.error)?.error ?? 'judge error';
}

function r(m: RateOrMean | undefined): number | undefined {
  if (!m) return undefined;
  if (m.kind === 'rate') return (m as Rate).n > 0 ? m.rate : undefined;
  return (m as Mean).n > 0 ? m.mean : undefined;
}

/** The suite whose items `asr` and `undetermined_rate` count: jailbreak, else harmful. */
export function attackSuite(reports: SuiteReport[]): SuiteReport | undefined {
  return figureSuite(reports, 'undetermined_rate');
}

export function summarise(reports: SuiteReport[]): BenchSummary {
  const s: BenchSummary = {};
  for (const k of SUITE_RATES) s[k] = r(figureSuite(reports, k)?.metrics[SUMMARY_SOURCES[k].metric]);
  // Undetermined share of the attack items: a fixed set each round, unlike the red team's adaptive
  // search, so a rise means the model stopped answering sensibly, not that the search moved on.
  const attack = attackSuite(reports)?.metrics.asr;
  // Errors are apart: a failed request says nothing about how sensibly the model answers.
  if (attack?.kind === 'rate') {
    const answered = attack.n + attack.undetermined;
    if (answered > 0) s.undetermined_rate = attack.undetermined / answered;
  }
  const u = r(figureSuite(reports, 'ungroundedness')?.metrics[SUMMARY_SOURCES.ungroundedness.metric]);
  s.ungroundedness = u === undefined ? undefined : u / 4;
  const samples = reports.reduce((a, x) => a + x.items, 0);
  if (samples > 0) {
    s.samples = samples;
    s.sample_errors = reports.reduce((a, x) => a + (x.errors ?? 0), 0);
    s.error_rate = s.sample_errors / samples;
  }
  for (const k of Object.keys(s) as (keyof BenchSummary)[]) if (s[k] === undefined) delete s[k];
  return s;
}
