// CI gates: `--fail-on "asr>0.02,vprr>0.05"` rules checked against the run's last measured round.
// A rule whose metric was not measured fails: a gate must never pass on a number nobody produced.
import { InputError } from '../core/index.js';
import { FIGURE_KEYS, type ReportData, type RoundFigures } from './data.js';

export type Comparator = '>' | '>=' | '<' | '<=';

/** Fail when `metric op threshold` holds. */
export interface FailRule {
  metric: string;
  op: Comparator;
  threshold: number;
}

export interface CriterionResult {
  /** Rule text, e.g. `asr>0.02`. */
  rule: string;
  metric: string;
  op: Comparator;
  threshold: number;
  value: number | null;
  round: number | null;
  pass: boolean;
  message: string;
}

/** `helpfulness_drop` = how far helpfulness fell since round 0 (never negative). */
export const DERIVED_METRICS = ['helpfulness_drop'] as const;
export const KNOWN_METRICS: readonly string[] = [...FIGURE_KEYS, ...DERIVED_METRICS];

/** Parse `asr>0.02, vprr>=0.05, helpfulness<0.8`. Bad text is an InputError (exit 2) naming the part. */
export function parseFailOn(text: string): FailRule[] {
  const parts = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!parts.length) throw new InputError('no criteria given', undefined, undefined, '--fail-on', example());
  return parts.map((part) => {
    const m = /^([a-z_][a-z0-9_]*)\s*(>=|<=|>|<)\s*(-?(?:\d+\.?\d*|\.\d+))(%?)$/i.exec(part);
    if (!m)
      throw new InputError(
        `cannot read criterion "${part}": expected METRIC>NUMBER (or >=, <, <=)`,
        undefined,
        undefined,
        '--fail-on',
        example(),
      );
    const metric = m[1].toLowerCase();
    if (!KNOWN_METRICS.includes(metric))
      throw new InputError(
        `unknown metric "${m[1]}" in criterion "${part}"; known: ${KNOWN_METRICS.join(', ')}`,
        undefined,
        undefined,
        '--fail-on',
        example(),
      );
    const threshold = Number(m[3]) / (m[4] ? 100 : 1);
    return { metric, op: m[2] as Comparator, threshold };
  });
}

function example(): string {
  return 'e.g. --fail-on "asr>0.02,vprr>0.05" (rates are fractions; 2% is also accepted)';
}

/** The config's release criteria (`cycle.criteria`, pass-when ≤) as fail-when rules. */
export function rulesFromCriteria(criteria: {
  asr?: number;
  dr3?: number;
  vprr?: number;
  helpfulnessDrop?: number;
  heldbackAsr?: number;
}): FailRule[] {
  const rules: FailRule[] = [];
  const add = (metric: string, t: number | undefined) => {
    if (t !== undefined) rules.push({ metric, op: '>', threshold: t });
  };
  add('asr', criteria.asr);
  add('dr3', criteria.dr3);
  add('vprr', criteria.vprr);
  add('helpfulness_drop', criteria.helpfulnessDrop);
  add('heldback_asr', criteria.heldbackAsr);
  return rules;
}

export function ruleText(r: FailRule): string {
  return `${r.metric}${r.op}${r.threshold}`;
}

/** The last round that has any figure: what a release would ship. */
export function gatedRound(data: ReportData): ReportData['rounds'][number] | undefined {
  return [...data.rounds].reverse().find((r) => Object.keys(r.figures).length > 0);
}

export function metricValue(
  data: ReportData,
  metric: string,
): { value: number | null; round: number | null } {
  const round = gatedRound(data);
  if (!round) return { value: null, round: null };
  if (metric === 'helpfulness_drop') {
    const base = data.rounds[0]?.figures.helpfulness;
    const now = round.figures.helpfulness;
    return {
      value: base !== undefined && now !== undefined ? Math.max(0, base - now) : null,
      round: round.round,
    };
  }
  const v = round.figures[metric as keyof RoundFigures];
  return { value: v ?? null, round: round.round };
}

export function evaluateRules(data: ReportData, rules: FailRule[]): CriterionResult[] {
  return rules.map((r) => {
    const { value, round } = metricValue(data, r.metric);
    const rule = ruleText(r);
    if (value === null)
      return { rule, ...r, value, round, pass: false, message: `${r.metric} was not measured` };
    const fails = compare(value, r.op, r.threshold);
    return {
      rule,
      ...r,
      value,
      round,
      pass: !fails,
      message: fails
        ? `${r.metric} = ${round4(value)} in round ${round} (fails when ${r.op} ${r.threshold})`
        : `${r.metric} = ${round4(value)} in round ${round} (ok)`,
    };
  });
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

function round4(v: number): number {
  return Math.round(v * 10000) / 10000;
}
