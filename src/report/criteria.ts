// CI gates: `--fail-on "asr>0.02,vprr>0.05"` rules, or the run's own release criteria, checked
// against the round the run ships (a cycle's release candidate, else its last measured round) with
// round 0 as the baseline. The rules and their checks are
// the cycle's (src/cycle/criteria.ts, imported directly: it is a leaf module), so a report and the
// cycle that wrote it can never disagree on whether the criteria hold.
import { figuresOfKind } from '../bench/figures.js';
import { InputError, RATE_FIGURES } from '../core/index.js';
import {
  type Criteria,
  type CriterionCheck,
  checkRule,
  DERIVED_METRICS,
  parseRules,
  type RoundMetrics,
  type Rule,
  rulesFromCriteria,
  ruleText,
} from '../cycle/criteria.js';
import { FIGURE_KEYS, type ReportData } from './data.js';

export { rulesFromCriteria, ruleText } from '../cycle/criteria.js';
export type FailRule = Rule;

/** A check of one rule against the gated round. */
export interface CriterionResult extends CriterionCheck {
  metric: string;
  round: number | null;
}

export const KNOWN_METRICS: readonly string[] = [...FIGURE_KEYS, ...DERIVED_METRICS];

/** Parse `asr>0.02, vprr>=0.05, helpfulness<0.8, asr_upper>0.02` (`_upper`, `_lower`: that end of
 * the metric's 95% interval). Bad text is an InputError (exit 2) naming the part. */
export function parseFailOn(text: string): FailRule[] {
  let rules: FailRule[];
  try {
    rules = parseRules(text, KNOWN_METRICS);
  } catch (err) {
    throw new InputError((err as Error).message, undefined, undefined, '--fail-on', example());
  }
  // A threshold no value can cross makes a gate that never fails (or always does): a typo.
  for (const r of rules) {
    const fraction =
      RATE_FIGURES.has(r.metric) ||
      r.metric === 'ungroundedness' ||
      (DERIVED_METRICS as readonly string[]).includes(r.metric);
    if (fraction ? r.threshold < 0 || r.threshold > 1 : r.threshold < 0)
      throw new InputError(
        `the threshold of ${ruleText(r)} is out of range: ${r.metric} is ${fraction ? 'a fraction from 0 to 1 (0%–100%)' : 'a count, never negative'}`,
        undefined,
        undefined,
        '--fail-on',
        example(),
      );
    if (r.bound && !fraction)
      throw new InputError(
        `${ruleText(r)}: ${r.metric} is a count, which has no 95% interval (_${r.bound} names an end of a rate's)`,
        undefined,
        undefined,
        '--fail-on',
        example(),
      );
    // (its intervals are counts' (cycle/counts.ts); a mean's bootstrap has none: the rule could never pass)
    if (r.bound && r.metric === 'ungroundedness')
      throw new InputError(
        `${ruleText(r)}: ungroundedness is a mean of 0–4 scores, not a rate: it has no 95% interval here (_${r.bound} names an end of a rate's)`,
        undefined,
        undefined,
        '--fail-on',
        example(),
      );
  }
  return rules;
}

function example(): string {
  return 'e.g. --fail-on "asr>0.02,vprr>0.05" (rates are fractions; 2% is also accepted), or asr_upper>0.02 to hold the upper end of its 95% interval';
}

/** The release criteria a run was configured with (its stored config's `cycle.criteria`, on the
 * estimates or the upper bounds as its `cycle.criteriaBound` says). */
export function runCriteriaRules(config: unknown): FailRule[] {
  const cycle = (
    config as { cycle?: { criteria?: Record<string, unknown>; criteriaBound?: unknown } } | undefined
  )?.cycle;
  const bound = cycle?.criteriaBound === 'upper' ? 'upper' : 'estimate';
  return cycle?.criteria && typeof cycle.criteria === 'object'
    ? rulesFromCriteria(cycle.criteria as Criteria, bound)
    : [];
}

/** The release the cycle chose (its stored summary's `release`), when it chose one. */
export function releaseOf(data: ReportData): { round: number; criteriaMet: boolean } | undefined {
  if (data.run.kind !== 'cycle') return undefined;
  const release = (data.run.summary as { release?: { round?: unknown; criteria_met?: unknown } } | undefined)
    ?.release;
  return typeof release?.round === 'number'
    ? { round: release.round, criteriaMet: release.criteria_met === true }
    : undefined;
}

