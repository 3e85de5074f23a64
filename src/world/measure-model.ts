// Measures an lm/ model (in memory or a checkpoint folder) with the world's quick measure.
import type { Progress } from '../core/index.js';
import { generateBatch, type LM, loadLM } from '../lm/index.js';
import { type MeasureResult, measureModel } from './measure.js';

/** Greedy generation in chunks (the batch decoder keeps every sequence's KV cache). */
export async function measureLM(
  lm: LM,
  opts: MeasureOptions & { seed?: number } = {},
): Promise<MeasureResult> {
  return measureModel(async (convs) => {
    const out: string[] = [];
    opts.progress?.start('measure: generating replies', convs.length);
    for (let i = 0; i < convs.length; i += 64) {
      const res = await generateBatch(
        lm,
        convs.slice(i, i + 64).map((messages) => ({ messages, maxTokens: 64, temperature: 0 })),
      );
      out.push(...res.map((r) => r.text));
      opts.progress?.tick(res.length);
    }
    opts.progress?.done();
    return out;
  }, opts);
}

export interface MeasureOptions {
  limit?: number;
  languages?: string[];
  /** Told of the replies as each batch of them is generated (the whole measure is tens of seconds). */
  progress?: Progress;
}

export async function measureDir(dir: string, opts: MeasureOptions = {}): Promise<MeasureResult> {
  return measureLM(await loadLM(dir), opts);
}
