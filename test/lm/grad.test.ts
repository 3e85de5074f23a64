// Finite-difference gradient checks, table-driven: every op the trainers differentiate through has
// its explicit backward compared with central differences of a random linear read-out of its output
// (L = Σ out·r, so dL/dout = r), in EVERY coordinate of every input. Each case runs
//   - on both kernel backends (WASM SIMD and the TypeScript reference),
//   - outside and inside `withArena`, the arena first filled with garbage (the arena hands out
//     gradient buffers without zeroing them, so a backward that forgets to overwrite shows here),
// and a whole-model check (forward → cross-entropy / sequence log-probs) covers the composition.
// The engine is float32 only, so eps and the tolerance are set for float32 round-off: the worst
// relative error of a correct backward is below 1e-3, a wrong one is off by far more.
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createRng } from '../../src/core/rng.js';

type Engine = typeof import('../../src/lm/tensor.js');
type Model = typeof import('../../src/lm/model.js');
type Tok = typeof import('../../src/lm/tokenizer.js');
type T = import('../../src/lm/tensor.js').Tensor;

async function loadEngine(backend: 'wasm' | 'ts'): Promise<{ E: Engine; M: Model; K: Tok; name: string }> {
  vi.resetModules();
  if (backend === 'ts') vi.stubEnv('BREAKFIX_KERNELS', 'ts');
  else vi.stubEnv('BREAKFIX_KERNELS', '');
  const E = await import('../../src/lm/tensor.js');
  const M = await import('../../src/lm/model.js');
  const K = await import('../../src/lm/tokenizer.js');
  const { kernelBackend } = await import('../../src/lm/kernels/index.js');
  return { E, M, K, name: kernelBackend };
}
afterAll(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

const EPS = 1e-3;
const TOL = 5e-3;

interface Case {
  name: string;
  /** Builds the inputs (fresh per run) and the function of them to check. */
  make(E: Engine, rand: (shape: number[], s?: number) => T): { inputs: T[]; f: () => T };
}

const cases: Case[] = [
  { name: 'matmul', make: (E, r) => withInputs([r([5, 7]), r([7, 3])], ([a, w]) => E.matmul(a, w)) },
  {
    name: 'matmulT (tied output embedding)',
    make: (E, r) => withInputs([r([4, 6]), r([9, 6])], ([a, w]) => E.matmulT(a, w)),
  },
  { name: 'add', make: (E, r) => withInputs([r([3, 5]), r([3, 5])], ([a, b]) => E.add(a, b)) },
  {
    name: 'pickRows (the rows a loss reads; the others get a zero gradient)',
    make: (E, r) => withInputs([r([6, 4])], ([x]) => E.pickRows(x, Int32Array.from([1, 2, 4]))),
  },
  { name: 'add(x, x): one input used twice', make: (E, r) => withInputs([r([3, 5])], ([a]) => E.add(a, a)) },
  { name: 'mul', make: (E, r) => withInputs([r([3, 5]), r([3, 5])], ([a, b]) => E.mul(a, b)) },
  { name: 'scale', make: (E, r) => withInputs([r([3, 5])], ([a]) => E.scale(a, -1.7)) },
  {
    name: 'embedding gather / scatter-add (repeated ids)',
    make: (E, r) => withInputs([r([6, 4])], ([t]) => E.embedding(t, [1, 3, 1, 5, 1])),
  },
  {
    name: 'position embedding + token embedding (residual stream input)',
    make: (E, r) =>
      withInputs([r([6, 4]), r([5, 4])], ([wte, wpe]) =>
        E.add(E.embedding(wte, [2, 0, 2]), E.embedding(wpe, [0, 1, 2])),
      ),
  },
  {
    name: 'rmsnorm (gain broadcast over rows)',
    make: (E, r) => withInputs([r([4, 8]), r([8])], ([x, w]) => E.rmsnorm(x, w)),
  },
  {
    name: 'rmsnorm input also on the residual path',
    make: (E, r) => withInputs([r([4, 8]), r([8])], ([x, w]) => E.add(E.rmsnorm(x, w), x)),
  },
  { name: 'gelu', make: (E, r) => withInputs([r([3, 7], 3)], ([x]) => E.gelu(x)) },
  { name: 'softmax', make: (E, r) => withInputs([r([3, 6], 2)], ([x]) => E.softmax(x)) },
  { name: 'log-softmax', make: (E, r) => withInputs([r([3, 6], 2)], ([x]) => E.logSoftmax(x)) },
  {
    name: 'cross-entropy with ignored positions',
    make: (E, r) => withInputs([r([5, 6], 2)], ([x]) => E.crossEntropy(x, [1, 2, 0, 5, 3], [1, 0, 1, 1, 0])),
  },
  {
    name: 'cross-entropy with every position ignored',
    make: (E, r) => withInputs([r([3, 6], 2)], ([x]) => E.crossEntropy(x, [1, 2, 0], [0, 0, 0])),
  },
  {
    name: 'cross-entropy whose logits feed a second loss (accumulating gradient)',
    make: (E, r) =>
      withInputs([r([4, 5], 2)], ([x]) =>
        E.add(E.crossEntropy(x, [1, 2, 0, 4], [1, 1, 0, 1]), E.crossEntropy(x, [0, 0, 3, 3], [0, 1, 1, 1])),
      ),
  },
  {
    name: 'sequence log-probs (masked, two sequences)',
    make: (E, r) =>
      withInputs([r([6, 5], 2)], ([x]) =>
        E.sequenceLogProbs(x, [1, 2, 0, 4, 3, 1], [0, 1, 1, 1, 0, 1], [0, 0, 0, 1, 1, 1], 2),
      ),
  },
  {
    name: 'ops on intermediates (their gradients come from the arena)',
    make: (E, r) =>
      withInputs([r([3, 6], 2), r([3, 6])], ([x, y]) =>
        E.add(
          E.logSoftmax(E.mul(E.scale(x, 1.3), y)),
          E.softmax(E.scale(E.embedding(E.scale(x, 0.5), [2, 0, 2]), 2)),
        ),
      ),
  },
  {
    name: 'causal attention B2 T5 H2',
    make: (E, r) => withInputs([r([2 * 5, 3 * 8])], ([qkv]) => E.causalAttention(qkv, 2, 5, 2)),
  },
  {
    name: 'causal attention B3 T7 H3',
    make: (E, r) => withInputs([r([3 * 7, 3 * 12])], ([qkv]) => E.causalAttention(qkv, 3, 7, 3)),
  },
  {
    name: 'causal attention B1 T17 H4 (sharper scores)',
    make: (E, r) => withInputs([r([17, 3 * 16], 2)], ([qkv]) => E.causalAttention(qkv, 1, 17, 4)),
  },
];

function withInputs(inputs: T[], f: (xs: T[]) => T): { inputs: T[]; f: () => T } {
  return { inputs, f: () => f(inputs) };
}

/** The worst relative error over every coordinate of every input, with where it was. */
function worstError(
  E: Engine,
  inputs: T[],
  f: () => T,
  arena: boolean,
  seed: number,
): { err: number; where: string } {
  const rng = createRng(seed);
  const run = <R>(g: () => R): R => (arena ? E.withArena(g) : g());
  if (arena) {
    // Fill the arena with garbage so an unzeroed gradient buffer cannot pass by luck.
    E.withArena(() => {
      const x = E.Tensor.zeros([64, 64], true);
      const y = E.matmul(x, x);
      y.data.fill(1e30);
      const z = E.gelu(y);
      z.data.fill(-1e30);
    });
  }
  const size = run(() => f().size);
  const r = Float64Array.from({ length: size }, () => rng.next() * 2 - 1);
  const readout = () =>
    run(() => {
      const o = f();
      let s = 0;
      for (let i = 0; i < o.size; i++) s += o.data[i] * r[i];
      return s;
    });
  for (const t of inputs) t.grad = null;
  const analytic = run(() => {
    const { result, backward } = E.withTape(f);
    result.ensureGrad().set(Float32Array.from(r));
    backward();
    return inputs.map((t) => Float32Array.from(t.grad ?? new Float32Array(t.size)));
  });
  let err = 0;
  let where = '';
  inputs.forEach((t, k) => {
    for (let i = 0; i < t.size; i++) {
      const keep = t.data[i];
      t.data[i] = keep + EPS;
      const hi = t.data[i];
      const up = readout();
      t.data[i] = keep - EPS;
      const lo = t.data[i];
      const down = readout();
      t.data[i] = keep;
      const numeric = (up - down) / (hi - lo);
      const e = Math.abs(analytic[k][i] - numeric) / Math.max(1, Math.abs(numeric));
      if (e > err) {
        err = e;
        where = `input ${k} [${i}]: backward ${analytic[k][i]}, finite difference ${numeric}`;
      }
    }
  });
  return { err, where };
}

for (const backend of ['wasm', 'ts'] as const) {
  describe(`gradient checks (${backend} kernels)`, async () => {
    const { E, M, K, name } = await loadEngine(backend);
    it('runs on the backend it names', () => {
      // The WASM module may be missing on a platform; then both runs use the reference kernels.
      expect(['wasm', 'ts']).toContain(name);
      if (backend === 'ts') expect(name).toBe('ts');
    });

    for (const [n, c] of cases.entries()) {
      for (const arena of [false, true]) {
        it(`${c.name}${arena ? ' (in the arena)' : ''}`, () => {
          const rng = createRng(100 + n);
          const rand = (shape: number[], s = 1) => {
            const t = E.Tensor.zeros(shape, true);
            for (let i = 0; i < t.size; i++) t.data[i] = (rng.next() * 2 - 1) * s;
            return t;
          };
          const { inputs, f } = c.make(E, rand);
          const { err, where } = worstError(E, inputs, f, arena, 200 + n);
          expect(err, where).toBeLessThan(TOL);
        });
      }
    }

    it('causal attention does not look ahead', () => {
      const rng = createRng(3);
      const qkv = E.Tensor.zeros([4, 3 * 4], true);
      for (let i = 0; i < qkv.size; i++) qkv.data[i] = rng.next() * 2 - 1;
      const a = E.causalAttention(qkv, 1, 4, 1).data.slice(0, 12);
      for (let j = 0; j < 12; j++) qkv.data[3 * 12 + j] += 5; // perturb the last position only
      const b = E.causalAttention(qkv, 1, 4, 1).data.slice(0, 12);
      expect(Array.from(b)).toEqual(Array.from(a));
    });

    it('whole model: every parameter of forward → masked cross-entropy and sequence log-probs', () => {
      const tok = K.Tokenizer.train(['hello world', 'abc def'], 262);
      const lm = M.createLM(
        { vocabSize: tok.vocabSize, dModel: 8, nLayers: 2, nHeads: 2, contextLength: 8 },
        tok,
        3,
      );
      const rng = createRng(5);
      // Larger weights than the init so that every gradient is well above float32 round-off.
      for (const [, t] of M.namedParams(lm.params))
        for (let i = 0; i < t.size; i++) t.data[i] += (rng.next() - 0.5) * 0.6;
      const B = 2;
      const Tn = 5;
      const ids = Int32Array.from({ length: B * Tn }, () => Math.floor(rng.next() * tok.vocabSize));
      const targets = Int32Array.from({ length: B * Tn }, () => Math.floor(rng.next() * tok.vocabSize));
      const mask = Uint8Array.from({ length: B * Tn }, (_, i) => (i % 3 === 0 ? 0 : 1));
      const seq = Int32Array.from({ length: B * Tn }, (_, i) => Math.floor(i / Tn));
      const params = M.namedParams(lm.params).map(([, t]) => t);
      // Cross-entropy plus a weighted sequence log-prob, read out through a gather of lp (as [B,1]).
      const g = () => {
        const logits = M.forward(lm, ids, B, Tn);
        const ce = E.crossEntropy(logits, targets, mask);
        const lp = E.sequenceLogProbs(logits, targets, mask, seq, B);
        (lp as { shape: number[] }).shape = [B, 1];
        return E.add(ce, E.scale(E.embedding(lp, [1]), -0.7));
      };
      const { err, where } = worstError(E, params, g, true, 9);
      expect(err, where).toBeLessThan(TOL);
    });
  });
}
