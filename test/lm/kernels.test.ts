// The WASM SIMD kernels (threaded) agree with the pure TypeScript reference, for every layout,
// shapes that are not multiples of the register tile, accumulate on and off, and pinned operands.
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng.js';
import { loadWasmKernels, tsKernels } from '../../src/lm/index.js';

const rng = createRng(3);
const rand = (n: number) => Float32Array.from({ length: n }, () => rng.next() * 2 - 1);
const maxDiff = (a: Float32Array, b: Float32Array) =>
  a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

describe('matmul kernels', () => {
  const wasm = loadWasmKernels(1);
  it('the WASM module loads', () => {
    expect(wasm).not.toBeNull();
  });
  const shapes: [number, number, number][] = [
    [1, 7, 13],
    [5, 9, 17],
    [3, 64, 200],
    [37, 33, 70],
    [128, 96, 64],
  ];
  for (const op of ['matmulNN', 'matmulNT', 'matmulTN'] as const) {
    it(`${op} agrees with TypeScript`, async () => {
      // Give the worker a moment to start so the threaded path is exercised as well.
      await new Promise((r) => setTimeout(r, 100));
      for (const [M, K, N] of shapes) {
        for (const acc of [false, true]) {
          const a = rand(M * K);
          const b = rand(K * N);
          const c1 = rand(M * N);
          const c2 = new Float32Array(c1);
          wasm![op](a, b, c1, M, K, N, acc);
          tsKernels[op](a, b, c2, M, K, N, acc);
          expect(maxDiff(c1, c2)).toBeLessThan(1e-4 * Math.sqrt(K));
        }
      }
    });
  }
  it('softmaxRows (SIMD exp) agrees with TypeScript, plain and causal with a scale', () => {
    const [n, V] = [7, 37];
    const x = Float32Array.from(rand(n * V), (v) => v * 30);
    for (const [scale, causal, off] of [
      [1, false, 0],
      [0.25, true, 0],
      [2, true, 3],
    ] as const) {
      const p1 = new Float32Array(n * V);
      const p2 = new Float32Array(n * V);
      const l1 = new Float32Array(n);
      const l2 = new Float32Array(n);
      wasm!.softmaxRows(x, p1, l1, n, V, scale, causal, off);
      tsKernels.softmaxRows(x, p2, l2, n, V, scale, causal, off);
      expect(maxDiff(p1, p2)).toBeLessThan(1e-5);
      expect(maxDiff(l1, l2)).toBeLessThan(1e-4);
      if (causal) expect(p1[V - 1]).toBe(0);
    }
  });

  it('geluRows (SIMD exp) agrees with TypeScript, including saturated inputs', () => {
    const n = 203;
    const x = Float32Array.from(rand(n), (v, i) => (i < 4 ? [-200, 200, -9, 9][i] : v * 6));
    const [o1, o2, t1, t2] = [0, 0, 0, 0].map(() => new Float32Array(n));
    wasm!.geluRows(x, o1, t1, n);
    tsKernels.geluRows(x, o2, t2, n);
    expect(maxDiff(o1, o2)).toBeLessThan(1e-5 * 200);
    expect(maxDiff(t1, t2)).toBeLessThan(1e-5);
    expect(o1[0]).toBeCloseTo(0, 5);
    expect(o1[1]).toBeCloseTo(200, 3);
  });

  it('pinned operands give the same product and stay correct after unpinning', () => {
    const [M, K, N] = [6, 40, 24];
    const a = rand(M * K);
    const b = rand(K * N);
    const ref = new Float32Array(M * N);
    tsKernels.matmulNN(a, b, ref, M, K, N);
    const c = new Float32Array(M * N);
    wasm!.pin([b]);
    wasm!.matmulNN(a, b, c, M, K, N);
    expect(maxDiff(c, ref)).toBeLessThan(1e-4);
    wasm!.unpin([b]);
    c.fill(0);
    wasm!.matmulNN(a, b, c, M, K, N);
    expect(maxDiff(c, ref)).toBeLessThan(1e-4);
  });
});
