// Release criteria and CI gates: one rule engine. The cycle's `cycle.criteria` (pass when ≤) and the
// report's `--fail-on "asr>0.02"` (fail when) are both lists of rules `metric op threshold` checked
// against one round's metrics, with round 0 as the baseline for the relative metrics. A rule whose
// metric was not measured fails: a release claim must never rest on a number nobody produced.
// Each check carries the 95% interval of its figure where the counts behind it are known, and a rule
// may bound an end of that interval instead of the estimate (`asr_upper>0.02`, cycle.criteriaBound).
// This file imports only leaves of core/ (stats.ts, closest.ts, figures.ts), so the report can use
// it without loading the cycle.
import { closest } from '../core/closest.js';
import type { Figures } from '../core/figures.js';
import { differenceOfPairedRates, differenceOfRates, type PairedTable, wilson } from '../core/stats.js';

/** Each a bound the round's metric must stay at or under; null or absent: not a criterion. */
export interface Criteria {
  asr?: number | null;
  dr3?: number | null;
  vprr?: number | null;
  vprrRise?: number | null;
  helpfulnessDrop?: number | null;
  heldbackAsr?: number | null;
  undeterminedRise?: number | null;
  undetermined?: number | null;
  errorRate?: number | null;
}

/** Benchmark items decided in round 0 and in a later round, and how many moved each way (`worse`:
 * refused now / failed now); `p` is McNemar's exact two-sided test of that split (cycle/paired.ts). */
export interface PairedChange {
  pairs: number;
  worse: number;
  better: number;
  p: number;
}

/** A round's figures as the cycle stores them (roundMetrics: the red team's ASR, the benchmark's
 * others), and whatever else the round stored beside them. */
export interface RoundMetrics extends Figures {
  /** VPRR and helpfulness item by item against round 0 (absent in round 0 and older runs). */
  vprr_change?: PairedChange;
  helpfulness_change?: PairedChange;
  [key: string]: unknown;
}

export type Comparator = '>' | '>=' | '<' | '<=';

/** What the release criteria compare with their thresholds: each figure's estimate, or the upper end
 * of its 95% interval (config `cycle.criteriaBound`). */
export type CriteriaBound = 'estimate' | 'upper';

/** Fail when `metric op threshold` holds; with `bound`, when that end of the metric's 95% interval
 * does (`asr_upper>0.02`: fail unless the evidence shows ASR ≤ 2%). */
export interface Rule {
  metric: string;
  op: Comparator;
  threshold: number;
  bound?: 'upper' | 'lower';
}

/** A rate's counts: `successes` of `n` decided; beside them, where the store kept them, the samples
 * set apart from `n` (in error, undetermined), so `report --format json` shows each rate with both. */
export interface RateCounts {
  successes: number;
  n: number;
  errors?: number;
  undetermined?: number;
}

/** The counts behind a round's figures, from which each check's 95% interval is computed (read from
 * the round's stored bench results and red-team counts by cycle/counts.ts; never stored themselves). */
export interface RoundCounts {
  /** A figure (`asr`, `vprr`, `undetermined_rate` …) → the counts its rate is over. */
  rates: Partial<Record<string, RateCounts>>;
  /** A relative metric (`vprr_rise` …) → the items decided in this round (first) and round 0
   * (second), each time bad (refused, failed, undetermined) or not. */
  paired: Partial<Record<string, PairedTable>>;
}

/** The counts of the round checked and of round 0. */
export interface CountsOf {
  now?: RoundCounts;
  baseline?: RoundCounts;
}

/** A figure's 95% interval and what it was computed from, in words ("0 of 173"). */
export interface Interval {
  lo: number;
  hi: number;
  basis: string;
}

export interface CriterionCheck {
  /** The metric, e.g. `asr` or `helpfulness_drop`. */
  name: string;
  /** Rule text as a gate, e.g. `asr>0.02`. */
  rule: string;
  op: Comparator;
  threshold: number;
  value: number | null;
  /** The value's 95% interval (Wilson for a rate; Newcombe's hybrid score interval for a change since
   * round 0), null where the counts behind it are not known. */
  interval: Interval | null;
  /** What the threshold was compared with: the estimate (`value`), or an end of `interval`. */
  bound: 'estimate' | 'upper' | 'lower';
  pass: boolean;
  /** Passes on the estimate while the far end of its interval is past the threshold: inside the
   * noise, a pass the evidence does not show. */
  passes_on_estimate_only: boolean;
  /** One line for people: the value against the threshold, or why there is none. */
  message: string;
}

