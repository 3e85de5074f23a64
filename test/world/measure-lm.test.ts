// measureLM generates in chunks (the batch decoder keeps every sequence's KV cache); every
// conversation past the first chunk must still get its own reply, in order.
import { describe, expect, it } from 'vitest';
import { selectSeeds } from '../../src/break/seeds/index.js';
import type { Progress } from '../../src/core/index.js';
import { createLM, generateBatch, Tokenizer } from '../../src/lm/index.js';
import { measureLM, measureModel } from '../../src/world/index.js';

describe('measureLM', () => {
  it('replies to every conversation, past the first chunk too, as one batch would', async () => {
    const corpus = selectSeeds({ language: 'en' }).map((s) => s.text);
    const tok = Tokenizer.train(corpus, 300);
    const lm = createLM(
      { vocabSize: tok.vocabSize, dModel: 16, nLayers: 1, nHeads: 2, contextLength: 96 },
      tok,
      3,
    );
    let total = 0;
    let ticked = 0;
    const progress: Progress = {
      start: (_label, n) => {
        total = n;
      },
      tick: (n = 1) => {
        ticked += n;
      },
      done: () => {},
      log: () => {},
    };
    // 20 seeds of each kind: 80 conversations, more than one chunk of 64
    const opts = { limit: 20, languages: ['en'] };
    const chunked = await measureLM(lm, { ...opts, progress });
    expect(total).toBe(80);
    expect(ticked).toBe(80);
    const whole = await measureModel(async (convs) => {
      const res = await generateBatch(
        lm,
        convs.map((messages) => ({ messages, maxTokens: 64, temperature: 0 })),
      );
      return res.map((r) => r.text);
    }, opts);
    expect(chunked.samples).toEqual(whole.samples);
  });
});
