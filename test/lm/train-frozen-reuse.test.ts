// The SFT trainer computes what frozen weights give for a sequence once and reuses it in every later
// batch (src/lm/frozen-prefix.ts): the trained weights must be bitwise those of recomputing it at
// every step, with sequences of different lengths (different padding from batch to batch), anchor
// examples, an example listed twice, and a vocabulary wide enough for the output layer's packed path.
import { describe, expect, it } from 'vitest';
import { frozenBlocks } from '../../src/lm/frozen-prefix.js';
import {
  type ChatMessage,
  createLM,
  expandBlocks,
  type LM,
  namedParams,
  trainDPO,
  trainSFT,
} from '../../src/lm/index.js';
import { bits, pairs, tok } from './helpers-skip-configs.js';

const conv = ([q, a]: [string, string]): { messages: ChatMessage[] } => ({
  messages: [
    { role: 'user', content: q },
    { role: 'assistant', content: a },
  ],
});

/** Two blocks and one added as block expansion adds it: the embeddings and blocks 0–1 frozen. */
function expanded(): { lm: LM; freeze: string[] } {
  // (a vocabulary over 1,024 rows: the output layer's products take the packed path, as the
  // embedded model's 2,048 do)
  const lm = createLM({ vocabSize: 1100, dModel: 32, nLayers: 2, nHeads: 2, contextLength: 64 }, tok, 7);
  const added = expandBlocks(lm, 1);
  const freeze = namedParams(lm.params)
    .map(([name]) => name)
    .filter((name) => !added.some((a) => name.startsWith(a)));
  return { lm, freeze };
}

describe('SFT reusing what frozen weights compute', () => {
  it('counts the frozen leading blocks: none while the embeddings train, else up to the first trained block', () => {
    const { lm, freeze } = expanded();
    const frozen = (name: string) => freeze.some((f) => name === f || name.startsWith(f));
    expect(frozenBlocks(lm, frozen)).toBe(2);
    expect(frozenBlocks(lm, (name) => frozen(name) && name !== 'wpe')).toBe(0);
    expect(frozenBlocks(lm, (name) => frozen(name) && !name.startsWith('h.1.'))).toBe(1);
    expect(frozenBlocks(lm, () => true)).toBe(3);
  });

  it('trains bitwise the same weights as recomputing them at every step (anchors, padding, an example twice)', async () => {
    const examples = pairs.map((p, i) => ({ ...conv(p), anchor: i % 2 === 0 }));
    // (the same object twice, as a helpful task drawn twice as often is listed)
    examples.push(examples[1], examples[2]);
    const run = async (skipRedundant: boolean) => {
      const { lm, freeze } = expanded();
      const logs = await trainSFT(lm, examples, {
        steps: 12,
        batchSize: 3,
        lr: 5e-3,
        warmupSteps: 2,
        seed: 3,
        freeze,
        anchor: 2,
        validation: [conv(pairs[3])],
        evalEvery: 4,
        skipRedundant,
      });
      return { weights: bits(lm), logs: logs.map(({ tokensPerSec: _, ...l }) => l) };
    };
    const recomputed = await run(false);
    const reused = await run(true);
    // (the fine-tune moved the added block: the comparison is of trained weights)
    const { lm: start } = expanded();
    expect(reused.weights).not.toEqual(bits(start));
    expect(reused.logs).toEqual(recomputed.logs);
    expect(reused.weights).toEqual(recomputed.weights);
  });

  it('without frozen blocks (a full fine-tune) the output layer on the scored rows alone trains the same weights', async () => {
    const examples = pairs.map(conv);
    const run = async (skipRedundant: boolean) => {
      const { lm } = expanded();
      await trainSFT(lm, examples, { steps: 6, batchSize: 3, lr: 5e-3, seed: 4, skipRedundant });
      return bits(lm);
    };
    expect(await run(true)).toEqual(await run(false));
  });

  it('DPO: the reference log-probs and every step bitwise the same as recomputing them', async () => {
    const prefs = pairs.map(([q, a], i) => ({
      prompt: [{ role: 'user' as const, content: q }],
      chosen: a,
      rejected: pairs[(i + 3) % pairs.length][1],
    }));
    const run = async (skipRedundant: boolean) => {
      const { lm, freeze } = expanded();
      const logs = await trainDPO(lm, prefs, {
        steps: 6,
        batchSize: 3,
        lr: 5e-3,
        seed: 5,
        freeze,
        skipRedundant,
      });
      return { weights: bits(lm), logs: logs.map(({ tokensPerSec: _, ...l }) => l) };
    };
    const recomputed = await run(false);
    const reused = await run(true);
    expect(reused.weights).not.toEqual(bits(expanded().lm));
    expect(reused.logs).toEqual(recomputed.logs);
    expect(reused.weights).toEqual(recomputed.weights);
  });
});