export interface CriteriaResult {
  met: boolean;
  checks: CriterionCheck[];
}

/** Metrics relative to round 0 (never negative): how far helpfulness fell, how far VPRR and the
 * share of undetermined benchmark answers (`undetermined_rate`) rose; each the figure it compares and
 * which way it is worse. */
const DERIVED: Record<string, { figure: string; worse: 'up' | 'down' }> = {
  helpfulness_drop: { figure: 'helpfulness', worse: 'down' },
  vprr_rise: { figure: 'vprr', worse: 'up' },
  undetermined_rise: { figure: 'undetermined_rate', worse: 'up' },
};
export const DERIVED_METRICS: readonly string[] = Object.keys(DERIVED);

/** Figures that count this run's own measurements instead of estimating the model (the share that
 * ended in error: which requests failed is a fact of the run, not a sample of anything): exact, so
 * they have no interval, and a rule on an end of one holds the figure itself. */
const EXACT_METRICS = new Set(['error_rate']);

function derived(metric: string): (typeof DERIVED)[string] | undefined {
  return Object.hasOwn(DERIVED, metric) ? DERIVED[metric] : undefined;
}

/** `cycle.criteria` key → the metric it bounds (each passes when metric ≤ threshold). */
const CRITERIA: [keyof Criteria, string][] = [
  ['asr', 'asr'],
  ['dr3', 'dr3'],
  ['vprr', 'vprr'],
  ['vprrRise', 'vprr_rise'],
  ['helpfulnessDrop', 'helpfulness_drop'],
  ['heldbackAsr', 'heldback_asr'],
  ['undeterminedRise', 'undetermined_rise'],
  ['undetermined', 'undetermined_rate'],
  ['errorRate', 'error_rate'],
];

/** The configured release criteria as fail-when rules; under `upper`, on the upper ends of the
 * figures' 95% intervals. */
export function rulesFromCriteria(criteria: Criteria, bound: CriteriaBound = 'estimate'): Rule[] {
  const rules: Rule[] = [];
  for (const [key, metric] of CRITERIA) {
    const t = criteria[key];
    if (typeof t === 'number' && Number.isFinite(t))
      rules.push({ metric, op: '>', threshold: t, ...(bound === 'upper' && { bound: 'upper' as const }) });
  }
  return rules;
}

/** Parse `asr>0.02, vprr>=5%, helpfulness<0.8, asr_upper>2%`. Throws an Error naming the bad part;
 * `known` lists the metrics a rule may name, each also with `_upper` or `_lower` (an end of its 95%
 * interval). */
export function parseRules(text: string, known: readonly string[]): Rule[] {
  const parts = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!parts.length) throw new Error('no criteria given');
  return parts.map((part) => {
    const m = /^([a-z_][a-z0-9_]*)\s*(>=|<=|>|<)\s*(-?(?:\d+\.?\d*|\.\d+))(%?)$/i.exec(part);
    if (!m) throw new Error(`cannot read criterion "${part}": expected METRIC>NUMBER (or >=, <, <=)`);
    const named = m[1].toLowerCase();
    const end = /^(.+)_(upper|lower)$/.exec(named);
    const [metric, bound] =
      !known.includes(named) && end ? [end[1], end[2] as 'upper' | 'lower'] : [named, undefined];
    if (!known.includes(metric)) {
      const meant = closest(named, [...known, ...known.flatMap((k) => [`${k}_upper`, `${k}_lower`])]);
      throw new Error(
        `unknown metric "${m[1]}" in criterion "${part}"${meant ? `; did you mean "${meant}"?` : ''}; known: ${known.join(', ')} (each also with _upper or _lower: an end of its 95% interval)`,
      );
    }
    return {
      metric,
      op: m[2] as Comparator,
      threshold: Number(m[3]) / (m[4] ? 100 : 1),
      ...(bound && { bound }),
    };
  });
}

export function ruleText(r: Rule): string {
  return `${r.metric}${r.bound ? `_${r.bound}` : ''}${r.op}${r.threshold}`;
}

/** A metric of a round: stored, or derived against the baseline (round 0). */
export function metricOf(metric: string, now: RoundMetrics, baseline?: RoundMetrics): number | null {
  const d = derived(metric);
  if (!d) return num(now[metric]);
  const [a, b] = [num(now[d.figure]), num(baseline?.[d.figure])];
  if (a === null || b === null) return null;
  return Math.max(0, d.worse === 'up' ? a - b : b - a);
}

