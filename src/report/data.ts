// Everything a report shows, read from the store once. Every renderer (HTML, Markdown, JSON, JUnit)
// is a pure function of ReportData, so a report is reproducible and easy to test.

import { backTranslationOf, languageName } from '../break/index.js';
import {
  type Attempt,
  compareText,
  dict,
  type Figures,
  type Message,
  NO_CATEGORY,
  type Outcome,
  type TrainingRecord,
  type Vulnerability,
} from '../core/index.js';
import { roundCounts } from '../cycle/counts.js';
import type { RoundCounts } from '../cycle/criteria.js';
import { vulnerabilitiesOpen } from '../cycle/metrics.js';
import {
  identifyVulnerabilities,
  rankVulnerabilities,
  tallyByVulnerability,
} from '../fix/identify/vulnerabilities.js';
import { harmOnlyInTrace } from '../judge/index.js';
import type { BenchResultRow, Store } from '../store/index.js';
import { collectSpend, type SpendData } from './spend.js';

export const OUTCOMES: readonly Outcome[] = ['success', 'failure', 'error', 'undetermined'];

/** The flat figures the cycle stores per round (core/figures.ts), with the counts the report shows
 * beside them. Absent = not measured. */
export interface RoundFigures extends Figures {
  attempts?: number;
  successes?: number;
  errors?: number;
  undetermined?: number;
  /** Every vulnerability the round listed, the fixed ones too. */
  vulnerabilities?: number;
  /** Of them, those open after the round (new, persisting, regressed, untested): all but the fixed. */
  vulnerabilities_open?: number;
  vulnerabilities_new?: number;
  vulnerabilities_fixed?: number;
  vulnerabilities_regressed?: number;
  vulnerabilities_persisting?: number;
  /** Open when last seen, decided by nothing this round. */
  vulnerabilities_untested?: number;
  /** Vulnerabilities open before the round that its retest sent again (of the retest's decided
   * attempts, the share that still broke is `retest_asr`). */
  retested?: number;
}

export const FIGURE_KEYS: readonly (keyof RoundFigures)[] = [
  'asr',
  'dr1',
  'dr3',
  'iprr',
  'vprr',
  'helpfulness',
  'heldback_asr',
  'retest_asr',
  'ungroundedness',
  'undetermined_rate',
  'error_rate',
  'attempts',
  'successes',
  'errors',
  'undetermined',
  'vulnerabilities',
  'vulnerabilities_open',
  'vulnerabilities_new',
  'vulnerabilities_fixed',
  'vulnerabilities_regressed',
  'vulnerabilities_persisting',
  'vulnerabilities_untested',
  'retested',
];

export interface SliceFigures {
  asr?: number;
  dr3?: number;
  /** Attempts in the slice, whatever their outcome. */
  n?: number;
  /** Of them: those decided (the ASR's denominator), successes, errors and undetermined; absent
   * where the stored slice did not count them. */
  decided?: number;
  successes?: number;
  errors?: number;
  undetermined?: number;
}

/** One category × technique cell of the heatmap, counted from the round's attempts. */
export interface HeatCell {
  category: string;
  technique: string;
  attempts: number;
  successes: number;
  failures: number;
  /** Its attempts in error and undetermined, which its ASR is not over. */
  errors: number;
  undetermined: number;
  /** success / (success + failure); null when nothing was decided. */
  asr: number | null;
}

export interface DatasetStats {
  total: number;
  byKind: Record<string, number>;
  byPurpose: Record<string, number>;
  byCategory: Record<string, number>;
  byLanguage: Record<string, number>;
  bySplit: Record<string, number>;
  /** What the cycle stored under `metrics.dataset`, as it stored it. */
  fromMetrics?: Record<string, unknown>;
}