/** The round the criteria are checked on: the cycle's release candidate when it named one (what it
 * ships, so that the report and the cycle agree), else the last round that has any figure. */
export function gatedRound(data: ReportData): ReportData['rounds'][number] | undefined {
  const release = releaseOf(data);
  const measured = data.rounds.filter((r) => Object.keys(r.figures).length > 0);
  return (release && measured.find((r) => r.round === release.round)) ?? measured.at(-1);
}

/** The figures a stored suite result was for: runBench stores `{ split, kind, metrics, slices }`,
 * and its kind says which summary figures it feeds. */
function suiteFigures(stored: Record<string, unknown>): string[] {
  return typeof stored.kind === 'string' ? figuresOfKind(stored.kind) : [];
}

/** What a run without rounds set out to measure: each figure it has, and each one its suites or its
 * attempts were for even where nothing could be decided (every item undetermined or in error) — that
 * figure is missing, not irrelevant. */
function attemptedFigures(data: ReportData): Set<string> {
  const out = new Set<string>();
  for (const r of data.rounds) {
    for (const [k, v] of Object.entries(r.figures)) if (typeof v === 'number') out.add(k);
    for (const b of r.bench) for (const k of suiteFigures(b.metrics)) out.add(k);
    if ((r.figures.attempts ?? 0) > 0) for (const k of ['asr', 'error_rate', 'errors']) out.add(k);
  }
  return out;
}

/** The release criteria that apply to a run without rounds (`bench`, plain `redteam`): a release
 * criterion is about a cycle's candidate, so such a run is held only to those on figures it set out to
 * measure and not to the ones relative to round 0 (it has no baseline). A figure it set out to measure
 * but could not (nothing decided) fails its rule. Rules named with --fail-on are not filtered: a rule
 * on a metric nobody measured fails. */
export function applicableCriteria(
  data: ReportData,
  rules: FailRule[],
): { rules: FailRule[]; notApplicable: FailRule[] } {
  if (data.run.kind === 'cycle') return { rules, notApplicable: [] };
  const attempted = attemptedFigures(data);
  const applies = (r: FailRule) =>
    !(DERIVED_METRICS as readonly string[]).includes(r.metric) && attempted.has(r.metric);
  return { rules: rules.filter(applies), notApplicable: rules.filter((r) => !applies(r)) };
}

/** How each kind of run that can be resumed is resumed. */
const RESUME: Record<string, (id: string) => string> = {
  cycle: (id) => `resume it (breakfix cycle --run ${id})`,
  redteam: (id) => `resume it (breakfix redteam --run-id ${id}, same settings)`,
};

/** A run that did not finish (still running, killed, failed) has partial figures at best: no gate
 * passes on it, whatever its rules say. */
function finishedCheck(data: ReportData): CriterionResult | undefined {
  if (data.run.status === 'done') return undefined;
  const stopped =
    data.run.status === 'running' ? 'did not finish (still running, or stopped)' : data.run.status;
  return {
    name: 'finished',
    metric: 'finished',
    rule: 'run finished',
    op: '<',
    threshold: 1,
    value: 0,
    interval: null,
    bound: 'estimate',
    pass: false,
    passes_on_estimate_only: false,
    round: null,
    message: `run ${data.run.id} ${stopped}: its figures are partial; ${RESUME[data.run.kind]?.(data.run.id) ?? 'run it again'}`,
  };
}

export function evaluateRules(data: ReportData, rules: FailRule[]): CriterionResult[] {
  const round = gatedRound(data);
  const base = data.rounds.find((r) => r.round === 0);
  const baseline = base?.figures as RoundMetrics | undefined;
  const counts = { now: round?.counts, baseline: base?.counts };
  const finished = finishedCheck(data);
  return [
    ...(finished ? [finished] : []),
    ...rules.map((r) => {
      // The figures, and the item-level changes since round 0 that a failed rise or drop explains
      // itself with (objects, so not among the figures).
      const now = {
        ...(round?.figures ?? {}),
        vprr_change: round?.rawMetrics.vprr_change,
        helpfulness_change: round?.rawMetrics.helpfulness_change,
      } as RoundMetrics;
      const check = checkRule(r, now, baseline, counts);
      const at = round ? ` in round ${round.round}` : '';
      return {
        ...check,
        metric: r.metric,
        round: round?.round ?? null,
        message: check.value === null ? check.message : check.message.replace(/^(\S+ = \S+)/, `$1${at}`),
      };
    }),
  ];
}
