// Finite-difference gradient checks: every op's explicit backward against central differences of
// a random linear read-out of its output (L = Σ out·r, so dL/dout = r).
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng.js';
import {
  add,
  causalAttention,
  crossEntropy,
  embedding,
  gelu,
  logSoftmax,
  matmul,
  matmulT,
  mul,
  rmsnorm,
  scale,
  sequenceLogProbs,
  softmax,
  Tensor,
  withTape,
} from '../../src/lm/index.js';

const rng = createRng(7);
const rand = (shape: number[], s = 1) => {
  const t = Tensor.zeros(shape, true);
  for (let i = 0; i < t.size; i++) t.data[i] = (rng.next() * 2 - 1) * s;
  return t;
};

/** Checks d(Σ f(inputs)·r)/d(input) for every input against central differences. */
function check(inputs: Tensor[], f: () => Tensor, tol = 2e-2): void {
  const probe = f();
  const r = Float32Array.from({ length: probe.size }, () => rng.next() * 2 - 1);
  const readout = () => {
    const o = f();
    let s = 0;
    for (let i = 0; i < o.size; i++) s += o.data[i] * r[i];
    return s;
  };
  for (const t of inputs) t.grad = null;
  const { result, backward } = withTape(f);
  result.ensureGrad().set(r);
  backward();
  for (const t of inputs) {
    const analytic = t.grad ?? new Float32Array(t.size);
    const eps = 1e-2;
    // Probe a handful of coordinates per input: enough to catch a wrong backward, fast enough.
    for (let n = 0; n < Math.min(12, t.size); n++) {
      const i = Math.floor(rng.next() * t.size);
      const keep = t.data[i];
      t.data[i] = keep + eps;
      const up = readout();
      t.data[i] = keep - eps;
      const down = readout();
      t.data[i] = keep;
      const numeric = (up - down) / (2 * eps);
      expect(Math.abs(analytic[i] - numeric)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(numeric)));
    }
  }
}

describe('gradient checks', () => {
  it('matmul', () => {
    const a = rand([5, 7]);
    const w = rand([7, 3]);
    check([a, w], () => matmul(a, w));
  });
  it('matmulT (transposed weight)', () => {
    const a = rand([4, 6]);
    const w = rand([9, 6]);
    check([a, w], () => matmulT(a, w));
  });
  it('add, mul, scale', () => {
    const a = rand([3, 5]);
    const b = rand([3, 5]);
    check([a, b], () => add(a, b));
    check([a, b], () => mul(a, b));
    check([a], () => scale(a, -1.7));
  });
  it('embedding gather / scatter-add (repeated ids)', () => {
    const table = rand([6, 4]);
    check([table], () => embedding(table, [1, 3, 1, 5]));
  });
  it('rmsnorm', () => {
    const x = rand([4, 8]);
    const w = rand([8]);
    check([x, w], () => rmsnorm(x, w));
  });
  it('gelu', () => {
    const x = rand([3, 7], 3);
    check([x], () => gelu(x));
  });
  it('softmax and log-softmax', () => {
    const x = rand([3, 6], 2);
    check([x], () => softmax(x));
    check([x], () => logSoftmax(x));
  });
  it('cross-entropy with ignore mask', () => {
    const x = rand([5, 6], 2);
    check([x], () => crossEntropy(x, [1, 2, 0, 5, 3], [1, 0, 1, 1, 0]));
  });
  it('sequence log-probs', () => {
    const x = rand([6, 5], 2);
    check([x], () => sequenceLogProbs(x, [1, 2, 0, 4, 3, 1], [0, 1, 1, 1, 0, 1], [0, 0, 0, 1, 1, 1], 2));
  });
  it('causal attention (2 sequences, 2 heads)', () => {
    const qkv = rand([2 * 5, 3 * 8]);
    check([qkv], () => causalAttention(qkv, 2, 5, 2));
  });
  it('causal attention does not look ahead', () => {
    const qkv = rand([4, 3 * 4]);
    const a = causalAttention(qkv, 1, 4, 1).data.slice(0, 4);
    for (let j = 0; j < 12; j++) qkv.data[3 * 12 + j] += 5; // perturb the last position only
    const b = causalAttention(qkv, 1, 4, 1).data.slice(0, 4);
    expect(Array.from(b)).toEqual(Array.from(a));
  });
});