/** The 95% interval of a metric's value, or why there is none. A rate's is Wilson's over the counts
 * behind it; a change since round 0 is Newcombe's hybrid score interval for the difference, paired
 * when every item decided in either round was decided in both (else as two independent rates), and
 * like the change never negative. Counts that do not give the figure checked give no interval. */
export function intervalOf(
  metric: string,
  now: RoundMetrics,
  baseline: RoundMetrics | undefined,
  counts: CountsOf = {},
): { interval: Interval } | { why: string } {
  const d = derived(metric);
  const figure = d?.figure ?? metric;
  const rateNow = countsOf(figure, num(now[figure]), counts.now);
  if ('why' in rateNow) return rateNow;
  if (!d) {
    const w = wilson(rateNow.successes, rateNow.n);
    return { interval: { lo: w.lo, hi: w.hi, basis: `${rateNow.successes} of ${rateNow.n}` } };
  }
  const rateThen = countsOf(figure, num(baseline?.[figure]), counts.baseline);
  if ('why' in rateThen) return { why: `in round 0, ${rateThen.why}` };
  const bad = (c: RateCounts) => (d.worse === 'up' ? c.successes : c.n - c.successes);
  const t = counts.now?.paired[metric];
  const paired =
    t &&
    t.both + t.firstOnly + t.secondOnly + t.neither === rateNow.n &&
    rateNow.n === rateThen.n &&
    t.both + t.firstOnly === bad(rateNow) &&
    t.both + t.secondOnly === bad(rateThen);
  const diff = paired
    ? differenceOfPairedRates(t)
    : differenceOfRates(bad(rateNow), rateNow.n, bad(rateThen), rateThen.n);
  const basis = paired
    ? `${t.firstOnly} items worse and ${t.secondOnly} better of ${rateNow.n} paired with round 0`
    : `${bad(rateNow)} of ${rateNow.n} against round 0's ${bad(rateThen)} of ${rateThen.n}`;
  return { interval: { lo: Math.max(0, diff.lo), hi: Math.max(0, diff.hi), basis } };
}

function countsOf(figure: string, value: number | null, counts?: RoundCounts): RateCounts | { why: string } {
  const c = counts?.rates[figure];
  if (!c)
    return {
      why: `the counts behind ${figure} are not known (a figure without counts, or a run stored without them)`,
    };
  if (c.n <= 0) return { why: `nothing behind ${figure} was decided` };
  if (value === null || Math.abs(c.successes / c.n - value) > 1e-9)
    return { why: `the counts found (${c.successes} of ${c.n}) do not give the stored ${figure}` };
  return c;
}

export function checkRule(
  rule: Rule,
  now: RoundMetrics,
  baseline?: RoundMetrics,
  counts: CountsOf = {},
): CriterionCheck {
  const value = metricOf(rule.metric, now, baseline);
  const text = ruleText(rule);
  const exact = EXACT_METRICS.has(rule.metric);
  const found = value === null || exact ? undefined : intervalOf(rule.metric, now, baseline, counts);
  const interval = found && 'interval' in found ? found.interval : null;
  const common = {
    name: rule.metric,
    rule: text,
    op: rule.op,
    threshold: rule.threshold,
    value,
    interval,
    bound: rule.bound ?? ('estimate' as const),
    passes_on_estimate_only: false,
  };
  if (value === null) {
    const relative = derived(rule.metric) ? ' (in this round or in round 0)' : '';
    return { ...common, pass: false, message: `${rule.metric} was not measured${relative}` };
  }
  const head = `${rule.metric} = ${shown(value, rule.threshold)}`;
  if (rule.bound && exact) {
    const fails = compare(value, rule.op, rule.threshold);
    return {
      ...common,
      pass: !fails,
      message: `${head} (${fails ? `fails when ${rule.op} ${rule.threshold}` : 'ok'}; a share of this run's own measurements, exact: no interval)`,
    };
  }
  if (rule.bound) {
    // A release claim on the interval never rests on an interval nobody could compute.
    if (!interval)
      return {
        ...common,
        pass: false,
        message: `${head} has no 95% interval, and ${text} bounds its ${rule.bound} end: ${(found as { why: string }).why}`,
      };
    const end = rule.bound === 'upper' ? interval.hi : interval.lo;
    const fails = compare(end, rule.op, rule.threshold);
    const change = fails ? changeNote(rule.metric, now) : '';
    const onEstimate = fails && !compare(value, rule.op, rule.threshold) ? '; passes on the estimate' : '';
    return {
      ...common,
      pass: !fails,
      message: `${head} with 95% ${rule.bound} bound ${percent(end, rule.threshold)} (${interval.basis}; ${fails ? `fails when ${rule.op} ${percent(rule.threshold)}${onEstimate}` : 'ok'})${change}`,
    };
  }
  const fails = compare(value, rule.op, rule.threshold);
  const change = fails ? changeNote(rule.metric, now) : '';
  // The end of the interval on the failing side: the upper one of a `>` rule.
  const far = interval && (rule.op === '>' || rule.op === '>=' ? 'upper' : 'lower');
  const farEnd = far === 'upper' ? interval?.hi : interval?.lo;
  const estimateOnly = !fails && farEnd !== undefined && compare(farEnd, rule.op, rule.threshold);
  const note = estimateOnly
    ? ` (passes on the estimate; 95% ${far} bound ${percent(farEnd, rule.threshold)} is ${PAST[rule.op]} ${percent(rule.threshold)}, from ${interval?.basis})`
    : fails
      ? ` (fails when ${rule.op} ${rule.threshold})`
      : ' (ok)';
  return {
    ...common,
    pass: !fails,
    passes_on_estimate_only: estimateOnly,
    message: `${head}${note}${change}`,
  };
}

