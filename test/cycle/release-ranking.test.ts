// Which round chooseRelease names (cycle/release.ts): a single passing round is named even when a
// failing round has a lower ASR, and a figure a round did not measure ranks it last on that figure,
// never first (an unmeasured ASR is not an ASR of 0).
import { describe, expect, it } from 'vitest';
import { chooseRelease } from '../../src/cycle/release.js';

const round = (r: number, metrics: Record<string, number>) => ({ round: r, model: `r${r}`, metrics });

describe('chooseRelease ranking', () => {
  it('names the one round that passes, not a failing round with a lower ASR', () => {
    const c = { asr: 0.02, vprr: 0.1 };
    const base = round(0, { asr: 0.3, vprr: 0.05 });
    // Round 1: ASR 1% ≤ 2%, VPRR 5% ≤ 10%: passes. Round 2: ASR 0% but VPRR 30% > 10%: fails.
    const rel = chooseRelease(
      [base, round(1, { asr: 0.01, vprr: 0.05 }), round(2, { asr: 0, vprr: 0.3 })],
      c,
    );
    expect(rel).toMatchObject({ round: 1, model: 'r1', criteria_met: true });
    expect(rel.reasons).toEqual(['round 1 meets every criterion']);
  });

  it('a round that did not measure the ASR ranks after one that did', () => {
    // No ASR criterion, so both rounds pass (VPRR 5% ≤ 10%); round 1 has no ASR at all, round 2 has
    // 5%: an unknown ASR counts as 100% in the ranking, so round 2 is named.
    const c = { vprr: 0.1 };
    const base = round(0, { asr: 0.3, vprr: 0.05 });
    const rel = chooseRelease([base, round(1, { vprr: 0.05 }), round(2, { asr: 0.05, vprr: 0.05 })], c);
    expect(rel).toMatchObject({ round: 2, criteria_met: true });
  });

  it('on an ASR tie, a round without a held-back ASR ranks after one with 4%', () => {
    // Both pass ASR 1% ≤ 2%; round 1 has no held-back ASR (counts as 100%), round 2 has 4%.
    const c = { asr: 0.02 };
    const base = round(0, { asr: 0.3 });
    const rel = chooseRelease(
      [base, round(1, { asr: 0.01 }), round(2, { asr: 0.01, heldback_asr: 0.04 })],
      c,
    );
    expect(rel).toMatchObject({ round: 2, criteria_met: true });
  });

  it('on an ASR and held-back tie, a round without helpfulness ranks after one with 50%', () => {
    // Both pass; same ASR (1%) and held-back ASR (2%); round 1 has no helpfulness (counts as 0),
    // round 2 has 0.5: higher helpfulness wins, so round 2.
    const c = { asr: 0.02 };
    const base = round(0, { asr: 0.3 });
    const rel = chooseRelease(
      [
        base,
        round(1, { asr: 0.01, heldback_asr: 0.02 }),
        round(2, { asr: 0.01, heldback_asr: 0.02, helpfulness: 0.5 }),
      ],
      c,
    );
    expect(rel).toMatchObject({ round: 2, criteria_met: true });
  });

  it("judges a round's change since round 0 on round 0's counts, not its own", () => {
    // Under `upper`, VPRR rise ≤ 50% on the upper end. Round 0: VPRR 2 of 10; round 1: 1 of 10 (no
    // paired table, so the two are independent rates). Wilson 1/10 = [0.017876, 0.404156], 2/10 =
    // [0.056681, 0.509843]. Δ = 0.1 − 0.2 = −0.1; upper = −0.1 + √((0.404156 − 0.1)² + (0.2 − 0.056681)²)
    // = −0.1 + √(0.092511 + 0.020540) = −0.1 + 0.336231 = 0.236231 ≤ 0.5: round 1 passes. Round 1's own
    // counts (1 of 10) do not give round 0's 0.2, so read against them there would be no interval.
    // (Round 1 has the lower ASR, 1% against 30%, so of the two passing rounds it is named.)
    const counts = (k: number) => ({ rates: { vprr: { successes: k, n: 10 } }, paired: {} });
    const base = { ...round(0, { asr: 0.3, vprr: 0.2 }), counts: counts(2) };
    const r1 = { ...round(1, { asr: 0.01, vprr: 0.1 }), counts: counts(1) };
    const rel = chooseRelease([base, r1], { vprrRise: 0.5 }, 'upper');
    expect(rel).toMatchObject({ round: 1, criteria_met: true });
    const check = rel.checks.find((c) => c.name === 'vprr_rise');
    expect(check?.interval?.basis).toBe("1 of 10 against round 0's 2 of 10");
    expect(check?.interval?.hi).toBeCloseTo(0.236231, 5);
  });
});
