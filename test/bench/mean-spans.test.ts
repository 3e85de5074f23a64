// `mean` (bench/metrics.ts) below SMALL_SAMPLE spans both intervals, the bootstrap's and Wilson's
// for the mean as a share of the scale: each end is the wider of the two, so a bootstrap end past
// Wilson's is kept. A scale of one point has no share to take.
import { describe, expect, it } from 'vitest';
import { mean } from '../../src/bench/metrics.js';
import { createRng } from '../../src/core/index.js';

describe('mean spans the bootstrap and Wilson', () => {
  it('severities 0, 0, 0, 7: the bootstrap reaches 0 below Wilson, and 5.25 above it', () => {
    // Mean 1.75, share 0.25 of 7 = 1 of 4. Wilson(1, 4): z² = 3.8416, denom = 1.9604,
    // centre = (0.25 + 0.4802)/1.9604 = 0.372475, half = 1.96·√(0.046875 + 0.060025)/1.9604 = 0.326889
    // → (0.045586, 0.699364), ×7 = (0.3191, 4.8955).
    // Bootstrap of 1,000 resamples of 4: all four 0 has chance (3/4)⁴ = 0.316, so the 25th smallest
    // mean is 0; three or four 7s (mean ≥ 5.25) has chance 4·(1/4)³·(3/4) + (1/4)⁴ = 0.0508 > 2.5%
    // and four 7s 0.0039 < 2.5%, so the 975th is 5.25 (0.0508 is 3.7 standard errors of a share of
    // 1,000 draws above 2.5%, 0.0039 is 10.7 below: a seeded draw all but surely lands there).
    const m = mean([0, 0, 0, 7], createRng(3), [0, 7]);
    expect(m.mean).toBe(1.75);
    expect(m.lo).toBe(0);
    expect(m.hi).toBe(5.25);
  });

  it('a scale of one point (min = max) gives the scores, not NaN', () => {
    const m = mean([3, 3], createRng(1), [3, 3]);
    expect(m).toMatchObject({ kind: 'mean', mean: 3, lo: 3, hi: 3, n: 2 });
  });

  it("25 scores are a small sample: Wilson widens the bootstrap's upper end", () => {
    // 24 zeros and one 7 (n = 25 < SMALL_SAMPLE = 30): share 1 of 25. Wilson(1, 25): denom =
    // 1 + 3.8416/25 = 1.153664, centre = (0.04 + 0.076832)/1.153664 = 0.101270,
    // half = 1.96·√(0.001536 + 0.00153664)/1.153664 = 0.094174 → upper 0.195445, ×7 = 1.36811.
    // The bootstrap's 97.5th percentile is only 3 sevens of 25 = 0.84 (P(≥ 3) = 0.077, P(≥ 4) =
    // 0.017 for Binomial(25, 0.04)), so the upper end is Wilson's.
    const m = mean([...Array(24).fill(0), 7], createRng(1), [0, 7]);
    expect(m.mean).toBeCloseTo(0.28, 12);
    expect(m.hi).toBeCloseTo(1.36811, 4);
    expect(m.lo).toBe(0);
  });
});
