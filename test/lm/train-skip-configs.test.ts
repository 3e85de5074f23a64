// skipRedundant (frozen-prefix.ts, pickRows) against recomputing everything, on the WASM kernels: the
// table of training configurations (helpers-skip-configs.ts), rows that must not depend on their
// batch, and the caches' bound.
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng.js';
import { makeBatch } from '../../src/lm/batch.js';
import { FrozenPrefix, FrozenScores } from '../../src/lm/frozen-prefix.js';
import { createLM, loadWasmKernels } from '../../src/lm/index.js';
import { kernelBackend } from '../../src/lm/kernels/index.js';
import { blocks, embed } from '../../src/lm/model.js';
import { BASE, describeSkipConfigs, tok } from './helpers-skip-configs.js';

it('runs on the WASM kernels', () => {
  expect(kernelBackend).toBe('wasm');
});

describeSkipConfigs('WASM kernels');

// A row computed in one batch is reused in another: every op must give an element the same value
// wherever it sits. The GELU kernels' scalar tails (the last n mod 4 elements) rounded differently
// from their 4-lane body, so with a feed-forward width that is no multiple of 4 (a checkpoint's
// intermediate_size) a row's activations depended on the size of the batch it was computed in.
describe("a row's value does not depend on the batch that computed it", () => {
  it('GELU forward and backward: the same element gives the same bits in the 4-lane body and in the tail', () => {
    const k = loadWasmKernels(0)!;
    const rng = createRng(9);
    // (values of a trained model's pre-activations: the two roundings part above |x| ≈ 0.3)
    const xs = Array.from({ length: 4000 }, () => (rng.next() - 0.5) * 8);
    const lanes = (v: number, g: number) => {
      // v in lanes 0..3 (the body) and at 4 (the tail of a 5-element array)
      const x = new Float32Array(5).fill(v);
      const [o, t, gx] = [new Float32Array(5), new Float32Array(5), new Float32Array(5)];
      k.geluRows(x, o, t, 5);
      k.geluBackward(x, t, new Float32Array(5).fill(g), gx, 5, false);
      return [o[0] === o[4], t[0] === t[4], gx[0] === gx[4]];
    };
    const differing = xs.filter((v) => lanes(v, 0.7 - v / 9).some((same) => !same));
    expect(differing).toEqual([]);
  });

  it('FrozenPrefix: rows computed one sequence at a time equal those computed in a batch (feed-forward width 66)', () => {
    const lm = createLM({ ...BASE, vocabSize: 300, dFF: 66 }, tok, 3);
    // (pre-activations the size a trained model's are)
    for (const l of lm.params.layers) for (let i = 0; i < l.w1.size; i++) l.w1.data[i] *= 40;
    const rng = createRng(5);
    const items = Array.from({ length: 300 }, () => {
      const n = 3 + Math.floor(rng.next() * 40);
      return { ids: Array.from({ length: n }, () => Math.floor(rng.next() * 300)), mask: Array(n).fill(1) };
    });
    const prefix = new FrozenPrefix(lm, 2);
    // Each sequence alone first (as a step whose batch holds one new sequence does): its last row's
    // last elements are then the GELU kernel's tail.
    for (const e of items) prefix.stream([e], e.ids.length - 1);
    const D = BASE.dModel;
    const differing: number[] = [];
    for (let i = 0; i < items.length; i += 4) {
      const chunk = items.slice(i, i + 4);
      const b = makeBatch(chunk);
      const want = blocks(lm, embed(lm, b.inputs, b.B, b.T), b.B, b.T, 0, 2).data;
      const got = prefix.stream(chunk, b.T).data;
      chunk.forEach((e, j) => {
        const rows = [j * b.T * D, (j * b.T + e.ids.length - 1) * D];
        if (!got.subarray(...rows).every((v, r) => Object.is(v, want[rows[0] + r]))) differing.push(i + j);
      });
    }
    expect(differing).toEqual([]);
  });
});

// The caches grow with the data set (a row of 128 floats per token: about 63 MB of prefix rows on the
// default cycle's round-0 data, ten times that on ten times the data); past a bound they keep no more
// and compute the rest for each batch, with the same bits.
describe('the caches of skipRedundant keep at most their bound', () => {
  const lm = createLM({ ...BASE, vocabSize: 300 }, tok, 4);
  const rng = createRng(8);
  const items = Array.from({ length: 40 }, () => {
    const n = 3 + Math.floor(rng.next() * 30);
    return {
      ids: Array.from({ length: n }, () => Math.floor(rng.next() * 300)),
      mask: Array.from({ length: n }, (_, i) => (i > n / 2 ? 1 : 0)),
    };
  });
  const batches = Array.from({ length: 30 }, () =>
    Array.from({ length: 4 }, () => items[Math.floor(rng.next() * 40)]),
  );
  const bound = 20_000;
  const hex = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');

  it('FrozenPrefix: the same stream as with room for every sequence, and no more than its bound kept', () => {
    const [all, bounded] = [new FrozenPrefix(lm, 2), new FrozenPrefix(lm, 2, bound)];
    for (const b of batches) {
      const T = Math.max(...b.map((e) => e.ids.length - 1));
      expect(hex(bounded.stream(b, T).data)).toBe(hex(all.stream(b, T).data));
    }
    expect(all.cache.bytes).toBeGreaterThan(bound);
    expect(bounded.cache.bytes).toBeGreaterThan(0);
    expect(bounded.cache.bytes).toBeLessThanOrEqual(bound);
  });

  it('FrozenScores: the same logits as with room for every sequence, and no more than its bound kept', () => {
    const [all, bounded] = [new FrozenScores(lm), new FrozenScores(lm, bound / 4)];
    for (const b of batches) expect(hex(bounded.logits(b).data)).toBe(hex(all.logits(b).data));
    expect(all.cache.bytes).toBeGreaterThan(bound / 4);
    expect(bounded.cache.bytes).toBeGreaterThan(0);
    expect(bounded.cache.bytes).toBeLessThanOrEqual(bound / 4);
  });
});
