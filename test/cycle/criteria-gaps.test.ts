// Rule engine edges (cycle/criteria.ts) the mutants2 audit found no test for: a change since round 0
// with round 0's figure missing, and a metric whose own name ends in _upper or _lower.
import { describe, expect, it } from 'vitest';
import { evaluateCriteria, evaluateRules, parseRules } from '../../src/cycle/criteria.js';

describe('criteria edges', () => {
  it('a change since round 0 when round 0 did not measure the figure is unmeasured, and fails', () => {
    // Round 0 has no helpfulness and no VPRR: neither change can be computed. Read as 0 instead, the
    // helpfulness drop would be max(0, 0 − 0.9) = 0 (a pass) and the VPRR rise 0.1 − 0 = 0.1.
    const r = evaluateCriteria({ helpfulnessDrop: 0.05, vprrRise: 0.5 }, { helpfulness: 0.9, vprr: 0.1 }, {});
    expect(r.met).toBe(false);
    expect(r.checks.map((c) => [c.name, c.value, c.pass, c.message])).toEqual([
      ['vprr_rise', null, false, 'vprr_rise was not measured (in this round or in round 0)'],
      ['helpfulness_drop', null, false, 'helpfulness_drop was not measured (in this round or in round 0)'],
    ]);
  });

  it('a known metric whose name ends in _upper is that metric, not an end of another', () => {
    expect(parseRules('score_upper>1', ['score', 'score_upper'])).toEqual([
      { metric: 'score_upper', op: '>', threshold: 1 },
    ]);
    // Not a known name: the end of `score`'s interval.
    expect(parseRules('score_lower<0.5', ['score'])).toEqual([
      { metric: 'score', op: '<', threshold: 0.5, bound: 'lower' },
    ]);
  });

  it('a paired table is not used when round 0 decided more items than this round', () => {
    // Now: VPRR 2 of 10; round 0: 1 of 12. The table (0 both, 2 first only, 1 second only, 7 neither)
    // sums to this round's 10 and matches both counts of bad items, but round 0 has 2 more decided
    // items, so the two are independent rates. Wilson 2/10 = [0.056681, 0.509843], 1/12 =
    // [0.014865, 0.353886]. Δ = 0.2 − 0.083333 = 0.116667;
    // lo = 0.116667 − √((0.2 − 0.056681)² + (0.353886 − 0.083333)²) = 0.116667 − √(0.020540 + 0.073199)
    //    = 0.116667 − 0.306168 = −0.189502, held at 0 like the rise;
    // hi = 0.116667 + √((0.509843 − 0.2)² + (0.083333 − 0.014865)²) = 0.116667 + √(0.096003 + 0.004688)
    //    = 0.116667 + 0.317318 = 0.433985.
    const r = evaluateCriteria(
      { vprrRise: 0.5 },
      { vprr: 0.2 },
      { vprr: 1 / 12 },
      {
        counts: {
          now: {
            rates: { vprr: { successes: 2, n: 10 } },
            paired: { vprr_rise: { both: 0, firstOnly: 2, secondOnly: 1, neither: 7 } },
          },
          baseline: { rates: { vprr: { successes: 1, n: 12 } }, paired: {} },
        },
      },
    );
    const check = r.checks[0];
    expect(check.interval?.basis).toBe("2 of 10 against round 0's 1 of 12");
    expect(check.interval?.lo).toBe(0);
    expect(check.interval?.hi).toBeCloseTo(0.433985, 5);
  });

  it("a paired table is not used when its round-0 column does not give round 0's count", () => {
    // Now: VPRR 2 of 10; round 0: 3 of 10. The table (0 both, 2 first only, 1 second only, 7 neither)
    // sums to 10 and gives this round's 2 refused, but only 1 refused in round 0, not 3: it is not
    // the table behind these figures, so the two are independent rates. Wilson 2/10 =
    // [0.056681, 0.509843], 3/10 = [0.107789, 0.603227]. Δ = 0.2 − 0.3 = −0.1;
    // hi = −0.1 + √((0.509843 − 0.2)² + (0.3 − 0.107789)²) = −0.1 + √(0.096003 + 0.036945)
    //    = −0.1 + 0.364620 = 0.264620; lo = −0.1 − 0.335391, held at 0.
    const r = evaluateCriteria(
      { vprrRise: 0.5 },
      { vprr: 0.2 },
      { vprr: 0.3 },
      {
        counts: {
          now: {
            rates: { vprr: { successes: 2, n: 10 } },
            paired: { vprr_rise: { both: 0, firstOnly: 2, secondOnly: 1, neither: 7 } },
          },
          baseline: { rates: { vprr: { successes: 3, n: 10 } }, paired: {} },
        },
      },
    );
    const check = r.checks[0];
    expect(check.interval?.basis).toBe("2 of 10 against round 0's 3 of 10");
    expect(check.interval?.lo).toBe(0);
    expect(check.interval?.hi).toBeCloseTo(0.26462, 5);
  });

  it('the share in error has no interval on the estimate either, even with counts beside it', () => {
    // 1 of 20 measurements in error = 0.05 ≤ 0.1: passes. Taken as a sample, Wilson 1/20 would reach
    // 0.236 > 0.1 and flag "passes on the estimate"; the share is exact, so there is no interval.
    const [err] = evaluateCriteria({ errorRate: 0.1 }, { error_rate: 0.05 }, undefined, {
      counts: { now: { rates: { error_rate: { successes: 1, n: 20 } }, paired: {} } },
    }).checks;
    expect(err).toMatchObject({ pass: true, interval: null, passes_on_estimate_only: false });
    expect(err.message).toBe('error_rate = 0.05 (ok)');
  });

  it('a rule on the upper end that the estimate fails too does not say "passes on the estimate"', () => {
    // ASR 2 of 20 = 0.1 > 0.02 on the estimate already. Wilson 2/20: z² = 3.8416,
    // denom = 1 + 3.8416/20 = 1.19208, centre = (0.1 + 0.09604)/1.19208 = 0.164452,
    // half = 1.96·√(0.0045 + 0.002401)/1.19208 = 0.136586 → upper 0.301038 = 30.1%.
    const counts = { now: { rates: { asr: { successes: 2, n: 20 } }, paired: {} } };
    const [c] = evaluateRules(parseRules('asr_upper>0.02', ['asr']), { asr: 0.1 }, undefined, counts).checks;
    expect(c.pass).toBe(false);
    expect(c.interval?.hi).toBeCloseTo(0.301038, 6);
    expect(c.message).toBe('asr = 0.1 with 95% upper bound 30.1% (2 of 20; fails when > 2%)');
  });

  it('the tolerance at the threshold is a rounding hair, not a margin', () => {
    // 0.020000000000000004 is 0.02 stored with a rounding error: passes `asr ≤ 0.02`. 0.0200001 is
    // 1e-7 over (2,000,001 successes of 100,000,000): a real excess, however small, fails.
    expect(evaluateCriteria({ asr: 0.02 }, { asr: 0.020000000000000004 }).met).toBe(true);
    expect(evaluateCriteria({ asr: 0.02 }, { asr: 0.0200001 }).met).toBe(false);
  });

  it('under `upper` the share in error is held against its own bound, not against 0', () => {
    // 5% of measurements in error, bound 10%: exact, so the figure itself is compared: 0.05 ≤ 0.1.
    const [err] = evaluateCriteria({ errorRate: 0.1 }, { error_rate: 0.05 }, undefined, {
      bound: 'upper',
    }).checks;
    expect(err).toMatchObject({ pass: true, interval: null });
    expect(err.message).toBe(
      "error_rate = 0.05 (ok; a share of this run's own measurements, exact: no interval)",
    );
    const [over] = evaluateCriteria({ errorRate: 0.01 }, { error_rate: 0.05 }, undefined, {
      bound: 'upper',
    }).checks;
    expect(over.pass).toBe(false);
  });
});
