// A reply ends at the first chat-template token the model samples, not only at `<|end|>`: a role
// marker opens a turn the model would forge (special pieces decode to nothing, so the reply would run
// on into the forged turn's text).
import { describe, expect, it } from 'vitest';
import { generateBatch, type LM, SPECIAL_TOKENS } from '../../src/lm/index.js';
import { modelEmitting as modelEmittingAt } from './helpers-endless.js';

/** A tiny model that greedy decoding makes emit `want` first (helpers-endless.ts). */
const modelEmitting = (want: number): LM =>
  modelEmittingAt(want, { dModel: 8, nLayers: 1, nHeads: 2, contextLength: 32 });

describe('generation stops at chat-template tokens', () => {
  for (const marker of ['<|user|>', '<|system|>', '<|assistant|>', '<|end|>', '<|pad|>'] as const) {
    it(`${marker} ends the reply (finish: stop), and is not counted as a reply token`, async () => {
      const lm = modelEmitting(SPECIAL_TOKENS.indexOf(marker));
      const [r] = await generateBatch(lm, [
        { messages: [{ role: 'user', content: 'hello' }], maxTokens: 12 },
      ]);
      expect(r).toMatchObject({ text: '', finishReason: 'stop', completionTokens: 0 });
    });
  }

  it('an ordinary token does not end the reply (the wiring above is what decides)', async () => {
    const byte = 'h'.charCodeAt(0) + SPECIAL_TOKENS.length;
    const lm = modelEmitting(byte);
    const [r] = await generateBatch(lm, [{ messages: [{ role: 'user', content: 'hello' }], maxTokens: 12 }]);
    expect(r.finishReason).toBe('length');
    expect(r.text).toBe('h'.repeat(12));
  });
});
