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
  return { rate: p, lo: Math.max(0, centre - half), hi: Math.min(1, centre + half) };
}
