// What each figure of a round is over, with what ended in error or undetermined beside it: the one
// source of the counts the reports' cards, rounds tables and criteria, the viewer and the charts show.
import { SUMMARY_SOURCES, suiteOfKind } from '../bench/figures.js';
import { SUITE_RATES } from '../core/index.js';
import { headlineSplit } from '../cycle/paired.js';
import type { CriterionResult } from './criteria.js';
import type { ReportData, RoundData } from './data.js';
import { countsNote } from './slices.js';

/** Where each headline figure comes from: the red team's attempts, or a benchmark suite's figure
 * (`bench` stores the suite's kind and split beside its figures). */
const CARD_SOURCE: Record<string, { kinds: readonly string[]; split: string; metric: string }> = {
  ...Object.fromEntries(SUITE_RATES.map((k) => [k, { ...SUMMARY_SOURCES[k], split: 'attack' }])),
  heldback_asr: { ...SUMMARY_SOURCES.asr, split: 'heldback' },
  ungroundedness: { ...SUMMARY_SOURCES.ungroundedness, split: 'attack' },
};

/** What a headline rate is over, with what ended in error or undetermined beside it (countsNote). A
 * round's ASR is its red team's (every attempt counted); else the suite's stored figure. */
export function cardCounts(
  r: Pick<RoundData, 'figures' | 'bench' | 'retestOutcomes'> & Partial<Pick<RoundData, 'rawMetrics'>>,
  k: string,
): string | undefined {
  const f = r.figures;
  if (k === 'error_rate') {
    // The share in error is its numerator: "3 of 1267", where the run stored the counts (a bench
    // run's summary, a plain red-team run's attempts; a cycle round stores the share alone).
    const [samples, errors] = [r.rawMetrics?.samples, r.rawMetrics?.sample_errors];
    return Number.isInteger(samples) && Number.isInteger(errors) && (samples as number) > 0
      ? `${errors} of ${samples}`
      : undefined;
  }
  if (k === 'asr' && f.attempts !== undefined && (f.errors !== undefined || f.undetermined !== undefined)) {
    const err = f.errors ?? 0;
    const und = f.undetermined ?? 0;
    return countsNote(f.attempts - err - und, err, und);
  }
  if (k === 'retest_asr') {
    const o = r.retestOutcomes;
    return o.success + o.failure + o.error + o.undetermined
      ? countsNote(o.success + o.failure, o.error, o.undetermined)
      : undefined;
  }
  if (k === 'undetermined_rate') {
    // The attack suite's answered items (bench/run.ts summarise: the first kind run, whatever it
    // decided), the undetermined among them; its errors apart.
    for (const kind of SUMMARY_SOURCES.undetermined_rate.kinds) {
      const b = storedSuiteOfKind(r, kind, headlineSplit(r.bench));
      if (!b) continue;
      const m = (b.metrics.metrics as Record<string, unknown> | undefined)?.asr as
        | Record<string, unknown>
        | undefined;
      const [n, err, und] = [m?.n, m?.errors, m?.undetermined].map(Number);
      return Number.isInteger(n + und) && n + und > 0 ? countsNote(n + und, err || 0, 0) : undefined;
    }
    return undefined;
  }
  const src = CARD_SOURCE[k];
  if (!src) return undefined;
  const split = src.split === 'attack' ? headlineSplit(r.bench) : src.split;
  for (const kind of src.kinds) {
    const b = storedSuiteOfKind(r, kind, split);
    const inner = b?.metrics.metrics as Record<string, unknown> | undefined;
    const m = inner?.[src.metric] as Record<string, unknown> | undefined;
    // (a suite that decided nothing gives no figure. A bench run stored before the summary read
    // only the suite that ran (figureSuite) holds the next kind's figure then: its counts, as here)
    if (m && typeof m === 'object' && typeof m.n === 'number' && m.n > 0)
      return countsNote(m.n, Number(m.errors ?? 0), Number(m.undetermined ?? 0));
  }
  return undefined;
}

/** The round's stored suite of `kind` in `split` that the summary read (suiteOfKind: the built-in
 * one, else the first custom one), not merely the first stored: `bench --suite mine,jailbreak` with
 * a custom jailbreak suite stores it first. (Off the attack split a suite is stored as `split:name`.) */
function storedSuiteOfKind(r: Pick<RoundData, 'bench'>, kind: string, split: string) {
  const suites = r.bench
    .filter((x) => x.metrics.split === split)
    .map((x) => ({
      name: split === 'attack' ? x.suite : x.suite.replace(`${split}:`, ''),
      kind: String(x.metrics.kind),
      row: x,
    }));
  return suiteOfKind(suites, kind)?.row;
}

/** What a check's figure is over, beside its value: the gated round's counts of that figure as the
 * rounds table has them (cardCounts), else what its interval was computed from ("2 items worse and 0
 * better of 117 paired with round 0"); undefined where neither is known. */
export function criterionCounts(
  data: ReportData,
  c: Pick<CriterionResult, 'metric' | 'round' | 'value' | 'interval'>,
): string | undefined {
  const round = c.value === null ? undefined : data.rounds.find((r) => r.round === c.round);
  return (round && cardCounts(round, c.metric)) ?? c.interval?.basis;
}