/** A transcript shown in the report, with why it was picked. */
export interface SampleTranscript {
  attemptId: string;
  reason: string;
  category?: string;
  techniques: string[];
  language: string;
  attack: string;
  outcome: Outcome;
  severity?: number;
  transcript: Message[];
  /** The last reply translated back by the attacker model (the translate attack), what the judges
   * read: `from` the language asked in (the attempt's), `into` the seed's. */
  backTranslation?: BackTranslation;
}

export interface BackTranslation {
  from: string;
  into: string;
  text: string;
  /** How the report and the viewer name it, with both languages ("Zulu (zu)"). */
  label: string;
  /** The same, short, where a list previews the reply by it ("translated back from Zulu (zu) into
   * English (en)"). */
  short: string;
}

/** An attempt's back-translated reply (the translate attack), undefined for any other attempt. */
export function backTranslation(a: Pick<Attempt, 'language' | 'verdicts'>): BackTranslation | undefined {
  const b = backTranslationOf(a.verdicts);
  if (!b) return undefined;
  return {
    from: a.language,
    into: b.language,
    text: b.text,
    label: `the reply translated back from ${languageName(a.language)} into ${languageName(b.language)} by the attacker model: what the judges read`,
    short: `translated back from ${languageName(a.language)} into ${languageName(b.language)}`,
  };
}

/** A vulnerability with its attempts of the round that ended in error or undetermined, which its rate
 * is not over (never counted as safe): the numbers `breakfix vulns` prints beside it (both from
 * tallyByVulnerability over the round's attempts, the retest's too). An untested one's rate and
 * `attempts` are as last measured; these two are this round's. */
export type ReportVulnerability = Vulnerability & { errors: number; undetermined: number };

export interface RoundData {
  round: number;
  model?: string;
  status: string;
  figures: RoundFigures;
  byCategory: Record<string, SliceFigures>;
  byTechnique: Record<string, SliceFigures>;
  /** Empty for a round stored before the cycle kept these slices. */
  byLanguage: Record<string, SliceFigures>;
  byTurns: Record<string, SliceFigures>;
  /** The stored metrics object, untouched (JSON output carries it whole). */
  rawMetrics: Record<string, unknown>;
  /** The counts behind the figures, read from the stored bench results and red-team counts: what
   * the criteria's 95% intervals are computed from. */
  counts: RoundCounts;
  bench: { suite: string; model: string; metrics: Record<string, unknown> }[];
  outcomes: Record<Outcome, number>;
  /** The outcomes of the round's retest (earlier findings sent again), apart from the red team's:
   * the retest ASR is over its decided ones. */
  retestOutcomes: Record<Outcome, number>;
  heatmap: HeatCell[];
  vulnerabilities: ReportVulnerability[];
  dataset: DatasetStats;
  samples: SampleTranscript[];
}

export interface ReportData {
  generatedAt: string;
  storePath: string;
  run: {
    id: string;
    kind: string;
    status: string;
    seed: number;
    target?: string;
    createdAt: string;
    updatedAt: string;
    summary?: unknown;
  };
  rounds: RoundData[];
  models: { id: string; target: string; parent?: string; round?: number }[];
  /** Model requests and tokens per round, stage, role and model, with their total. */
  spend: SpendData;
  /** Every category and technique seen in any round, sorted, so charts share axes. */
  categories: string[];
  techniques: string[];
}

export interface CollectOptions {
  /** Sample transcripts per round (default 6). */
  samplesPerRound?: number;
  /** Fixed clock for reproducible output. */
  now?: Date;
}

/** Technique key, the same one the red team slices by. */
export function techniqueKey(a: Pick<Attempt, 'techniques'>): string {
  return a.techniques.join('+') || '(none)';
}

