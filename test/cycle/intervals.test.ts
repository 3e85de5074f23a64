// The 95% intervals the release criteria rest on (core/stats.ts), against values worked by hand and
// one published paired example.
import { describe, expect, it } from 'vitest';
import { differenceOfPairedRates, differenceOfRates, wilson } from '../../src/core/stats.js';

describe('Wilson interval at no successes', () => {
  it('0 of 173 reaches z²/(n + z²) = 3.8416/176.8416 = 2.17%: the evidence does not show ≤ 2%', () => {
    const w = wilson(0, 173);
    expect(w.lo).toBe(0);
    expect(w.hi).toBeCloseTo(3.8416 / 176.8416, 12);
    expect(w.hi).toBeGreaterThan(0.02);
    // 189 attempts with none broken is the fewest whose upper bound is within 2%: 3.8416/192.8416.
    expect(wilson(0, 189).hi).toBeCloseTo(3.8416 / 192.8416, 12);
    expect(wilson(0, 189).hi).toBeLessThan(0.02);
    expect(wilson(0, 188).hi).toBeGreaterThan(0.02);
  });
});

describe("Newcombe's hybrid score interval for a difference of proportions", () => {
  it('paired (method 10): the published table 59 / 6 / 16 / 80 gives −0.0621 (−0.1186 to −0.0046)', () => {
    // The paired example of Fagerland, Lydersen & Laake's "Statistical Analysis of Contingency
    // Tables", chapter 8, as their R package contingencytables prints its Newcombe square-and-add
    // interval: "estimate = -0.0621 (95% CI -0.1186 to -0.0046)".
    const d = differenceOfPairedRates({ both: 59, firstOnly: 6, secondOnly: 16, neither: 80 });
    expect(d.difference).toBeCloseTo(-10 / 161, 12);
    expect(d.lo).toBeCloseTo(-0.1186, 4);
    expect(d.hi).toBeCloseTo(-0.0046, 4);
  });

  it('paired: 2 / 4 / 1 / 13 gives 0.15 (−0.08714 to 0.37281), as worked in core/stats.ts', () => {
    const d = differenceOfPairedRates({ both: 2, firstOnly: 4, secondOnly: 1, neither: 13 });
    expect(d.difference).toBeCloseTo(0.15, 12);
    expect(d.lo).toBeCloseTo(-0.08714, 5);
    expect(d.hi).toBeCloseTo(0.37281, 5);
  });

  it('independent (φ = 0): 6 of 20 against 3 of 20 gives 0.15 (−0.11107 to 0.38976), wider than paired', () => {
    // lo = 0.15 − √(0.15452² + 0.21042²) = 0.15 − 0.26107; hi = 0.15 + √(0.21898² + 0.09763²) = 0.15 + 0.23976
    const d = differenceOfRates(6, 20, 3, 20);
    expect(d.difference).toBeCloseTo(0.15, 12);
    expect(d.lo).toBeCloseTo(-0.11107, 5);
    expect(d.hi).toBeCloseTo(0.38976, 5);
  });

  it('a table with an empty margin has no correlation to use (φ = 0), and no items give [−1, 1]', () => {
    // Nothing bad either time: both proportions 0 of 50, the interval is ± the Wilson upper bound.
    const none = differenceOfPairedRates({ both: 0, firstOnly: 0, secondOnly: 0, neither: 50 });
    expect(none.difference).toBe(0);
    expect(none.hi).toBeCloseTo(wilson(0, 50).hi, 12);
    expect(none.lo).toBeCloseTo(-wilson(0, 50).hi, 12);
    expect(differenceOfPairedRates({ both: 0, firstOnly: 0, secondOnly: 0, neither: 0 })).toEqual({
      difference: 0,
      lo: -1,
      hi: 1,
    });
  });
});
