// The viewer's JSON API: read-only views over the store. Routes return plain data; the server turns
// them into responses. Filters (category / technique / language / outcome) apply to attempts and
// records; technique matches one id inside an attempt's chain or the whole chain key (or an
// attempt's attack). Attempts and records come a page at a time (`offset`, `limit` ≤ 1000, default
// 200) with the filtered `total`; attempts, their total and the facets come from SQL (a run holds
// up to 200k attempts), records are filtered here.
import {
  type Attempt,
  type Message,
  NO_CATEGORY,
  type Outcome,
  RATE_FIGURES,
  splitReasoning,
  type TrainingRecord,
  withoutTrace,
} from '../../core/index.js';
import type { Store } from '../../store/index.js';
import {
  backTranslation,
  collectReportData,
  FIGURE_KEYS,
  figuresOf,
  type ReportData,
  techniqueKey,
} from '../data.js';
import { cardCounts, figureLabel, VULN_NOTE } from '../html.js';
import { COUNTS_LEGEND, vulnerabilityRate } from '../slices.js';
import { collectSpend, SPEND_HEADERS, spendNote, spendTableRows } from '../spend.js';
import { suiteFigureCells, suiteSliceCells } from '../suites.js';

/** The report's data for a run (every attempt, its metrics and vulnerabilities; about 1 s of CPU per
 * 10k attempts), computed once per state of the store and shared by the routes that need it: a plain
 * run's summary and vulnerabilities, and the charts. */
const reportDataCache = new WeakMap<Store, Map<string, { key: string; data: ReportData }>>();
export function reportDataOf(store: Store, runId: string): ReportData {
  const byRun = reportDataCache.get(store) ?? new Map<string, { key: string; data: ReportData }>();
  reportDataCache.set(store, byRun);
  const key = store.changeStamp();
  const hit = byRun.get(runId);
  if (hit?.key === key) return hit.data;
  const data = collectReportData(store, runId, { samplesPerRound: 0 });
  byRun.set(runId, { key, data });
  return data;
}

/** The rounds the report makes of a run that stored none (a bench or plain red-team run). */
function roundsWithoutRows(store: Store, runId: string) {
  return reportDataOf(store, runId).rounds;
}

/** A round's figures' counts (cardCounts), by figure key; figures without counts are absent. */
function figureCounts(r: Parameters<typeof cardCounts>[0]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of FIGURE_KEYS) {
    const c = r.figures[k] === undefined ? undefined : cardCounts(r, k);
    if (c) out[k] = c;
  }
  return out;
}

/** The retest's outcomes as a cycle round stores them (attempts, errors, undetermined and the ASR
 * over the rest: its successes are the ASR times those, as cycle/counts.ts reads them), all 0 where
 * the round stored no retest. */
function storedRetestOutcomes(m: Record<string, unknown>): Record<Outcome, number> {
  const count = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : 0);
  const [attempts, error, undetermined] = [m.retest_attempts, m.retest_errors, m.retest_undetermined].map(
    count,
  );
  const decided = Math.max(0, attempts - error - undetermined);
  const success = typeof m.retest_asr === 'number' ? Math.round(m.retest_asr * decided) : 0;
  return { success, failure: decided - success, error, undetermined };
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export type Query = URLSearchParams;

function intParam(q: Query, name: string, fallback?: number): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return fallback;
  if (!/^\d+$/.test(v)) throw new HttpError(400, `${name} must be a non-negative integer`);
  return Number(v);
}

function requireRun(store: Store, id: string) {
  const run = store.getRun(id);
  if (!run) throw new HttpError(404, `no run ${id}`);
  return run;
}

