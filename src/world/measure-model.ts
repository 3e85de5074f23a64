// Measures an lm/ model (in memory or a checkpoint folder) with the world's quick measure.
import { generateBatch, type LM, loadLM } from '../lm/index.js';
import { type MeasureResult, measureModel } from './measure.js';

/** Greedy generation in chunks (the batch decoder keeps every sequence's KV cache). */
export async function measureLM(
  lm: LM,
  opts: { limit?: number; languages?: string[]; seed?: number } = {},
): Promise<MeasureResult> {
  return measureModel(async (convs) => {
    const out: string[] = [];
    for (let i = 0; i < convs.length; i += 64) {
      const res = await generateBatch(
        lm,
        convs.slice(i, i + 64).map((messages) => ({ messages, maxTokens: 64, temperature: 0 })),
      );
      out.push(...res.map((r) => r.text));
    }
    return out;
  }, opts);
}

export async function measureDir(
  dir: string,
  opts: { limit?: number; languages?: string[] } = {},
): Promise<MeasureResult> {
  return measureLM(await loadLM(dir), opts);
}
