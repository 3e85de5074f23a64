// The decode attention's weighted sum of the value rows (generate.ts weightedSum) keeps its running
// sums in locals, four columns at a time: it must give bitwise what adding each term into a
// Float32Array gives (the loop it replaced), or generation would change.
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng.js';
import { weightedSum } from '../../src/lm/generate.js';

/** The loop weightedSum replaced: out[at + d] += w[t] * V[…], term by term, on a Float32Array. */
function reference(
  w: Float64Array,
  n: number,
  V: Float32Array,
  from: number,
  stride: number,
  width: number,
  out: Float32Array,
  at: number,
) {
  out.fill(0, at, at + width);
  for (let t = 0; t < n; t++) for (let d = 0; d < width; d++) out[at + d] += w[t] * V[t * stride + from + d];
}

describe('decode attention: weighted sum of value rows', () => {
  it('is bitwise the float32 term-by-term sum, for any count, width, stride and offset', () => {
    const rng = createRng(11);
    for (const [n, width, stride, from] of [
      [1, 32, 128, 0],
      [7, 32, 128, 96],
      [190, 32, 128, 32],
      [64, 30, 96, 3],
      [33, 5, 20, 15],
      [12, 1, 4, 2],
    ]) {
      const w = Float64Array.from({ length: n }, () => rng.next());
      // (softmax weights: sum to 1, as attention's do, and some large values so that rounding bites)
      const total = w.reduce((a, b) => a + b, 0);
      for (let t = 0; t < n; t++) w[t] /= total;
      const V = Float32Array.from(
        { length: n * stride + from + width },
        () => (rng.next() - 0.5) * 2 ** (rng.next() * 20 - 10),
      );
      const got = new Float32Array(width + 9).fill(Number.NaN);
      const want = new Float32Array(width + 9).fill(Number.NaN);
      weightedSum(w, n, V, from, stride, width, got, 4);
      reference(w, n, V, from, stride, width, want, 4);
      expect(Buffer.from(got.buffer).equals(Buffer.from(want.buffer)), `n ${n} width ${width}`).toBe(true);
    }
  });
});
