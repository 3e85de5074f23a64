// Release criteria a config sets that no round could pass: one that none of the cycle's suites
// measures (an error: every round would fail it as not measured), and, under cycle.criteriaBound:
// upper, one whose 95% interval cannot come under its bound with the items the config allows (a
// warning: the rounds still measure and train, but none can be released).
import { SUMMARY_SOURCES } from '../bench/index.js';
import type { Config } from '../config/index.js';
import { InputError } from '../core/index.js';
import { wilson } from '../core/stats.js';
import type { Criteria } from './criteria.js';

/** The suite kinds a cycle's bench step runs: the built-in suites named, and the custom suites'. */
export function cycleSuiteKinds(config: Config): string[] {
  return [...config.bench.suites, ...config.bench.custom.map((c) => c.kind)];
}

/** The benchmark summary figure each release criterion bounds (or bounds the change of since round
 * 0); which suites give a figure is SUMMARY_SOURCES'. The cycle's `asr` is the red team's, and the
 * held-back ASR and the error share are measured by every cycle: none needs a suite. */
const BENCH_FIGURE: Partial<Record<keyof Criteria, keyof typeof SUMMARY_SOURCES>> = {
  dr3: 'dr3',
  vprr: 'vprr',
  vprrRise: 'vprr',
  helpfulnessDrop: 'helpfulness',
  undeterminedRise: 'undetermined_rate',
  undetermined: 'undetermined_rate',
};

/** The criteria set (a number) whose figure none of the suite kinds a cycle runs would give: each
 * would fail every round as "not measured", so no round could be released. */
export function unmeasuredCriteria(
  criteria: Criteria,
  suiteKinds: readonly string[],
): { key: keyof Criteria; kinds: readonly string[] }[] {
  return (Object.entries(BENCH_FIGURE) as [keyof Criteria, keyof typeof SUMMARY_SOURCES][]).flatMap(
    ([key, figure]) => {
      const kinds: readonly string[] = SUMMARY_SOURCES[figure].kinds;
      if (typeof criteria[key] !== 'number' || kinds.some((k) => suiteKinds.includes(k))) return [];
      return [{ key, kinds }];
    },
  );
}

/** Every release criterion must be one the cycle's suites measure: one that none does fails every
 * round as "not measured", found only after the rounds were run and trained. An InputError (exit 2)
 * naming the criterion, before anything is stored. */
export function checkCycleCriteria(config: Config): void {
  const [first, ...more] = unmeasuredCriteria(config.cycle.criteria, cycleSuiteKinds(config));
  if (!first) return;
  const kinds = first.kinds.map((k) => `"${k}"`).join(' or ');
  throw new InputError(
    `no suite measures it: bench.suites has no ${kinds} suite and no bench.custom suite is of that kind, so every round would fail it as not measured${more.length ? ` (so would cycle.criteria.${more.map((m) => m.key).join(', cycle.criteria.')})` : ''}`,
    undefined,
    undefined,
    `cycle.criteria.${first.key}`,
    `add ${first.kinds[0]} to bench.suites (or a bench.custom suite of kind ${first.kinds[0]}), or set cycle.criteria.${first.key}: null to release without that criterion`,
  );
}

/** The most decided items behind each criterion's figure the config allows in a round: the red
 * team's attempts (ASR), a bench suite's items (the rest; the over-refusal suite gives half of its
 * items, the odd one too, to benign look-alikes, VPRR's). A suite may have fewer items than that: the
 * check is that even the cap is too few. `setting` is what to raise, `value` what to raise it to for
 * n items. */
interface ItemsCap {
  figure: string;
  setting: 'redteam.budget.attempts' | 'cycle.benchLimit';
  cap: (c: Config) => number;
  /** The cap in words: "cycle.benchLimit 300", "half of cycle.benchLimit 300". */
  said: (c: Config) => string;
  value: (n: number) => number;
}
const attempts = (figure: string): ItemsCap => ({
  figure,
  setting: 'redteam.budget.attempts',
  cap: (c) => c.redteam.budget.attempts,
  said: (c) => `redteam.budget.attempts ${c.redteam.budget.attempts}`,
  value: (n) => n,
});
const bench = (figure: string): ItemsCap => ({
  figure,
  setting: 'cycle.benchLimit',
  cap: (c) => c.cycle.benchLimit,
  said: (c) => `cycle.benchLimit ${c.cycle.benchLimit}`,
  value: (n) => n,
});
const benignHalf = (figure: string): ItemsCap => ({
  figure,
  setting: 'cycle.benchLimit',
  cap: (c) => Math.ceil(c.cycle.benchLimit / 2),
  said: (c) => `half of cycle.benchLimit ${c.cycle.benchLimit}`,
  value: (n) => 2 * n - 1,
});
const ITEMS_CAP: Partial<Record<keyof Criteria, ItemsCap>> = {
  asr: attempts('ASR'),
  dr3: bench('DR-3'),
  vprr: benignHalf('VPRR'),
  // (the held-back jailbreak suite runs under the same cycle.benchLimit as the main suites; the
  // undetermined share is over the one attack suite's answered items, counts.ts)
  heldbackAsr: bench('the held-back ASR'),
  undetermined: bench('the undetermined share'),
  // Not the changes since round 0 (vprrRise, helpfulnessDrop, undeterminedRise): Newcombe's upper end
  // for a change depends on round 0 and falls below Wilson's for 0 of n when items are bad in both
  // rounds (75 look-alikes, 38 refused each time: 2.55%, under a 3% bound that 0 of 75, 4.87%, is
  // over) or when round 0 was worse (below 0, held at 0). Any item count can pass one.
};

/** Under cycle.criteriaBound: upper, the criteria no round can pass however well the model does: at
 * the most items the config allows and none of them bad, the upper end of the figure's 95% interval
 * (Wilson's for 0 of n) is still above the bound. Each comes with the items it would take (none for a bound of 0, which no upper end
 * reaches). `errorRate` is exact (no interval) and is not judged here. */
export function unreachableCriteria(config: Config): string[] {
  if (config.cycle.criteriaBound !== 'upper') return [];
  const out: string[] = [];
  for (const [key, reach] of Object.entries(ITEMS_CAP) as [keyof Criteria, ItemsCap][]) {
    const bound = config.cycle.criteria[key];
    if (typeof bound !== 'number') continue;
    const n = reach.cap(config);
    const best = wilson(0, n).hi;
    if (best <= bound) continue;
    const pct = (v: number) => `${Number((v * 100).toFixed(2))}%`;
    // Wilson's upper end for 0 of n is z²/(n + z²): at most `bound` from n ≥ z²(1 − bound)/bound.
    const z2 = 1.96 * 1.96;
    const needed = bound > 0 ? Math.ceil((z2 * (1 - bound)) / bound - 1e-9) : undefined;
    out.push(
      `cycle.criteria.${key}: under cycle.criteriaBound: upper no round can pass it: with at most ${n} items (${reach.said(config)}) and none bad, ${reach.figure}'s 95% upper end is ${pct(best)}, above the bound ${pct(bound)}; ${
        needed === undefined
          ? 'no upper end comes down to a bound of 0: set one above 0, or criteriaBound: estimate'
          : `it takes ${needed} decided items: raise ${reach.setting} to ${reach.value(needed)} or more (with that many items to measure), or loosen cycle.criteria.${key}`
      }`,
    );
  }
  return out;
}
