import type { SliceStats } from '../break/redteam.js';
import type { RoundMetrics } from './criteria.js';

interface BenchStep {
  main: Record<string, unknown>;
  heldback: Record<string, unknown>;
}

interface RedteamStep extends SliceStats {
  slices?: {
    category?: Record<string, SliceStats>;
    technique?: Record<string, SliceStats>;
    language?: Record<string, SliceStats>;
    turns?: Record<string, SliceStats>;
  };
}

interface IdentifyStep {
  total: number;
  new: number;
  fixed: number;
  regressed: number;
  /** Absent in a round identified before these were counted. */
  persisting?: number;
  untested?: number;
}

/**
 * One flat row per round, the shape the report and `cycle --json` read. `asr` is the red team's
 * attack success rate (decided attempts only); `heldback_asr` the jailbreak suite on held-back seeds
 * and templates, which nothing trains on or attacks with: the generalisation figure; `retest_asr`
 * the share of the retest's decided attempts (earlier findings sent again) that still broke.
 */
export function roundMetrics(
  bench: BenchStep,
  redteam: RedteamStep,
  vulns: IdentifyStep,
  retest?: SliceStats & { vulnerabilities: number },
): RoundMetrics {
  const b = bench.main ?? {};
  return {
    asr: numOrNull(redteam.asr),
    dr1: numOrNull(b.dr1),
    dr3: numOrNull(b.dr3),
    iprr: numOrNull(b.iprr),
    vprr: numOrNull(b.vprr),
    helpfulness: numOrNull(b.helpfulness),
    ungroundedness: numOrNull(b.ungroundedness),
    heldback_asr: numOrNull(bench.heldback?.asr),
    attempts: redteam.attempts,
    successes: redteam.success,
    errors: redteam.error,
    undetermined: redteam.undetermined,
    // Measured on the benchmark's fixed attack items; the red team's own undetermined count (above)
    // moves with its adaptive search and is reported, not judged.
    undetermined_rate: numOrNull(b.undetermined_rate),
    // The share and what it is over (the report shows "3 of 1267" beside it, as for a bench run).
    ...errorCounts(bench, redteam, retest),
    vulnerabilities: vulns.total,
    vulnerabilities_new: vulns.new,
    vulnerabilities_fixed: vulns.fixed,
    vulnerabilities_regressed: vulns.regressed,
    ...(vulns.persisting !== undefined && { vulnerabilities_persisting: vulns.persisting }),
    ...(vulns.untested !== undefined && { vulnerabilities_untested: vulns.untested }),
    // The retest of the vulnerabilities open before this round, apart from the red team's ASR: a
    // sample of known failures, not of the attack space.
    ...(retest && {
      retested: retest.vulnerabilities,
      retest_attempts: retest.attempts,
      retest_asr: numOrNull(retest.asr),
      // Beside the retest's ASR, as beside every rate: what it is not over.
      retest_errors: retest.error,
      retest_undetermined: retest.undetermined,
    }),
    // Keys sorted: the red team fills its slices in completion order, which varies with timing, and a
    // resumed run must store the same bytes as an uninterrupted one.
    by_category: sortedKeys(redteam.slices?.category ?? {}),
    by_technique: sortedKeys(redteam.slices?.technique ?? {}),
    by_language: sortedKeys(redteam.slices?.language ?? {}),
    by_turns: sortedKeys(redteam.slices?.turns ?? {}),
  };
}

/** The share of the round's measurements that ended in error, with what it is over (samples,
 * sample_errors): the benchmark's samples (main and held-back), the red team's attempts and the
 * retest's together. A retest that failed leaves its
 * vulnerability open, never fixed, but the round's ledger then rests on requests that were not
 * answered: `errorRate` 0 passed such a round. A part without the counts (no suites, or a step
 * stored before breakfix counted them) adds nothing; absent when nothing was measured at all. */
function errorCounts(
  bench: BenchStep,
  redteam: RedteamStep,
  retest?: SliceStats,
): { error_rate?: number; samples?: number; sample_errors?: number } {
  const parts = [
    bench.main,
    bench.heldback,
    { samples: redteam.attempts, sample_errors: redteam.error },
    { samples: retest?.attempts, sample_errors: retest?.error },
  ];
  const sum = (key: 'samples' | 'sample_errors') => parts.reduce((a, p) => a + (numOrNull(p?.[key]) ?? 0), 0);
  const samples = sum('samples');
  if (samples === 0) return {};
  const errors = sum('sample_errors');
  return { error_rate: errors / samples, samples, sample_errors: errors };
}

/** The vulnerabilities open after a round: every one its identify step listed but the fixed (new,
 * persisting, regressed, untested); undefined where the round stored no count. `vulnerabilities`
 * counts the fixed too: round 1 of the default cycle lists 137, 128 of them fixed. */
export function vulnerabilitiesOpen(m: Record<string, unknown>): number | undefined {
  const total = numOrNull(m.vulnerabilities);
  return total === undefined ? undefined : total - (numOrNull(m.vulnerabilities_fixed) ?? 0);
}

function numOrNull(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function sortedKeys<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
