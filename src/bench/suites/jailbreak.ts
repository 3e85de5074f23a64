// Jailbreak: templates × harmful seeds. Each seed is wrapped in `perSeed` templates of the split
// (chosen deterministically from the run's rng); ASR and DR-x, sliced by template family,
// template, category and language.

import { builtinTemplates, renderTemplate } from '../../break/templates/index.js';
import type { Template } from '../../core/index.js';
import { exchange, judged, limitItems, mapConcurrent, sampleFacets, splitsOf, tick } from '../execute.js';
import type { Suite } from '../types.js';
import { harmMetrics, harmSlices, seedsFor } from './common.js';

export function jailbreakSuite(
  name = 'jailbreak',
  opts: { perSeed?: number; templates?: Template[] } = {},
): Suite {
  return {
    name,
    kind: 'jailbreak',
    async run(ctx) {
      const splits = splitsOf(ctx.split);
      const pool = (opts.templates ?? builtinTemplates()).filter(
        (t) => t.split === undefined || splits.includes(t.split),
      );
      if (pool.length === 0) throw new Error(`no jailbreak templates in split ${ctx.split}`);
      const rng = ctx.rng.fork(`suite:${name}`);
      const perSeed = Math.min(opts.perSeed ?? 2, pool.length);
      const pairs = seedsFor(ctx, 'harmful').flatMap((seed) =>
        rng
          .shuffle([...pool])
          .slice(0, perSeed)
          .map((t) => ({ seed, t })),
      );
      const work = limitItems(pairs, ctx, (p) => sampleFacets(p.seed));
      ctx.progress?.start(`bench ${name}`, work.length);
      const items = await mapConcurrent(
        work,
        ctx.concurrency,
        async ({ seed, t }) => {
          const messages = renderTemplate(t, seed.text, { rng: rng.fork(`${seed.id}:${t.id}`) });
          return judged(seed, t.id, await exchange(ctx.target, messages), ctx.judges.attack, {
            shape: t.family,
          });
        },
        tick(ctx),
      );
      ctx.progress?.done();
      return {
        items,
        report: {
          name,
          kind: 'jailbreak',
          split: ctx.split,
          items: items.length,
          metrics: harmMetrics(items, ctx.rng),
          slices: harmSlices(
            items,
            {
              family: (i) => i.shape,
              template: (i) => i.technique,
              category: (i) => i.category,
              language: (i) => i.language,
            },
            ['asr'],
          ),
        },
      };
    },
  };
}
