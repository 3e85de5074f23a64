// The options that decide how far a fine-tune goes: the learning rate each step takes (warmup, then
// cosine decay to a tenth), how many steps `epochs` makes, and gradient clipping. Each read off a
// real run of a tiny model against values computed by hand.
import { describe, expect, it } from 'vitest';
import {
  type ChatMessage,
  createLM,
  type LM,
  namedParams,
  Tokenizer,
  type TrainParams,
  trainDPO,
  trainSFT,
} from '../../src/lm/index.js';

const qa: [string, string][] = [
  ['capital of france?', 'paris is the capital.'],
  ['two plus two?', 'four, of course.'],
  ['colour of the sky?', 'the sky is blue.'],
];
const convs = qa.map(([q, a]) => ({
  messages: [
    { role: 'user', content: q },
    { role: 'assistant', content: a },
  ] as ChatMessage[],
}));
const prefs = qa.map(([q, a], i) => ({
  prompt: [{ role: 'user' as const, content: q }],
  chosen: a,
  rejected: qa[(i + 1) % qa.length][1],
}));
const tok = Tokenizer.train(qa.flat(), 300);
const tiny = (): LM =>
  createLM({ vocabSize: tok.vocabSize, dModel: 16, nLayers: 1, nHeads: 2, contextLength: 48 }, tok, 3);

/** Both trainers on the same options. */
const both = (p: TrainParams) => [
  () => trainSFT(tiny(), convs, p),
  () => trainDPO(tiny(), prefs, { beta: 0.1, ...p }),
];

describe('learning-rate schedule', () => {
  it('warms up linearly over warmupSteps, then decays on a cosine towards a tenth of lr', async () => {
    // 6 steps, 2 of warmup, lr 1: lr·(s+1)/2 while s < 2, then lr·(0.1 + 0.45·(1 + cos(π·(s−2)/4))).
    const expected = [0.5, 1, 1, 0.1 + 0.45 * (1 + Math.SQRT1_2), 0.55, 0.1 + 0.45 * (1 - Math.SQRT1_2)];
    expect(expected[3]).toBeCloseTo(0.868198, 6);
    expect(expected[5]).toBeCloseTo(0.231802, 6);
    for (const run of both({ steps: 6, warmupSteps: 2, batchSize: 2, lr: 1, seed: 1 })) {
      const lrs = (await run()).map((l) => l.lr);
      expect(lrs).toHaveLength(6);
      lrs.forEach((lr, s) => {
        expect(lr, `step ${s + 1}`).toBeCloseTo(expected[s], 12);
      });
    }
  });

  it('scales with lr, and without warmupSteps warms up over a tenth of the steps', async () => {
    // 20 steps: 2 of warmup (a tenth), lr 0.01: 0.005, 0.01, then the cosine from 0.01.
    for (const run of both({ steps: 20, batchSize: 3, lr: 0.01, seed: 1 })) {
      const lrs = (await run()).map((l) => l.lr);
      expect(lrs[0]).toBeCloseTo(0.005, 12);
      expect(lrs[1]).toBeCloseTo(0.01, 12);
      expect(lrs[2]).toBeCloseTo(0.01, 12);
      expect(lrs[19]).toBeCloseTo(0.01 * (0.1 + 0.45 * (1 + Math.cos((Math.PI * 17) / 18))), 12);
    }
  });
});

describe('epochs', () => {
  it('without steps, trains ceil(epochs · examples / (batchSize · accumSteps)) steps', async () => {
    // 3 examples: 2 epochs of batches of 2 are ceil(6/2) = 3 steps; 3 epochs of 1 are 9.
    expect(await trainSFT(tiny(), convs, { epochs: 2, batchSize: 2, lr: 1e-3, seed: 1 })).toHaveLength(3);
    expect(await trainDPO(tiny(), prefs, { epochs: 3, batchSize: 1, lr: 1e-3, seed: 1 })).toHaveLength(9);
    // With accumulation, 2 batches of 1 a step: ceil(2·3/2) = 3.
    expect(
      await trainSFT(tiny(), convs, { epochs: 2, batchSize: 1, accumSteps: 2, lr: 1e-3, seed: 1 }),
    ).toHaveLength(3);
  });
});

describe('gradient clipping', () => {
  const moved = (before: LM, after: LM) => {
    const was = new Map(namedParams(before.params));
    let most = 0;
    for (const [name, t] of namedParams(after.params))
      t.data.forEach((x, i) => {
        most = Math.max(most, Math.abs(x - was.get(name)!.data[i]));
      });
    return most;
  };

  it('scales the gradient to norm gradClip: clipped to 1e-12, Adam (eps 1e-8) barely moves a weight', async () => {
    // Clipped, every gradient element is at most 1e-12, so Adam's step m̂/(√v̂ + 1e-8) is at most
    // 1e-4 of lr: 3 steps of lr 0.01 move a weight by 3e-6 at most. Unclipped (gradClip 0), Adam's
    // first step moves every weight with a gradient by about lr.
    const p = { steps: 3, batchSize: 3, lr: 0.01, seed: 1, weightDecay: 0 };
    for (const [name, train] of [
      ['sft', (lm: LM, gradClip: number) => trainSFT(lm, convs, { ...p, gradClip })],
      ['dpo', (lm: LM, gradClip: number) => trainDPO(lm, prefs, { ...p, gradClip })],
    ] as const) {
      const clipped = tiny();
      await train(clipped, 1e-12);
      expect(moved(tiny(), clipped), name).toBeLessThan(1e-5);
      const free = tiny();
      await train(free, 0);
      expect(moved(tiny(), free), name).toBeGreaterThan(1e-3);
    }
  });
});
