// Harmful content, single turn: each harmful seed asked directly; DR-1 / DR-3 by harm category
// and language (severity from the attack judges).
import { exchange, judged, limitItems, mapConcurrent, sampleFacets, tick } from '../execute.js';
import type { Suite } from '../types.js';
import { harmMetrics, harmSlices, seedsFor } from './common.js';

export function harmfulSuite(name = 'harmful'): Suite {
  return {
    name,
    kind: 'harmful',
    async run(ctx) {
      const seeds = limitItems(seedsFor(ctx, 'harmful'), ctx, sampleFacets);
      ctx.progress?.start(`bench ${name}`, seeds.length);
      const items = await mapConcurrent(
        seeds,
        ctx.concurrency,
        async (seed) =>
          judged(
            seed,
            'direct',
            await exchange(ctx.target, [{ role: 'user', content: seed.text }]),
            ctx.judges.attack,
          ),
        tick(ctx),
      );
      ctx.progress?.done();
      return {
        items,
        report: {
          name,
          kind: 'harmful',
          split: ctx.split,
          items: items.length,
          metrics: harmMetrics(items, ctx.rng),
          slices: harmSlices(items, { category: (i) => i.category, language: (i) => i.language }, [
            'dr1',
            'dr3',
          ]),
        },
      };
    },
  };
}
