// The intervals of core/stats.ts at another z than 1.96: every Wilson interval inside a difference
// is taken at the z asked for (the cycle uses 1.96 throughout, so only a caller of the library that
// asks for another level would notice one that was not).
import { describe, expect, it } from 'vitest';
import { differenceOfPairedRates, differenceOfRates, wilson } from '../../src/core/stats.js';

describe('intervals at z = 1', () => {
  it('Wilson 2 of 4 and 0 of 4 at z = 1, by hand', () => {
    // 2/4: z² = 1, denom = 1 + 1/4 = 1.25, centre = (0.5 + 1/8)/1.25 = 0.5,
    // half = √(0.25/4 + 1/64)/1.25 = √0.078125/1.25 = 0.279508/1.25 = 0.223607 → [0.276393, 0.723607]
    const a = wilson(2, 4, 1);
    expect(a.lo).toBeCloseTo(0.276393, 6);
    expect(a.hi).toBeCloseTo(0.723607, 6);
    // 0/4: centre = (1/8)/1.25 = 0.1, half = √(1/64)/1.25 = 0.1 → [0, 0.2]
    expect(wilson(0, 4, 1)).toEqual({ rate: 0, lo: 0, hi: expect.closeTo(0.2, 12) });
  });

  it('the paired and the independent difference take both Wilson intervals at that z', () => {
    // 0 both, 2 first only, 0 second only, 2 neither (n = 4): p₁ = 2/4, p₂ = 0/4; a margin is empty
    // (both + secondOnly = 0), so φ = 0. Δ = 0.5;
    // lo = 0.5 − √((0.5 − 0.276393)² + (0.2 − 0)²) = 0.5 − √(0.05 + 0.04) = 0.5 − 0.3 = 0.2
    // hi = 0.5 + √((0.723607 − 0.5)² + (0 − 0)²) = 0.5 + 0.223607 = 0.723607
    // (At z = 1.96 the lower end would be 0.5 − √(0.34996² + 0.4898²) ≈ −0.10, nowhere near.)
    const paired = differenceOfPairedRates({ both: 0, firstOnly: 2, secondOnly: 0, neither: 2 }, 1);
    expect(paired.difference).toBe(0.5);
    expect(paired.lo).toBeCloseTo(0.2, 6);
    expect(paired.hi).toBeCloseTo(0.723607, 6);
    const independent = differenceOfRates(2, 4, 0, 4, 1);
    expect(independent.lo).toBeCloseTo(0.2, 6);
    expect(independent.hi).toBeCloseTo(0.723607, 6);
    // Swapped (0 of 4 first): Δ = −0.5, lo = −0.5 − 0.223607, hi = −0.5 + 0.3 = −0.2.
    const swapped = differenceOfPairedRates({ both: 0, firstOnly: 0, secondOnly: 2, neither: 2 }, 1);
    expect(swapped.lo).toBeCloseTo(-0.723607, 6);
    expect(swapped.hi).toBeCloseTo(-0.2, 6);
  });
});
