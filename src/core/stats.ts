// Interval arithmetic shared by the folders that report rates: bench's metrics and the judges'
// calibration against human labels (judge sits below bench, so it cannot import bench's metrics).

/** Wilson score interval for a binomial proportion. n = 0 gives rate 0 over [0, 1]. */
export function wilson(successes: number, n: number, z = 1.96): { rate: number; lo: number; hi: number } {
  if (n <= 0) return { rate: 0, lo: 0, hi: 1 };
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  // centre ∓ half is exactly 0 at k = 0 and 1 at k = n, but not in floating point (0/11 gave a lower
  // bound of 2.8e-17, 6/6 an upper one of 0.9999999999999999, below the rate): an interval that
  // excludes what was observed. The end at the observed extreme is set, and the bounds kept around p.
  const lo = successes <= 0 ? 0 : Math.min(p, Math.max(0, centre - half));
  const hi = successes >= n ? 1 : Math.max(p, Math.min(1, centre + half));
  return { rate: p, lo, hi };
}

/** Items measured twice (round 0 and a later round), each either bad or not both times: `both` bad
 * each time, `firstOnly` bad the first time only, `secondOnly` the second time only, `neither`. */
export interface PairedTable {
  both: number;
  firstOnly: number;
  secondOnly: number;
  neither: number;
}

/**
 * 95% interval for the difference of two paired proportions, p₁ − p₂ with p₁ = (both + firstOnly)/n
 * and p₂ = (both + secondOnly)/n: Newcombe's (1998) method 10, the hybrid score interval. Each
 * proportion gets its Wilson interval (l, u); the two distances are added in quadrature, less twice
 * their correlation φ, the table's phi coefficient corrected for continuity (AD − BC less n/2, or 0,
 * when positive), 0 when a margin is empty:
 *   lo = Δ − √((p₁ − l₁)² − 2φ(p₁ − l₁)(u₂ − p₂) + (u₂ − p₂)²)
 *   hi = Δ + √((u₁ − p₁)² − 2φ(u₁ − p₁)(p₂ − l₂) + (p₂ − l₂)²)
 * Worked by hand for 2 / 4 / 1 / 13 (n = 20): p₁ = 6/20 = 0.3, Wilson (0.14548, 0.51898);
 * p₂ = 3/20 = 0.15, Wilson (0.05237, 0.36042); AD − BC = 26 − 4 = 22, less n/2 = 12, over
 * √(6·14·3·17) = 65.45: φ = 0.18334; lo = 0.15 − √(0.15452² − 2·0.18334·0.15452·0.21042 + 0.21042²)
 * = 0.15 − 0.23714 = −0.08714, hi = 0.15 + √(0.21898² − 2·0.18334·0.21898·0.09763 + 0.09763²)
 * = 0.15 + 0.22281 = 0.37281. With φ = 0 it is the interval for two independent proportions
 * (Newcombe's method 10 of the companion paper), which `differenceOfRates` gives.
 */
export function differenceOfPairedRates(
  t: PairedTable,
  z = 1.96,
): { difference: number; lo: number; hi: number } {
  const n = t.both + t.firstOnly + t.secondOnly + t.neither;
  if (n <= 0) return { difference: 0, lo: -1, hi: 1 };
  const first = wilson(t.both + t.firstOnly, n, z);
  const second = wilson(t.both + t.secondOnly, n, z);
  const margins =
    (t.both + t.firstOnly) * (t.secondOnly + t.neither) * (t.both + t.secondOnly) * (t.firstOnly + t.neither);
  const cross = t.both * t.neither - t.firstOnly * t.secondOnly;
  const corrected = cross > 0 ? Math.max(cross - n / 2, 0) : cross;
  const phi = margins > 0 ? corrected / Math.sqrt(margins) : 0;
  return squareAndAdd(first, second, phi);
}

/** 95% interval for the difference k₁/n₁ − k₂/n₂ of two independent proportions: Newcombe's (1998)
 * hybrid score interval, `differenceOfPairedRates` with no correlation. */
export function differenceOfRates(
  k1: number,
  n1: number,
  k2: number,
  n2: number,
  z = 1.96,
): { difference: number; lo: number; hi: number } {
  return squareAndAdd(wilson(k1, n1, z), wilson(k2, n2, z), 0);
}

type Wilson = ReturnType<typeof wilson>;

function squareAndAdd(a: Wilson, b: Wilson, phi: number): { difference: number; lo: number; hi: number } {
  const difference = a.rate - b.rate;
  const down = (a.rate - a.lo) ** 2 - 2 * phi * (a.rate - a.lo) * (b.hi - b.rate) + (b.hi - b.rate) ** 2;
  const up = (a.hi - a.rate) ** 2 - 2 * phi * (a.hi - a.rate) * (b.rate - b.lo) + (b.rate - b.lo) ** 2;
  // (φ ≤ 1 keeps both sums ≥ 0 but for rounding: a tiny negative would make NaN)
  return {
    difference,
    lo: Math.max(-1, difference - Math.sqrt(Math.max(0, down))),
    hi: Math.min(1, difference + Math.sqrt(Math.max(0, up))),
  };
}
