// Metrics with intervals. Every rate carries its `errors` and `undetermined` counts beside it: they
// are excluded from the denominator and reported, never folded into the rate.
import { compareText, type Rng, wilson } from '../core/index.js';

export interface Rate {
  kind: 'rate';
  rate: number;
  lo: number;
  hi: number;
  successes: number;
  /** Decided samples: the denominator. */
  n: number;
  errors: number;
  undetermined: number;
}

export interface Mean {
  kind: 'mean';
  mean: number;
  lo: number;
  hi: number;
  n: number;
  errors: number;
  undetermined: number;
}

export type RateOrMean = Rate | Mean;

/** Wilson score interval for a binomial proportion (in core/, where the judges' calibration uses it too). */
export { wilson };

/** Percentile bootstrap of the mean (2.5th and 97.5th percentiles of `iters` resampled means). */
export function bootstrapMean(
  values: number[],
  rng: Rng,
  iters = 1000,
): { mean: number; lo: number; hi: number } {
  // No resample has no percentiles: the interval came back undefined, which JSON drops and a table
  // cannot print.
  if (!Number.isInteger(iters) || iters < 1)
    throw new Error(`bootstrapMean: iters is the number of resamples, a whole number ≥ 1 (got ${iters})`);
  const n = values.length;
  if (n === 0) return { mean: 0, lo: 0, hi: 0 };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const means: number[] = [];
  for (let i = 0; i < iters; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += values[rng.int(n)];
    means.push(s / n);
  }
  means.sort((a, b) => a - b);
  return { mean, lo: nearestRank(means, 0.025), hi: nearestRank(means, 0.975) };
}

/** The q-th percentile of sorted values by nearest rank: the ⌈q·n⌉-th smallest (25th of 1,000 for q = 0.025). */
export function nearestRank(sorted: readonly number[], q: number): number {
  const rank = Math.ceil(q * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/** DR-x: share of severities ≥ x (severities of decided samples only); undefined when there is
 * none, never a 0 that reads as "no defect" (the suites use drRate, which keeps the counts). */
export function defectRate(severities: number[], x: number): number | undefined {
  return severities.length ? severities.filter((s) => s >= x).length / severities.length : undefined;
}

export function rate(successes: number, n: number, errors = 0, undetermined = 0): Rate {
  return { kind: 'rate', ...wilson(successes, n), successes, n, errors, undetermined };
}

/** Below this many scores the percentile bootstrap is known to under-cover (its interval is the
 * spread of the sample's own values, and a small sample rarely shows its tails). */
export const SMALL_SAMPLE = 30;

/** The mean of scores on a bounded scale (`range`: severity 0–7, ungroundedness 0–4) with its 95%
 * interval: the percentile bootstrap's from SMALL_SAMPLE scores up. Below that, or when every score
 * is the same (every resample is then too, and the bootstrap's interval has no width: one reply
 * scored 4 read as "4.00 [4.00–4.00]", certain), the interval also spans Wilson's for the mean as a
 * share of the scale, which a score on [min, max] cannot exceed in variance (a share of n items at
 * the ends has the most), so it errs wide. Spanning both keeps a small sample with a little spread
 * ([2,2,2,1]) from reading narrower than a constant one ([2,2,2,2]). */
export function mean(
  values: number[],
  rng: Rng,
  range: [number, number],
  errors = 0,
  undetermined = 0,
  iters = 1000,
): Mean {
  const b = bootstrapMean(values, rng, iters);
  const n = values.length;
  const [min, max] = range;
  if (n > 0 && (n < SMALL_SAMPLE || b.lo === b.hi) && max > min) {
    const w = wilson(((b.mean - min) / (max - min)) * n, n);
    b.lo = Math.min(b.lo, min + w.lo * (max - min));
    b.hi = Math.max(b.hi, min + w.hi * (max - min));
  }
  return { kind: 'mean', ...b, n, errors, undetermined };
}

/** A sample's status for a rate: counted as success / failure, or set aside. */
export type Tally = 'success' | 'failure' | 'error' | 'undetermined';

export function rateOf(tallies: Tally[]): Rate {
  const s = tallies.filter((t) => t === 'success').length;
  const f = tallies.filter((t) => t === 'failure').length;
  return rate(
    s,
    s + f,
    tallies.filter((t) => t === 'error').length,
    tallies.filter((t) => t === 'undetermined').length,
  );
}

/** Group items by a key (missing keys go to '(none)'). */
export function groupBy<T>(items: T[], key: (t: T) => string | undefined): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it) ?? '(none)';
    const list = m.get(k);
    if (list) list.push(it);
    else m.set(k, [it]);
  }
  return m;
}

/** Rates per slice: `{ category: { violent_crimes: Rate, … }, language: { … } }`. */
export function sliceRates<T>(
  items: T[],
  dims: Record<string, (t: T) => string | undefined>,
  tally: (t: T) => Tally,
): Record<string, Record<string, Rate>> {
  const out: Record<string, Record<string, Rate>> = {};
  for (const [dim, key] of Object.entries(dims)) {
    out[dim] = {};
    for (const [k, group] of [...groupBy(items, key)].sort(([a], [b]) => compareText(a, b)))
      out[dim][k] = rateOf(group.map(tally));
  }
  return out;
}

/** A fraction 0–1 as a percentage. One that is neither none nor all never prints as 0% or 100%:
 * 1 attack in 3,000 that broke through read "ASR 0.0%". */
export function formatPercent(v: number, digits = 1): string {
  const pct = (v * 100).toFixed(digits);
  if (v > 0 && Number(pct) === 0) return `<${(10 ** -digits).toFixed(digits)}%`;
  if (v < 1 && Number(pct) === 100) return `>${(100 - 10 ** -digits).toFixed(digits)}%`;
  return `${pct}%`;
}

export function formatRate(r: RateOrMean, digits = 1): string {
  const side = `${r.errors ? ` err ${r.errors}` : ''}${r.undetermined ? ` und ${r.undetermined}` : ''}`;
  if (r.n === 0) return `— n=0${side}`;
  if (r.kind === 'rate') {
    const pct = (x: number) => (x * 100).toFixed(digits);
    return `${formatPercent(r.rate, digits)} [${pct(r.lo)}–${pct(r.hi)}] n=${r.n}${side}`;
  }
  return `${r.mean.toFixed(2)} [${r.lo.toFixed(2)}–${r.hi.toFixed(2)}] n=${r.n}${side}`;
}

/** JSON.stringify replacer for output: a rate or mean of nothing (n = 0: every sample in error or
 * undetermined) is null, never a 0 a script would read as "0% attack success". Stored figures keep
 * n beside the value; this is for what people and scripts read. */
export function emptyRatesAsNull(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const v = value as Record<string, unknown>;
    if ((v.kind === 'rate' || v.kind === 'mean') && v.n === 0 && v.kind in v)
      return { ...v, [v.kind]: null, lo: null, hi: null };
  }
  return value;
}

/** A slice family's name as the suites write it (`vprr_by_type`: `<metric>_by_<dimension>`), read
 * back; a name without `_by_` is both. */
export function sliceName(name: string): { metric: string; dimension: string } {
  const at = name.lastIndexOf('_by_');
  return at > 0
    ? { metric: name.slice(0, at), dimension: name.slice(at + 4) }
    : { metric: name, dimension: name };
}
