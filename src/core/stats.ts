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
