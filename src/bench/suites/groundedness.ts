// Ungroundedness: summarisation and QA over provided documents; mean score 0 (grounded) … 4
// (ungrounded) with a bootstrap interval, and the share of answers scored ≥ 2.
import type { Seed } from '../../core/index.js';
import { groundingDocs } from '../data/grounding.js';
import { exchange, judged, limitItems, mapConcurrent, splitsOf, tick } from '../execute.js';
import { groupBy, mean, rateOf, type Tally } from '../metrics.js';
import type { ItemResult, Suite } from '../types.js';
import { defectOutcome } from './common.js';

type GroundedSeed = Seed & { grounding?: string };

function tasks(splits: string[]): { seed: GroundedSeed; task: 'qa' | 'summary' }[] {
  return groundingDocs()
    .filter((d) => splits.includes(d.split))
    .flatMap((d) => [
      {
        seed: {
          id: `${d.id}-qa`,
          kind: 'helpful' as const,
          text: `Answer using only the document below.\n\nDocument:\n${d.document}\n\nQuestion: ${d.question}`,
          language: 'en',
          source: 'builtin',
          split: d.split,
          grounding: d.document,
        },
        task: 'qa' as const,
      },
      {
        seed: {
          id: `${d.id}-sum`,
          kind: 'helpful' as const,
          text: `Summarise the document below in one or two sentences, using only what it says.\n\nDocument:\n${d.document}`,
          language: 'en',
          source: 'builtin',
          split: d.split,
          grounding: d.document,
        },
        task: 'summary' as const,
      },
    ]);
}

/** A custom item as the model is asked it: with its grounding document, as the built-in tasks are
 * (a dataset of `question` + `document` columns asked the question alone would measure how well
 * the model guesses a document it never saw). A text that already holds the document is asked as is. */
export function withDocument(seed: GroundedSeed): GroundedSeed {
  const doc = seed.grounding?.trim();
  if (!doc || seed.text.includes(doc)) return seed;
  return { ...seed, text: `Use only the document below.\n\nDocument:\n${doc}\n\n${seed.text}` };
}

function scoreOf(i: ItemResult): number | undefined {
  const v = i.verdicts.find((x) => x.kind === 'groundedness');
  return v?.status === 'ok' && typeof v.value === 'number' ? v.value : undefined;
}

function status(i: ItemResult): 'ok' | 'error' | 'undetermined' {
  const v = i.verdicts.find((x) => x.kind === 'groundedness');
  if (i.outcome === 'error' || !v || v.status === 'error') return 'error';
  return v.status === 'ok' ? 'ok' : 'undetermined';
}

/** An item as ungrounded_rate counts it: `success` when the answer scored ≥ 2 (ungrounded). */
function ungroundedTally(i: ItemResult): Tally {
  const st = status(i);
  return st !== 'ok' ? st : (scoreOf(i) as number) >= 2 ? 'success' : 'failure';
}

export function groundednessSuite(name = 'groundedness'): Suite {
  return {
    name,
    kind: 'groundedness',
    async run(ctx) {
      const work: { seed: GroundedSeed; task: string }[] = ctx.seeds
        ? ctx.seeds.map((seed) => ({ seed: withDocument(seed), task: 'custom' }))
        : tasks(splitsOf(ctx.split));
      const picked = limitItems(work, ctx, (w) => [w.task, w.seed.language]);
      ctx.progress?.start(`bench ${name}`, picked.length);
      const items = await mapConcurrent(
        picked,
        ctx.concurrency,
        async ({ seed, task }) => {
          const r = await judged(
            seed,
            task,
            await exchange(ctx.target, [{ role: 'user', content: seed.text }]),
            [ctx.judges.groundedness],
            { shape: task },
          );
          return {
            ...r,
            outcome: defectOutcome(ungroundedTally(r), 'success'),
            value: r.verdicts[0]?.value ?? null,
          };
        },
        tick(ctx),
      );
      ctx.progress?.done();
      const summarise = (xs: ItemResult[]) => {
        const scores = xs.map(scoreOf).filter((s): s is number => s !== undefined);
        return mean(
          scores,
          ctx.rng.fork(`${name}:mean`),
          [0, 4],
          xs.filter((i) => status(i) === 'error').length,
          xs.filter((i) => status(i) === 'undetermined').length,
        );
      };
      return {
        items,
        report: {
          name,
          kind: 'groundedness',
          split: ctx.split,
          items: items.length,
          metrics: { ungroundedness: summarise(items), ungrounded_rate: rateOf(items.map(ungroundedTally)) },
          slices: {
            ungroundedness_by_task: Object.fromEntries(
              [...groupBy(items, (i) => i.shape)].map(([k, g]) => [k, summarise(g)]),
            ),
          },
        },
      };
    },
  };
}
