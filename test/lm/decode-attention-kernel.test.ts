// Decoding's attention runs as a WASM kernel (kernels/assembly/decode.ts) when it loads, else as its
// JavaScript twin (generate.ts attendRows). The two must write the same bits, or a reply would
// depend on which one ran (BREAKFIX_KERNELS=ts, a runtime without the module).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng.js';
import { attendRows, weightedSum } from '../../src/lm/generate.js';
import { loadWasmKernels } from '../../src/lm/index.js';

describe('decode attention kernel', () => {
  it('is bitwise its JavaScript twin: one row or many, any position, head width and scale of values', () => {
    const wasm = loadWasmKernels(0)!;
    expect(wasm.decodeAttention).not.toBeNull();
    const rng = createRng(5);
    let compared = 0;
    // [D, H, rows, first position, value scale]: the shipped model's 128 × 4 heads of 32; heads
    // whose width is not a multiple of 4 (the scalar tails); a prefill of many rows from 0 and one
    // after restored rows; large scores (a peaked softmax) and small ones.
    for (const [D, H, rows, pos0, scale] of [
      [128, 4, 1, 0, 1],
      [128, 4, 1, 57, 1],
      [128, 4, 1, 191, 3],
      [128, 4, 40, 0, 1],
      [128, 4, 33, 100, 0.1],
      [24, 4, 7, 3, 1],
      [10, 2, 5, 0, 8],
      [8, 1, 3, 12, 1],
    ]) {
      const n = pos0 + rows;
      const rand = (len: number) => Float32Array.from({ length: len }, () => (rng.next() * 2 - 1) * scale);
      const qkv = rand(rows * 3 * D);
      const K = rand(n * D);
      const V = rand(n * D);
      const want = new Float32Array(rows * D);
      const got = new Float32Array(rows * D);
      attendRows(qkv, 0, rows, pos0, K, V, want, D, H);
      wasm.decodeAttention!(qkv, 0, rows, pos0, K, V, got, D, H);
      expect(
        Buffer.from(got.buffer).equals(Buffer.from(want.buffer)),
        `D ${D} H ${H} rows ${rows} pos0 ${pos0}`,
      ).toBe(true);
      // Row by row, as decoding calls it, into the same rows of att.
      const each = new Float32Array(rows * D);
      for (let r = 0; r < rows; r++) wasm.decodeAttention!(qkv, r, r + 1, pos0 + r, K, V, each, D, H);
      expect(Buffer.from(each.buffer).equals(Buffer.from(want.buffer)), `row by row, D ${D}`).toBe(true);
      compared += want.length;
    }
    expect(compared).toBeGreaterThan(9_000);
  });

  it('its two parts are bitwise the JavaScript: the float64 q·k sums and their largest, the float32-rounded weighted sum', () => {
    // (The whole attention rounds the scores to float32, which hides most float64 differences: each
    // part is checked on its own here.)
    const WA = (globalThis as unknown as { WebAssembly: typeof WebAssembly }).WebAssembly;
    const memory = new WA.Memory({ initial: 16, maximum: 16384, shared: true });
    const bytes = readFileSync(new URL('../../src/lm/kernels/decode.wasm', import.meta.url));
    const ex = new WA.Instance(new WA.Module(bytes), { env: { memory, abort: () => {} } })
      .exports as unknown as {
      scores: (
        q: number,
        k: number,
        stride: number,
        hd: number,
        n: number,
        sc: number,
        out: number,
      ) => number;
      wsum: (w: number, n: number, v: number, stride: number, width: number, out: number) => void;
    };
    const heap = new Float32Array(memory.buffer);
    const heap64 = new Float64Array(memory.buffer);
    const rng = createRng(9);
    let checked = 0;
    for (const [hd, stride, n] of [
      [32, 128, 1],
      [32, 128, 150],
      [6, 24, 37],
      [4, 4, 9],
      [33, 40, 20],
    ]) {
      for (let trial = 0; trial < 20; trial++) {
        const q = Float32Array.from({ length: hd }, () => rng.next() * 2 - 1);
        const K = Float32Array.from({ length: n * stride }, () => rng.next() * 2 - 1);
        heap.set(q, 0);
        heap.set(K, 1024);
        const sc = 1 / Math.sqrt(hd);
        const max = ex.scores(0, 4096, stride, hd, n, sc, 4096 + n * stride * 4);
        let want = -Infinity;
        for (let t = 0; t < n; t++) {
          const dots = [0, 0, 0, 0];
          for (let d = 0; d < hd; d++) dots[d < hd - (hd % 4) ? d % 4 : 0] += q[d] * K[t * stride + d];
          const dot = (dots[0] + dots[1] + dots[2] + dots[3]) * sc;
          expect(heap[1024 + n * stride + t]).toBe(Math.fround(dot));
          if (dot > want) want = dot;
        }
        expect(max).toBe(want);
        // The weighted sum, against the decode attention's JS one.
        const w = Float64Array.from({ length: n }, () => rng.next() / n);
        const V = Float32Array.from({ length: n * stride }, () => rng.next() * 2 - 1);
        heap64.set(w, 0);
        heap.set(V, 1024);
        ex.wsum(0, n, 4096, stride, hd, 8192 + n * stride * 4);
        const ref = new Float32Array(hd);
        weightedSum(w, n, V, 0, stride, hd, ref, 0);
        const at = 2048 + n * stride;
        expect(Array.from(heap.subarray(at, at + hd))).toEqual(Array.from(ref));
        checked++;
      }
    }
    expect(checked).toBe(100);
  });
});