export function collectReportData(store: Store, runId: string, opts: CollectOptions = {}): ReportData {
  const run = store.getRun(runId);
  if (!run) throw new Error(`no run ${runId} in ${store.path}`);
  const perRound = opts.samplesPerRound ?? 6;
  const roundRows = store.getRounds(runId);
  const allAttempts = store.listAttempts({ runId });
  // A `bench` or plain `redteam` run stores no rounds: its one measurement is shown as round 0 (the
  // round its attempts belong to for `breakfix vulns` too), with the figures it measured.
  const single = roundRows.length === 0 && run.kind !== 'cycle';
  const roundOf = (a: Attempt) => a.round ?? (single ? 0 : undefined);
  const roundNumbers = new Set<number>(roundRows.map((r) => r.round));
  for (const a of allAttempts) {
    const n = roundOf(a);
    if (n !== undefined) roundNumbers.add(n);
  }
  // Read once per round: each round's counts read round 0's results too, items and all.
  const benchRead = new Map<number, BenchResultRow[]>();
  const benchOf = (n: number): BenchResultRow[] => {
    let rows = benchRead.get(n);
    if (!rows) {
      rows = [
        ...store.listBenchResults(runId, n),
        // (the bench command stores its results under round -1: no round)
        ...(single && n === 0 ? store.listBenchResults(runId, -1) : []),
      ];
      benchRead.set(n, rows);
    }
    return rows;
  };
  if (single && benchOf(0).length) roundNumbers.add(0);
  const rounds: RoundData[] = [...roundNumbers]
    .sort((a, b) => a - b)
    .map((n) => {
      const row = roundRows.find((r) => r.round === n);
      const attempts = allAttempts.filter((a) => roundOf(a) === n);
      // The outcome counts and the heatmap are the red team's, like the round's ASR: a retest's
      // attempts (earlier findings sent again) are a sample of known failures, reported apart.
      const fresh = attempts.filter((a) => a.retestOf === undefined);
      const metrics = row
        ? ((row.metrics ?? {}) as Record<string, unknown>)
        : singleRunMetrics(run, attempts);
      const listed =
        single && n === 0
          ? identifyVulnerabilities({ attempts, round: 0 })
          : // ranked as identify and `vulns` rank them (the store lists by score alone: an untested
            // one, with the figures of the round that last measured it, would lead)
            rankVulnerabilities(store.listVulnerabilities(runId, n));
      const undecided = tallyByVulnerability(attempts);
      const vulnerabilities = listed.map((v) => ({
        ...v,
        errors: undecided.get(v.id)?.errors ?? 0,
        undetermined: undecided.get(v.id)?.undetermined ?? 0,
      }));
      return {
        round: n,
        model: row?.model ?? (single ? run.target : undefined),
        status: row?.status ?? (single ? run.status : 'unknown'),
        figures: figuresOf(metrics),
        byCategory: slicesOf(metrics.by_category),
        byTechnique: slicesOf(metrics.by_technique),
        byLanguage: slicesOf(metrics.by_language),
        byTurns: slicesOf(metrics.by_turns),
        rawMetrics: metrics,
        counts: roundCounts(benchOf(n), n > 0 ? benchOf(0) : undefined, metrics),
        bench: benchOf(n).map((b) => ({ suite: b.suite, model: b.model, metrics: b.metrics })),
        outcomes: countOutcomes(fresh),
        retestOutcomes: countOutcomes(attempts.filter((a) => a.retestOf !== undefined)),
        heatmap: heatmapOf(fresh),
        vulnerabilities,
        dataset: datasetStats(store.listRecords({ runId, round: n }), metrics.dataset),
        samples: pickSamples(store, attempts, vulnerabilities, perRound),
      };
    });
  const categories = new Set<string>();
  const techniques = new Set<string>();
  for (const r of rounds) {
    for (const c of Object.keys(r.byCategory)) categories.add(c);
    for (const t of Object.keys(r.byTechnique)) techniques.add(t);
    for (const cell of r.heatmap) {
      categories.add(cell.category);
      techniques.add(cell.technique);
    }
  }
  return {
    generatedAt: (opts.now ?? new Date()).toISOString(),
    storePath: store.path,
    run: {
      id: run.id,
      kind: run.kind,
      status: run.status,
      seed: run.seed,
      target: run.target,
      createdAt: run.createdAt,
      updatedAt: run.updatedAt,
      summary: run.summary,
    },
    rounds,
    models: store
      .listModels()
      .filter((m) => m.runId === runId)
      .map((m) => ({ id: m.id, target: m.target, parent: m.parent, round: m.round })),
    spend: collectSpend(store, run),
    categories: [...categories].sort(),
    techniques: [...techniques].sort(),
  };
}