function attemptSummary(a: Attempt) {
  const last = [...a.transcript].reverse().find((m) => m.role === 'assistant');
  const first = a.transcript.find((m) => m.role === 'user');
  const back = backTranslation(a);
  return {
    id: a.id,
    round: a.round,
    seedId: a.seedId,
    attack: a.attack,
    techniques: a.techniques,
    technique: techniqueKey(a),
    language: a.language,
    category: a.category ?? null,
    outcome: a.outcome,
    severity: a.severity ?? null,
    turns: a.turns,
    prompt: (first?.content ?? '').slice(0, 200),
    // (a reasoning model's reply is previewed by its answer, not the start of its trace)
    response: (last ? withoutTrace(last) : '').slice(0, 200),
    // (the translate attack: the list previews the reply as the judges read it, translated back)
    ...(back && { backTranslation: { ...back, text: back.text.slice(0, 200) } }),
  };
}

/** An assistant message with a reasoning trace also carries it and its answer apart, for the page
 * to show the trace folded away; `content` stays the stored text. */
function withParts(m: Message): Message & { reasoning?: string; answer?: string } {
  if (m.role !== 'assistant') return m;
  const split = splitReasoning(m.content);
  return split.reasoning === null ? m : { ...m, reasoning: split.reasoning, answer: split.answer };
}

function recordMatches(r: TrainingRecord, q: Query): boolean {
  const cat = q.get('category');
  const tech = q.get('technique');
  const lang = q.get('language');
  const kind = q.get('kind');
  if (cat && (r.category ?? NO_CATEGORY) !== cat) return false;
  if (tech && !(r.techniques ?? []).includes(tech) && (r.techniques ?? []).join('+') !== tech) return false;
  if (lang && r.language !== lang) return false;
  if (kind && r.kind !== kind) return false;
  return true;
}

