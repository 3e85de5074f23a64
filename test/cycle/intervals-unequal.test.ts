// Newcombe's interval for two independent proportions over different numbers of items: the fallback
// of a change since round 0 when the rounds decided different items (cycle/criteria.ts intervalOf).
// Every other check of it has n₁ = n₂, where using one round's count for both gave the same figures.
import { describe, expect, it } from 'vitest';
import { differenceOfRates, wilson } from '../../src/core/stats.js';

describe('differenceOfRates with n₁ ≠ n₂', () => {
  it('3 of 10 against 2 of 40 gives 0.25 (0.02599 to 0.55538)', () => {
    // Wilson 3/10: centre (0.3 + 3.8416/20)/1.38416 = 0.35551, half 1.96·√(0.021 + 0.009604)/1.38416
    // = 0.24772: (0.10779, 0.60323). Wilson 2/40: centre (0.05 + 0.04802)/1.09604 = 0.08943, half
    // 1.96·√(0.0011875 + 0.00060025)/1.09604 = 0.07561: (0.01382, 0.16504).
    // lo = 0.25 − √((0.3 − 0.10779)² + (0.16504 − 0.05)²) = 0.25 − 0.22401 = 0.02599
    // hi = 0.25 + √((0.60323 − 0.3)² + (0.05 − 0.01382)²) = 0.25 + 0.30538 = 0.55538
    expect(wilson(2, 40).lo).toBeCloseTo(0.01382, 5);
    expect(wilson(2, 40).hi).toBeCloseTo(0.16504, 5);
    const d = differenceOfRates(3, 10, 2, 40);
    expect(d.difference).toBeCloseTo(0.25, 12);
    expect(d.lo).toBeCloseTo(0.02599, 5);
    expect(d.hi).toBeCloseTo(0.55538, 5);
  });
});