/** The figures of a run without rounds: a bench run's summary (the same keys as a round's), and
 * for red-team attempts their counts, ASR over the decided ones, and the category and technique
 * slices the cycle stores for a round. */
function singleRunMetrics(
  run: { kind: string; summary?: unknown },
  attempts: Attempt[],
): Record<string, unknown> {
  const metrics: Record<string, unknown> =
    run.kind === 'bench' && run.summary && typeof run.summary === 'object' ? { ...run.summary } : {};
  if (!attempts.length) return metrics;
  const counts = countOutcomes(attempts);
  const decided = counts.success + counts.failure;
  Object.assign(metrics, {
    ...(decided > 0 && { asr: counts.success / decided }),
    attempts: attempts.length,
    successes: counts.success,
    errors: counts.error,
    error_rate: counts.error / attempts.length,
    // (what the share is of, as a bench run's summary stores it: the report shows it beside)
    samples: attempts.length,
    sample_errors: counts.error,
    undetermined: counts.undetermined,
    by_category: slicesBy(attempts, (a) => a.category ?? NO_CATEGORY),
    by_technique: slicesBy(attempts, techniqueKey),
    by_language: slicesBy(attempts, (a) => a.language),
    by_turns: slicesBy(attempts, (a) => String(a.turns)),
  });
  return metrics;
}

