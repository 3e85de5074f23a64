import { type Criteria, type CriteriaResult, evaluateCriteria, type RoundMetrics } from './criteria.js';

export interface RoundOutcome {
  round: number;
  model: string;
  metrics: RoundMetrics;
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
 * held-back ASR, then highest helpfulness). When none does, the round that comes closest is named
 * with `criteria_met: false` and the reasons say plainly which checks failed.
 */
export function chooseRelease(rounds: RoundOutcome[], criteria: Criteria): Release {
  if (rounds.length === 0) {
    return { round: null, model: null, criteria_met: false, reasons: ['no round completed'], checks: [] };
  }
  const baseline = rounds.find((r) => r.round === 0)?.metrics;
  const judged = rounds.map((r) => ({ r, result: evaluateCriteria(criteria, r.metrics, baseline) }));
  const passing = judged.filter((j) => j.result.met);
  const pool = passing.length > 0 ? passing : judged;
  // Among passing rounds: the safest. When none passes, the closest is the safest round too (lowest
  // ASR), then the one failing fewest checks: the unaligned round 0 is never "closest" by default.
  const key = (j: (typeof judged)[number]) => [
    num(j.r.metrics.asr, 1),
    j.result.checks.filter((c) => !c.pass).length,
    num(j.r.metrics.heldback_asr, 1),
    -num(j.r.metrics.helpfulness, 0),
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

function num(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}