/** How an end of the interval stands to the threshold when it would fail the rule. */
const PAST: Record<Comparator, string> = {
  '>': 'above',
  '>=': 'at or above',
  '<': 'below',
  '<=': 'at or below',
};

/** For a failed rise in VPRR or fall in helpfulness: the items behind it, and whether a split that
 * uneven could be chance. The check still fails; the note says what more items would settle. */
function changeNote(metric: string, now: RoundMetrics): string {
  const [change, worse] =
    metric === 'vprr_rise'
      ? [now.vprr_change, 'look-alikes refused now that round 0 answered']
      : metric === 'helpfulness_drop'
        ? [now.helpfulness_change, 'tasks failed now that round 0 passed']
        : [];
  if (!change) return '';
  const verdict =
    change.p < 0.05 ? 'unlikely to be chance' : 'could be chance: more benchmark items would tell';
  return `: ${change.worse} ${worse}, ${change.better} the other way, of ${change.pairs} decided in both (exact McNemar p = ${shown(change.p, 0.05)}; ${verdict})`;
}

export function evaluateRules(
  rules: Rule[],
  now: RoundMetrics,
  baseline?: RoundMetrics,
  counts: CountsOf = {},
): CriteriaResult {
  const checks = rules.map((r) => checkRule(r, now, baseline, counts));
  return { met: checks.every((c) => c.pass), checks };
}

/** The release criteria on one round's metrics, relative to round 0's, on the estimates or (`upper`)
 * on the upper ends of their 95% intervals, computed from `counts`. */
export function evaluateCriteria(
  criteria: Criteria,
  metrics: RoundMetrics,
  baseline?: RoundMetrics,
  opts: { bound?: CriteriaBound; counts?: CountsOf } = {},
): CriteriaResult {
  return evaluateRules(rulesFromCriteria(criteria, opts.bound), metrics, baseline, opts.counts);
}

function compare(v: number, op: Comparator, t: number): boolean {
  // A hair of tolerance so a stored 0.020000000000000004 does not fail `asr>0.02`.
  const eps = 1e-12;
  switch (op) {
    case '>':
      return v > t + eps;
    case '>=':
      return v >= t - eps;
    case '<':
      return v < t - eps;
    case '<=':
      return v <= t + eps;
  }
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** `v` to 4 decimals, or as many more as it takes not to print the bound it is checked against: at 4,
 * ASR 41/2049 = 0.020010 read "asr = 0.02 (fails when > 0.02)", and McNemar's p = 0.049996 read
 * "p = 0.05; unlikely to be chance". */
export function shown(v: number, bound: number): number {
  let r = v;
  for (let d = 4; d <= 12; d++) {
    r = Math.round(v * 10 ** d) / 10 ** d;
    if (r !== bound || Math.abs(v - bound) <= 1e-12) return r;
  }
  return v;
}

/** A fraction as a percentage, to as many decimals as it takes not to print `bound`'s (2.2%, but
 * 2.004% beside 2%). */
export function percent(v: number, bound?: number): string {
  // A threshold as it was written (2%, 0.5%); a measured end with its decimals kept (6.0%, not a
  // round-looking 6%).
  if (bound === undefined) return `${Number((v * 100).toFixed(10))}%`;
  for (let d = 1; d <= 10; d++) {
    const r = (v * 100).toFixed(d);
    if (Number(r) !== Number((bound * 100).toFixed(d)) || Math.abs(v - bound) <= 1e-12) return `${r}%`;
  }
  return `${v * 100}%`;
}
