// The counts behind a round's figures, from which each release criterion's 95% interval is computed
// (cycle/criteria.ts). Read each time from what the round stored (its bench results, which keep every
// rate with its counts and every item, and its red-team counts), so a run stored before breakfix
// computed intervals gets them too, and nothing new is stored. The cycle and the report read them
// the same way.
import { figureSuite, passTally, refusalTally, SUMMARY_SOURCES, suiteOfKind } from '../bench/index.js';
import { SUITE_RATES } from '../core/index.js';
import type { BenchResultRow } from '../store/index.js';
import type { RateCounts, RoundCounts, RoundMetrics } from './criteria.js';
import { decided, headlineSplit, pairedTable, type StoredSuite, storedSuites } from './paired.js';

/**
 * The counts of a round: `rows` are its stored bench results, `baseRows` round 0's (for the changes
 * since round 0; absent for round 0 itself), `metrics` its stored metrics (the red team's counts).
 */
export function roundCounts(
  rows: BenchResultRow[],
  baseRows: BenchResultRow[] | undefined,
  metrics: RoundMetrics,
): RoundCounts {
  const suites = storedSuites(rows, headlineSplit(rows));
  const rates: RoundCounts['rates'] = {};
  // (each suite rate read as the benchmark summary reads it: bench/figures.ts)
  for (const figure of SUITE_RATES) {
    const { kinds, metric } = SUMMARY_SOURCES[figure];
    // (the next kind's where a suite decided nothing: only a bench run stored before the summary read
    // the suite that ran alone (figureSuite) has such a figure, and its counts are those)
    for (const kind of kinds) rates[figure] ??= rateCounts(suiteOfKind(suites, kind)?.metrics[metric]);
  }
  // The round's ASR is the red team's, over its decided attempts.
  const redteam = redteamCounts(metrics);
  if (redteam) rates.asr = redteam;
  const retest = retestCounts(metrics);
  if (retest) rates.retest_asr = retest;
  const heldback = rateCounts(suiteOfKind(storedSuites(rows, 'heldback'), 'jailbreak')?.metrics.asr);
  if (heldback) rates.heldback_asr = heldback;
  // The undetermined share of the attack suite's answered items (errors apart), as bench counts it.
  const attack = rateCounts(attackSuite(suites)?.metrics.asr, true);
  if (attack) rates.undetermined_rate = attack;
  return { rates, paired: baseRows ? pairedTables(storedSuites(baseRows), suites) : {} };
}

/** Each change since round 0 as a table of the items decided in both rounds, bad each time or not:
 * look-alikes refused, tasks failed, attack items undetermined. */
function pairedTables(base: StoredSuite[], now: StoredSuite[]): RoundCounts['paired'] {
  const out: RoundCounts['paired'] = {};
  const both = (pick: (s: StoredSuite[]) => StoredSuite | undefined) => {
    const [a, b] = [pick(base), pick(now)];
    return a && b ? [a.items, b.items] : undefined;
  };
  const benign = (s?: StoredSuite) => s && { ...s, items: s.items.filter((i) => i.kind === 'benign') };
  const over = both((s) => benign(suiteOfKind(s, 'overrefusal')));
  if (over) out.vprr_rise = pairedTable(over[0], over[1], (i) => decided(refusalTally(i), 'success'));
  const help = both((s) => suiteOfKind(s, 'helpfulness'));
  if (help) out.helpfulness_drop = pairedTable(help[0], help[1], (i) => decided(passTally(i), 'failure'));
  const attack = both(attackSuite);
  if (attack)
    out.undetermined_rise = pairedTable(attack[0], attack[1], (i) =>
      i.outcome === 'error' ? undefined : i.outcome === 'undetermined',
    );
  return out;
}

/** The suite whose items `asr` and `undetermined_rate` count (bench/run.ts `attackSuite`). */
function attackSuite(suites: StoredSuite[]): StoredSuite | undefined {
  return figureSuite(suites, 'undetermined_rate');
}

/** A stored rate's counts (`undetermined`: its undetermined share of the answered), undefined for
 * anything else or a rate over nothing. */
function rateCounts(stored: unknown, undetermined = false): RateCounts | undefined {
  const r = stored as
    | { kind?: unknown; successes?: unknown; n?: unknown; errors?: unknown; undetermined?: unknown }
    | undefined;
  if (r?.kind !== 'rate' || !isCount(r.successes) || !isCount(r.n)) return undefined;
  const errors = isCount(r.errors) ? { errors: r.errors } : {};
  if (!undetermined)
    return r.n > 0
      ? {
          successes: r.successes,
          n: r.n,
          ...errors,
          ...(isCount(r.undetermined) && { undetermined: r.undetermined }),
        }
      : undefined;
  if (!isCount(r.undetermined) || r.n + r.undetermined === 0) return undefined;
  // (the undetermined are this share's numerator, among the answered: none set apart)
  return { successes: r.undetermined, n: r.n + r.undetermined, ...errors, undetermined: 0 };
}

/** The red team's counts as the round stored them: successes of the decided attempts. */
function redteamCounts(m: RoundMetrics): RateCounts | undefined {
  const [attempts, successes, errors, undetermined] = [m.attempts, m.successes, m.errors, m.undetermined];
  if (!isCount(attempts) || !isCount(successes) || !isCount(errors) || !isCount(undetermined))
    return undefined;
  return { successes, n: attempts - errors - undetermined, errors, undetermined };
}

/** The retest's counts: the round stores its attempts, errors, undetermined and ASR, so its successes
 * are the ASR times the decided attempts (a whole number; countsOf checks that it gives the ASR). */
function retestCounts(m: RoundMetrics): RateCounts | undefined {
  const [attempts, errors, undetermined, asr] = [
    m.retest_attempts,
    m.retest_errors,
    m.retest_undetermined,
    m.retest_asr,
  ];
  if (!isCount(attempts) || !isCount(errors) || !isCount(undetermined) || typeof asr !== 'number')
    return undefined;
  const n = attempts - errors - undetermined;
  return { successes: Math.round(asr * n), n, errors, undetermined };
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}
