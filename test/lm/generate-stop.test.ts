// A reply ends at the first chat-template token the model samples, not only at `<|end|>`: a role
// marker opens a turn the model would forge (special pieces decode to nothing, so the reply would run
// on into the forged turn's text).
import { describe, expect, it } from 'vitest';
import { createLM, generateBatch, type LM, SPECIAL_TOKENS, Tokenizer } from '../../src/lm/index.js';

/** A tiny model wired by hand so that greedy decoding emits `want` first: every block's weights are
 * zero (the residual stream is the position embedding), every position embedding is one vector u,
 * and the tied output row of `want` is 10u, every other row zero. */
function modelEmitting(want: number): LM {
  const tok = Tokenizer.train(['hello there', 'general kenobi'], 280);
  const lm = createLM(
    { vocabSize: tok.vocabSize, dModel: 8, nLayers: 1, nHeads: 2, contextLength: 32 },
    tok,
    1,
  );
  const D = lm.config.dModel;
  const p = lm.params;
  for (const l of p.layers) for (const t of [l.wqkv, l.wo, l.w1, l.w2]) t.data.fill(0);
  p.wte.data.fill(0);
  for (let pos = 0; pos < lm.config.contextLength; pos++)
    for (let d = 0; d < D; d++) p.wpe.data[pos * D + d] = d % 2 ? 0.5 : -0.25;
  for (let d = 0; d < D; d++) p.wte.data[want * D + d] = 10 * p.wpe.data[d];
  return lm;
}

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