/** The red team's slices as the cycle stores them (break/redteam.ts, SliceStats). */
function slicesBy(
  attempts: Attempt[],
  key: (a: Attempt) => string,
): Record<string, { asr: number | null; attempts: number } & Record<Outcome, number>> {
  const groups = new Map<string, Attempt[]>();
  for (const a of attempts) {
    const k = key(a);
    const group = groups.get(k);
    if (group) group.push(a);
    else groups.set(k, [a]);
  }
  return Object.fromEntries(
    [...groups.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, group]) => {
        const c = countOutcomes(group);
        const decided = c.success + c.failure;
        return [name, { attempts: group.length, ...c, asr: decided > 0 ? c.success / decided : null }];
      }),
  );
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function figuresOf(metrics: Record<string, unknown>): RoundFigures {
  const out: RoundFigures = {};
  // (the open count is not stored: the round stores every vulnerability it listed and the fixed)
  const derived: Partial<RoundFigures> = { vulnerabilities_open: vulnerabilitiesOpen(metrics) };
  for (const k of FIGURE_KEYS) {
    const v = num(metrics[k]) ?? derived[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}

function slicesOf(v: unknown): Record<string, SliceFigures> {
  if (!v || typeof v !== 'object') return {};
  const out = dict<SliceFigures>();
  for (const [name, s] of Object.entries(v as Record<string, unknown>)) {
    if (!s || typeof s !== 'object') continue;
    const o = s as Record<string, unknown>;
    // The red team's slices carry `attempts`; the cycle's summary form carries `n`.
    const slice: SliceFigures = {};
    const asr = num(o.asr);
    const dr3 = num(o.dr3);
    const n = num(o.n) ?? num(o.attempts);
    if (asr !== undefined) slice.asr = asr;
    if (dr3 !== undefined) slice.dr3 = dr3;
    if (n !== undefined) slice.n = n;
    const [success, failure, error, undetermined] = [o.success, o.failure, o.error, o.undetermined].map(num);
    if (success !== undefined && failure !== undefined) {
      slice.decided = success + failure;
      slice.successes = success;
      slice.errors = error ?? 0;
      slice.undetermined = undetermined ?? 0;
    }
    out[name] = slice;
  }
  return out;
}

function countOutcomes(attempts: Attempt[]): Record<Outcome, number> {
  const out: Record<Outcome, number> = { success: 0, failure: 0, error: 0, undetermined: 0 };
  for (const a of attempts) out[a.outcome] = (out[a.outcome] ?? 0) + 1;
  return out;
}

function heatmapOf(attempts: Attempt[]): HeatCell[] {
  const cells = new Map<string, HeatCell>();
  for (const a of attempts) {
    const category = a.category ?? NO_CATEGORY;
    const technique = techniqueKey(a);
    const key = JSON.stringify([category, technique]);
    let c = cells.get(key);
    if (!c) {
      c = {
        category,
        technique,
        attempts: 0,
        successes: 0,
        failures: 0,
        errors: 0,
        undetermined: 0,
        asr: null,
      };
      cells.set(key, c);
    }
    c.attempts++;
    if (a.outcome === 'success') c.successes++;
    if (a.outcome === 'failure') c.failures++;
    if (a.outcome === 'error') c.errors++;
    if (a.outcome === 'undetermined') c.undetermined++;
  }
  for (const c of cells.values()) {
    const decided = c.successes + c.failures;
    c.asr = decided ? c.successes / decided : null;
  }
  return [...cells.values()].sort((a, b) =>
    a.category === b.category ? compareText(a.technique, b.technique) : compareText(a.category, b.category),
  );
}

function inc(map: Record<string, number>, key: string | undefined): void {
  const k = key ?? '(none)';
  map[k] = (map[k] ?? 0) + 1;
}

function datasetStats(records: TrainingRecord[], fromMetrics: unknown): DatasetStats {
  const s: DatasetStats = {
    total: records.length,
    byKind: dict(),
    byPurpose: dict(),
    byCategory: dict(),
    byLanguage: dict(),
    bySplit: dict(),
  };
  for (const r of records) {
    inc(s.byKind, r.kind);
    inc(s.byPurpose, r.purpose);
    inc(s.byCategory, r.category);
    inc(s.byLanguage, r.language);
    inc(s.bySplit, r.split);
  }
  if (fromMetrics && typeof fromMetrics === 'object') s.fromMetrics = fromMetrics as Record<string, unknown>;
  return s;
}

/** The vulnerabilities' example attempts first (the failures that matter), then other successes, then
 * anything else, up to `limit`. */
function pickSamples(
  store: Store,
  attempts: Attempt[],
  vulns: Vulnerability[],
  limit: number,
): SampleTranscript[] {
  const out: SampleTranscript[] = [];
  const seen = new Set<string>();
  const byId = new Map(attempts.map((a) => [a.id, a]));
  const add = (a: Attempt | undefined, reason: string) => {
    if (!a || seen.has(a.id) || out.length >= limit) return;
    seen.add(a.id);
    // (a refusing answer marked a success: say that its reasoning trace was the harm; trace-harm.ts)
    const traceOnly = a.outcome === 'success' && harmOnlyInTrace(a.verdicts);
    const back = backTranslation(a);
    out.push({
      attemptId: a.id,
      reason: traceOnly ? `${reason}; harm in the reasoning trace` : reason,
      category: a.category,
      techniques: a.techniques,
      language: a.language,
      attack: a.attack,
      outcome: a.outcome,
      severity: a.severity,
      transcript: a.transcript,
      ...(back ? { backTranslation: back } : {}),
    });
  };
  for (const v of vulns) {
    // (an untested one's examples are an earlier round's, shown there)
    if (v.status === 'fixed' || v.status === 'untested') continue;
    for (const id of v.exampleAttemptIds)
      add(byId.get(id) ?? store.getAttempt(id), `example of vulnerability ${v.id}`);
  }
  for (const a of attempts) if (a.outcome === 'success') add(a, 'successful attack');
  for (const a of attempts) add(a, `attack ${a.outcome}`);
  return out;
}