/** Route `GET path?query` to a JSON value. Throws HttpError for 4xx. */
export function handleApi(store: Store, path: string, q: Query): unknown {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent); // ['api', ...]
  const [, a, b, c] = parts;
  // At most /api/runs/<id>/<what>: a longer path names nothing, and must not answer as its prefix.
  if (parts.length > 4) throw new HttpError(404, `no such endpoint: ${path}`);
  if (a === 'runs' && !b) {
    return store.listRuns().map((r) => ({
      id: r.id,
      kind: r.kind,
      status: r.status,
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
      rounds: store.getRounds(r.id).length,
    }));
  }
  if (a === 'runs' && b && !c) {
    const run = requireRun(store, b);
    const bench = store.listBenchResults(b);
    return {
      run: {
        id: run.id,
        kind: run.kind,
        status: run.status,
        seed: run.seed,
        target: run.target ?? null,
        createdAt: run.createdAt,
      },
      rounds: store.getRounds(b).length
        ? store.getRounds(b).map((r) => {
            const metrics = (r.metrics ?? {}) as Record<string, unknown>;
            const figures = figuresOf(metrics);
            return {
              round: r.round,
              model: r.model ?? null,
              status: r.status,
              metrics,
              figures,
              // What each rate is over, as the report's rounds table has it (cardCounts), from what
              // this route reads anyway: the round's metrics and the run's bench results. (The
              // report's data, every attempt read, costs ~100 ms a refresh on a default-cycle store.)
              counts: figureCounts({
                figures,
                bench: bench.filter((x) => x.round === r.round),
                retestOutcomes: storedRetestOutcomes(metrics),
                rawMetrics: metrics,
              }),
              vulnerabilities: store.listVulnerabilities(b, r.round).length,
              attempts: store.countAttempts({ runId: b, round: r.round }),
            };
          })
        : // A bench or plain red-team run: its one measurement, as the report shows it (round 0).
          roundsWithoutRows(store, b).map((r) => ({
            round: r.round,
            model: r.model ?? null,
            status: r.status,
            metrics: r.rawMetrics,
            figures: r.figures,
            counts: figureCounts(r),
            vulnerabilities: r.vulnerabilities.length,
            attempts: Object.values(r.outcomes).reduce((x, y) => x + y, 0),
          })),
      // The rounds table's rows as the report names and orders them (each round's `figures` holds the
      // values, the open vulnerabilities among them, which no round stores).
      figureKeys: FIGURE_KEYS.map((key) => ({ key, label: figureLabel(key), rate: RATE_FIGURES.has(key) })),
      // (what the counts beside every rate mean, and that one not shown is zero: the report's line)
      countsLegend: COUNTS_LEGEND,
      vulnNote: VULN_NOTE,
      bench: bench
        // (each figure also as the report writes it, interval and err/und beside: one formatter)
        .map((x) => ({
          round: x.round ?? null,
          suite: x.suite,
          model: x.model,
          metrics: x.metrics,
          figures: Object.fromEntries(suiteFigureCells(x.metrics)),
          // (its slices too, one table per metric and dimension, each cell as the report writes it)
          slices: suiteSliceCells(x.metrics).map((s) => ({
            title: s.title,
            cells: Object.fromEntries(s.cells),
          })),
        })),
      models: store
        .listModels()
        .filter((m) => m.runId === b)
        .map((m) => ({ id: m.id, round: m.round ?? null, parent: m.parent ?? null })),
    };
  }
  if (a === 'runs' && b && c === 'facets') {
    requireRun(store, b);
    const f = store.attemptFacets(b);
    const uniq = (xs: (string | undefined)[]) => [...new Set(xs.filter((x): x is string => !!x))].sort();
    return {
      rounds: [...f.rounds].sort((x, y) => x - y),
      categories: uniq(f.categories.map((x) => x ?? NO_CATEGORY)),
      techniques: uniq(f.chains.flatMap((t) => [techniqueKey({ techniques: t }), ...t])),
      languages: uniq(f.languages),
      outcomes: ['success', 'failure', 'error', 'undetermined'],
    };
  }
  if (a === 'runs' && b && c === 'vulnerabilities') {
    requireRun(store, b);
    const round = intParam(q, 'round');
    // The report's, ranked as it ranks them, each with its attempts of the round in error and
    // undetermined (the numbers `breakfix vulns` prints) and its rate as the report writes it. (The
    // report's data is the charts' too: read once per state of the store.)
    return reportDataOf(store, b)
      .rounds.filter((r) => round === undefined || r.round === round)
      .flatMap((r) =>
        r.vulnerabilities.map((v) => ({ ...v, round: r.round, rateText: vulnerabilityRate(v) })),
      );
  }
  if (a === 'runs' && b && c === 'spend') {
    // (a few rows per round, stage, role and model: not paged; the table's cells as the report
    // writes them, from spend.ts, so the page only places text)
    const spend = collectSpend(store, requireRun(store, b));
    return {
      ...spend,
      headers: SPEND_HEADERS,
      rows: spend.lines.length ? spendTableRows(spend) : [],
      // (the report's sentence: what the table leaves out, or why there is none)
      note: spendNote(spend),
    };
  }
  if (a === 'runs' && b && c === 'attempts') {
    requireRun(store, b);
    const round = intParam(q, 'round');
    const limit = Math.min(intParam(q, 'limit', 200) as number, 1000);
    const offset = intParam(q, 'offset', 0) as number;
    // (an empty parameter is no filter)
    const { total, attempts } = store.searchAttempts(
      {
        runId: b,
        round,
        category: q.get('category') || undefined,
        technique: q.get('technique') || undefined,
        language: q.get('language') || undefined,
        outcome: q.get('outcome') || undefined,
      },
      { offset, limit },
    );
    return { total, offset, limit, items: attempts.map(attemptSummary) };
  }
  if (a === 'runs' && b && c === 'records') {
    requireRun(store, b);
    const round = intParam(q, 'round');
    const limit = Math.min(intParam(q, 'limit', 200) as number, 1000);
    const offset = intParam(q, 'offset', 0) as number;
    const all = store.listRecords({ runId: b, round }).filter((r) => recordMatches(r, q));
    return { total: all.length, offset, limit, items: all.slice(offset, offset + limit) };
  }
  if (a === 'attempts' && b && !c) {
    const att = store.getAttempt(b);
    if (!att) throw new HttpError(404, `no attempt ${b}`);
    const back = backTranslation(att);
    return { ...att, transcript: att.transcript.map(withParts), ...(back ? { backTranslation: back } : {}) };
  }
  throw new HttpError(404, `no such endpoint: ${path}`);
}
