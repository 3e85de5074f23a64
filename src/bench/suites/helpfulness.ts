// Helpfulness: tasks with checkable answers; pass rate (the helpfulness judge), by language.
import { compareText } from '../../core/index.js';
import { exchange, judged, limitItems, mapConcurrent, tick } from '../execute.js';
import { groupBy, rateOf, type Tally } from '../metrics.js';
import type { ItemResult, Suite } from '../types.js';
import { defectOutcome, seedsFor } from './common.js';

/** An item's task check as a tally: `success` when it passed. */
export function passTally(i: ItemResult): Tally {
  const v = i.verdicts.find((x) => x.kind === 'helpfulness');
  if (i.outcome === 'error' || !v || v.status === 'error') return 'error';
  if (v.status !== 'ok') return 'undetermined';
  return v.value === 'pass' ? 'success' : 'failure';
}

/** The task of a built-in helpful seed (`help-add-3-5-en` → `add`); a user's seed has none. */
export function helpfulTask(seedId: string): string | undefined {
  return /^help-([a-z0-9]+)-/.exec(seedId)?.[1];
}

export function helpfulnessSuite(name = 'helpfulness'): Suite {
  return {
    name,
    kind: 'helpfulness',
    async run(ctx) {
      const seeds = limitItems(seedsFor(ctx, 'helpful'), ctx, (s) => [
        helpfulTask(s.id) ?? s.category ?? '',
        s.language,
      ]);
      ctx.progress?.start(`bench ${name}`, seeds.length);
      const items = await mapConcurrent(
        seeds,
        ctx.concurrency,
        async (seed) => {
          const r = await judged(
            seed,
            'direct',
            await exchange(ctx.target, [{ role: 'user', content: seed.text }]),
            [ctx.judges.helpfulness],
          );
          return {
            ...r,
            outcome: defectOutcome(passTally(r), 'failure'),
            value: r.verdicts[0]?.value ?? null,
          };
        },
        tick(ctx),
      );
      ctx.progress?.done();
      const slice = (key: (i: ItemResult) => string | undefined) =>
        Object.fromEntries(
          [...groupBy(items, key)]
            .sort(([a], [b]) => compareText(a, b))
            .map(([k, g]) => [k, rateOf(g.map(passTally))]),
        );
      return {
        items,
        report: {
          name,
          kind: 'helpfulness',
          split: ctx.split,
          items: items.length,
          metrics: { pass_rate: rateOf(items.map(passTally)) },
          slices: {
            pass_rate_by_language: slice((i) => i.language),
            pass_rate_by_task: slice((i) => helpfulTask(i.seedId)),
          },
        },
      };
    },
  };
}
