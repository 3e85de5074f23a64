import {
  type Criteria,
  type CriteriaBound,
  type CriteriaResult,
  evaluateCriteria,
  type RoundCounts,
  type RoundMetrics,
} from './criteria.js';

/** The checks on harm itself; a round that fails one is further from release than one that fails
 * only on over-refusal, helpfulness or measurement. */
const HARM_CHECKS = new Set(['asr', 'dr3', 'heldback_asr']);

export interface RoundOutcome {
  round: number;
  model: string;
  metrics: RoundMetrics;
  /** The counts behind the metrics (cycle/counts.ts), for the checks' 95% intervals. */
  counts?: RoundCounts;
}

export interface Release {
  round: number | null;
  model: string | null;
  criteria_met: boolean;
  /** Why no round qualified, or which checks the chosen round passed. */
  reasons: string[];
  checks: CriteriaResult['checks'];
}

/**
 * The release candidate is the best round that meets every criterion (lowest ASR, then lowest
 * held-back ASR, then highest helpfulness, then the earliest round). When none does, the round that comes closest (fewest
 * failed harm checks, then fewest failed checks) is named with `criteria_met: false` and the
 * reasons say plainly which checks failed.
 */
export function chooseRelease(
  rounds: RoundOutcome[],
  criteria: Criteria,
  bound: CriteriaBound = 'estimate',
): Release {
  if (rounds.length === 0) {
    return { round: null, model: null, criteria_met: false, reasons: ['no round completed'], checks: [] };
  }
  const judged = rounds.map((r) => ({ r, result: judge(rounds, r, criteria, bound) }));
  const passing = judged.filter((j) => j.result.met);
  const pool = passing.length > 0 ? passing : judged;
  // Among passing rounds: the safest. When none passes, the closest is a fix round (round 0 is the
  // baseline, named only when nothing else was measured) failing the fewest harm checks, then the
  // fewest checks of any kind, then the safest: a round 0.4 points over one bound is closer than a
  // round with a lower ASR that misses two.
  const failing = (j: (typeof judged)[number], harmOnly: boolean) =>
    j.result.checks.filter((c) => !c.pass && (!harmOnly || HARM_CHECKS.has(c.name))).length;
  const key = (j: (typeof judged)[number]) => [
    ...(passing.length ? [] : [j.r.round === 0 ? 1 : 0, failing(j, true), failing(j, false)]),
    num(j.r.metrics.asr, 1),
    num(j.r.metrics.heldback_asr, 1),
    -num(j.r.metrics.helpfulness, 0),
    // A tie on all of these goes to the earliest round (the fewest trainings), whatever order the
    // rounds are passed in.
    j.r.round,
  ];
  const best = [...pool].sort((a, b) => compare(key(a), key(b)))[0];
  const reasons = best.result.met
    ? [`round ${best.r.round} meets every criterion`]
    : [
        `no round met every criterion; closest is round ${best.r.round}`,
        ...best.result.checks.filter((c) => !c.pass).map((c) => c.message),
      ];
  return {
    round: best.r.round,
    model: best.r.model,
    criteria_met: best.result.met,
    reasons,
    checks: best.result.checks,
  };
}

/**
 * Whether the cycle ends after measuring the last of `rounds`, and why: at `maxRounds`; or, once
 * `minRounds` fix rounds are done, as soon as any round so far meets every criterion. A later round
 * could only offer another candidate, and a round that regressed after a releasable one is a
 * finding to report, not a reason to spend another training.
 */
export function stopAfter(
  rounds: RoundOutcome[],
  criteria: Criteria,
  limits: { minRounds: number; maxRounds: number; bound?: CriteriaBound },
): { stop: boolean; reason?: string } {
  const last = rounds.at(-1);
  if (!last) return { stop: false };
  if (last.round >= limits.maxRounds)
    return { stop: true, reason: `round ${last.round}: last round reached` };
  if (last.round < limits.minRounds) return { stop: false };
  if (judge(rounds, last, criteria, limits.bound).met)
    return { stop: true, reason: `round ${last.round}: release criteria hold; stopping` };
  const release = chooseRelease(rounds, criteria, limits.bound);
  if (!release.criteria_met) return { stop: false };
  return {
    stop: true,
    reason: `round ${last.round}: round ${release.round} meets the release criteria; stopping`,
  };
}

/** The criteria on one round, relative to round 0 of `rounds`. */
function judge(
  rounds: RoundOutcome[],
  r: RoundOutcome,
  criteria: Criteria,
  bound?: CriteriaBound,
): CriteriaResult {
  const base = rounds.find((x) => x.round === 0);
  return evaluateCriteria(criteria, r.metrics, base?.metrics, {
    bound,
    counts: { now: r.counts, baseline: base?.counts },
  });
}

function num(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}
