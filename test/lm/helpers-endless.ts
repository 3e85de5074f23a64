// A model that never ends its reply, of a chosen size: greedy decoding emits one ordinary byte token
// until maxTokens, so a generation runs as long as the test needs (the cost of a forward pass does not
// depend on the weights' values). Wired by hand: every block's weights are zero (the residual stream
// is the position embedding), every position embedding is one vector u, and the tied output row of
// the emitted token is 10u, every other row zero.
import { createLM, type LM, SPECIAL_TOKENS, saveLM, Tokenizer } from '../../src/lm/index.js';

export const ENDLESS_CHAR = 'h';

export function endlessModel(size: { dModel: number; nLayers: number; contextLength: number }): LM {
  return modelEmitting(ENDLESS_CHAR.charCodeAt(0) + SPECIAL_TOKENS.length, { nHeads: 4, ...size });
}

/** A model wired by hand so that greedy decoding emits token `want` at every step (see above). */
export function modelEmitting(
  want: number,
  size: { dModel: number; nLayers: number; nHeads: number; contextLength: number },
): LM {
  const tok = Tokenizer.train(['hello there', 'general kenobi'], 280);
  const lm = createLM({ vocabSize: tok.vocabSize, ...size }, tok, 1);
  const D = lm.config.dModel;
  const p = lm.params;
  for (const l of p.layers) for (const t of [l.wqkv, l.wo, l.w1, l.w2]) t.data.fill(0);
  p.wte.data.fill(0);
  for (let pos = 0; pos < lm.config.contextLength; pos++)
    for (let d = 0; d < D; d++) p.wpe.data[pos * D + d] = d % 2 ? 0.5 : -0.25;
  for (let d = 0; d < D; d++) p.wte.data[want * D + d] = 10 * p.wpe.data[d];
  return lm;
}

/** endlessModel saved as a checkpoint folder (`embedded:<dir>`). */
export async function saveEndlessModel(
  dir: string,
  size: { dModel: number; nLayers: number; contextLength: number },
): Promise<string> {
  await saveLM(endlessModel(size), dir);
  return dir;
}
