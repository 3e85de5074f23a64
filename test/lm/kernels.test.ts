// The WASM SIMD kernels (threaded) agree with the pure TypeScript reference, for every layout,
// shapes that are not multiples of the register tile, accumulate on and off, and pinned operands.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng.js';
import { loadWasmKernels, tsKernels } from '../../src/lm/index.js';
import { untilWorkersStarted } from './helpers-kernels.js';

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
    [2, 64, 300],
    [5, 9, 17],
    [3, 64, 200],
    [37, 33, 70],
    [128, 96, 64],
    // Large enough for the packed paths (A in 4-row tiles, B in 8-column strips, last strip padded).
    [37, 19, 1030],
  ];
  for (const op of ['matmulNN', 'matmulNT', 'matmulTN'] as const) {
    it(`${op} agrees with TypeScript`, async () => {
      // The worker started, so the threaded path is exercised as well.
      await untilWorkersStarted(wasm!);
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

  it('softmax, GELU (forward and backward) and scaled copies split over the threads agree with TypeScript', async () => {
    await untilWorkersStarted(wasm!);
    const [n, V] = [71, 4000];
    const x = Float32Array.from(rand(n * V), (v) => v * 20);
    const [p1, p2] = [new Float32Array(n * V), new Float32Array(n * V)];
    const [l1, l2] = [new Float32Array(n), new Float32Array(n)];
    wasm!.softmaxRows(x, p1, l1, n, V);
    tsKernels.softmaxRows(x, p2, l2, n, V);
    expect(maxDiff(p1, p2)).toBeLessThan(1e-5);
    expect(maxDiff(l1, l2)).toBeLessThan(1e-4);
    const m = n * V + 3;
    const y = Float32Array.from(rand(m), (v) => v * 6);
    const [o1, o2, t1, t2] = [0, 0, 0, 0].map(() => new Float32Array(m));
    wasm!.geluRows(y, o1, t1, m);
    tsKernels.geluRows(y, o2, t2, m);
    expect(maxDiff(o1, o2)).toBeLessThan(1e-4);
    expect(maxDiff(t1, t2)).toBeLessThan(1e-5);
    // GELU backward and the scaled copy of the cross-entropy gradient, overwriting and accumulating.
    const g = rand(m);
    for (const acc of [false, true]) {
      const [gx1, gx2] = [rand(m), new Float32Array(m)];
      gx2.set(gx1);
      wasm!.geluBackward(y, t1, g, gx1, m, acc);
      tsKernels.geluBackward(y, t1, g, gx2, m, acc);
      expect(maxDiff(gx1, gx2)).toBeLessThan(1e-5);
      const [d1, d2] = [rand(m), new Float32Array(m)];
      d2.set(d1);
      wasm!.scaleInto(g, d1, m, -0.37, acc);
      tsKernels.scaleInto(g, d2, m, -0.37, acc);
      expect(maxDiff(d1, d2)).toBeLessThan(1e-6);
    }
  });

  it('causal attention (forward and backward) agrees with TypeScript, in place and copied', async () => {
    await untilWorkersStarted(wasm!);
    for (const [B, T, H, hd] of [
      [2, 37, 2, 8],
      [3, 64, 4, 16],
      [1, 5, 1, 6],
    ]) {
      const D = H * hd;
      const qkv = Float32Array.from(rand(B * T * 3 * D), (v) => v * 2);
      const gout = rand(B * T * D);
      const g0 = rand(B * T * 3 * D);
      const ref = {
        out: new Float32Array(B * T * D),
        att: new Float32Array(B * H * T * T),
        g: new Float32Array(g0),
      };
      tsKernels.attention(qkv, ref.out, ref.att, B, T, H);
      tsKernels.attentionBackward(qkv, gout, ref.att, ref.g, B, T, H);
      // Plain arrays (copied into wasm memory), then arrays allocated inside the kernels' memory.
      for (const resident of [false, true]) {
        wasm!.scope(() => {
          const mk = (n: number, init?: Float32Array) => {
            const a = (resident && wasm!.alloc(n)) || new Float32Array(n);
            if (init) a.set(init);
            return a;
          };
          const q = mk(qkv.length, qkv);
          const out = mk(B * T * D);
          const att = mk(B * H * T * T);
          const g = mk(g0.length, g0);
          wasm!.attention(q, out, att, B, T, H);
          wasm!.attentionBackward(q, mk(gout.length, gout), att, g, B, T, H);
          expect(maxDiff(out, ref.out)).toBeLessThan(1e-4);
          expect(maxDiff(att, ref.att)).toBeLessThan(1e-5);
          expect(maxDiff(g, ref.g)).toBeLessThan(1e-3);
          // Strictly causal: nothing above the diagonal.
          expect(att[1]).toBe(0);
          // Overwrite mode (a gradient not made yet): garbage in gqkv is replaced, not added to.
          const g2 = mk(g0.length, rand(g0.length));
          wasm!.attentionBackward(q, mk(gout.length, gout), att, g2, B, T, H, false);
          const fromZero = new Float32Array(g0.length);
          tsKernels.attentionBackward(qkv, gout, ref.att, fromZero, B, T, H);
          expect(maxDiff(g2, fromZero)).toBeLessThan(1e-3);
        });
      }
    }
  });

  it('a product does not depend on how it is split over threads (bitwise)', async () => {
    const solo = loadWasmKernels(0)!;
    await untilWorkersStarted(wasm!);
    for (const [M, K, N] of [
      [130, 70, 45],
      [3, 300, 1000],
      [257, 64, 24],
      [66, 40, 1100],
    ]) {
      for (const op of ['matmulNN', 'matmulNT', 'matmulTN'] as const) {
        const a = rand(M * K);
        const b = rand(K * N);
        const c1 = rand(M * N);
        const c2 = new Float32Array(c1);
        solo[op](a, b, c1, M, K, N, true);
        wasm![op](a, b, c2, M, K, N, true);
        expect(Array.from(c2)).toEqual(Array.from(c1));
      }
    }
  });

  it('attention, softmax, GELU and scaled copies do not depend on how they are split either (bitwise)', async () => {
    const solo = loadWasmKernels(0)!;
    // Every job big enough to split goes to all three workers: no back-off to the caller alone when
    // the machine is busy, which would make this compare the caller with itself.
    const split = loadWasmKernels(3, { backoff: false })!;
    await untilWorkersStarted(split);
    /** The first index where b's bits differ from a's (-1: none). */
    const same = (what: string, a: ArrayLike<number>, b: ArrayLike<number>) => {
      let at = a.length === b.length ? -1 : 0;
      for (let i = 0; i < a.length && at < 0; i++) if (!Object.is(a[i], b[i])) at = i;
      expect(at, `${what}: ${a[at]} vs ${b[at]}`).toBe(-1);
    };
    for (const resident of [false, true]) {
      // Each kernel set runs on its own copies: in its own memory (resident) or plain arrays.
      const run = <T>(k: typeof solo, fn: (mk: (init: Float32Array) => Float32Array) => T): T =>
        k.scope(() =>
          fn((init) => {
            const a = (resident && k.alloc(init.length)) || new Float32Array(init.length);
            a.set(init);
            return a;
          }),
        );
      for (const [B, T, H, hd] of [
        [2, 37, 2, 8],
        [3, 64, 4, 16],
        [5, 31, 3, 12],
        [4, 48, 4, 32],
        [1, 20, 3, 8],
      ]) {
        const D = H * hd;
        const qkv = Float32Array.from(rand(B * T * 3 * D), (v) => v * 2);
        const gout = rand(B * T * D);
        const g0 = rand(B * T * 3 * D);
        for (const acc of [true, false]) {
          const [a, b] = [solo, split].map((k) =>
            run(k, (mk) => {
              const q = mk(qkv);
              const out = mk(new Float32Array(B * T * D));
              const att = mk(new Float32Array(B * H * T * T));
              const g = mk(g0);
              k.attention(q, out, att, B, T, H);
              k.attentionBackward(q, mk(gout), att, g, B, T, H, acc);
              return [out.slice(), att.slice(), g.slice()];
            }),
          );
          for (let j = 0; j < 3; j++) same(`attention ${B}×${T}×${H}×${hd} #${j} acc=${acc}`, a[j], b[j]);
        }
      }
      for (const [n, V] of [
        [71, 4000],
        [300, 1024],
        [2, (1 << 17) + 5],
      ]) {
        const x = Float32Array.from(rand(n * V), (v) => v * 20);
        const [a, b] = [solo, split].map((k) =>
          run(k, (mk) => {
            const p = mk(new Float32Array(n * V));
            const lse = new Float32Array(n);
            k.softmaxRows(mk(x), p, lse, n, V);
            return [p.slice(), lse];
          }),
        );
        same(`softmax ${n}×${V}`, a[0], b[0]);
        same(`softmax lse ${n}×${V}`, a[1], b[1]);
      }
      for (const m of [284_003, (1 << 18) + 1]) {
        const y = Float32Array.from(rand(m), (v) => v * 6);
        const g = rand(m);
        const d0 = rand(m);
        for (const acc of [false, true]) {
          const [a, b] = [solo, split].map((k) =>
            run(k, (mk) => {
              const [o, t] = [mk(new Float32Array(m)), mk(new Float32Array(m))];
              const x = mk(y);
              k.geluRows(x, o, t, m);
              const gx = mk(d0);
              k.geluBackward(x, t, mk(g), gx, m, acc);
              const d = mk(d0);
              k.scaleInto(mk(g), d, m, -0.37, acc);
              return [o.slice(), t.slice(), gx.slice(), d.slice()];
            }),
          );
          for (let j = 0; j < 4; j++) same(`elementwise ${m} #${j} acc=${acc}`, a[j], b[j]);
        }
      }
    }
  });

  describe('verify mode (BREAKFIX_KERNEL_VERIFY=1)', () => {
    it('rechecks every split job on the caller alone and changes no result', async () => {
      const solo = loadWasmKernels(0)!;
      const checked = loadWasmKernels(3, { backoff: false, verify: true })!;
      await untilWorkersStarted(checked);
      const [B, T, H, hd, F] = [4, 48, 4, 16, 1536];
      const D = H * hd;
      const x0 = rand(B * T * D);
      const w0 = rand(D * 3 * D);
      const w1 = rand(D * F);
      const g0 = rand(B * T * D);
      const [a, b] = [solo, checked].map((k) =>
        k.scope(() => {
          const mk = (init: Float32Array) => {
            const v = k.alloc(init.length)!;
            v.set(init);
            return v;
          };
          const x = mk(x0);
          const qkv = k.alloc(B * T * 3 * D)!;
          k.matmulNN(x, mk(w0), qkv, B * T, D, 3 * D);
          const out = k.alloc(B * T * D)!;
          const att = k.alloc(B * H * T * T)!;
          k.attention(qkv, out, att, B, T, H);
          const gq = k.alloc(B * T * 3 * D)!;
          k.attentionBackward(qkv, mk(g0), att, gq, B, T, H, false);
          const h = k.alloc(B * T * F)!;
          k.matmulNN(out, mk(w1), h, B * T, D, F);
          const [gl, th] = [k.alloc(B * T * F)!, k.alloc(B * T * F)!];
          k.geluRows(h, gl, th, B * T * F);
          const gw = k.alloc(D * 3 * D, true)!;
          k.matmulTN(x, gq, gw, D, B * T, 3 * D, true);
          const p = k.alloc(B * T * F)!;
          k.softmaxRows(gl, p, new Float32Array(B * T), B * T, F);
          return [qkv, out, att, gq, gl, th, gw, p].map((v) => v.slice());
        }),
      );
      for (const [j, v] of a.entries())
        expect(Buffer.from(b[j].buffer).equals(Buffer.from(v.buffer)), `output ${j}`).toBe(true);
      expect(checked.verifiedJobs()).toBe(7);
      expect(solo.verifiedJobs()).toBe(0);
    });

    it('raises a job whose parts race (one part writes what another reads)', async () => {
      const k = loadWasmKernels(1, { backoff: false, verify: true })!;
      await untilWorkersStarted(k);
      // C = A·B written over B itself: each part's rows of B are read by the other part, so the
      // result depends on which part ran when; the recheck runs the parts in both orders, which give
      // different results, so whichever way the threads ran, one of them differs.
      const n = 256;
      let message = '';
      k.scope(() => {
        const a = k.alloc(n * n)!.fill(1 / n);
        const b = k.alloc(n * n)!;
        for (let j = 0; j < b.length; j++) b[j] = (j % 7) - 3;
        try {
          k.matmulNN(a, b, b, n, n, n);
        } catch (e) {
          message = (e as Error).message;
        }
      });
      expect(message).toMatch(
        /^lm kernels \(verify\): mm over 2 threads wrote .* where the caller alone \(parts (in order|last first)\) writes /,
      );
    });

    it('fills released and unzeroed arena memory with NaN, so a use after its scope shows', () => {
      const k = loadWasmKernels(0, { verify: true })!;
      let kept: Float32Array = new Float32Array(0);
      k.scope(() => {
        kept = k.alloc(64)!.fill(1);
      });
      expect(kept.every(Number.isNaN)).toBe(true);
      k.scope(() => {
        expect(k.alloc(64)!.every(Number.isNaN)).toBe(true);
        expect(k.alloc(64, true)!.every((v) => v === 0)).toBe(true);
      });
      // Off (the default): released memory keeps what was written there.
      const plain = loadWasmKernels(0, { verify: false })!;
      plain.scope(() => {
        kept = plain.alloc(64)!.fill(1);
      });
      expect(kept.every((v) => v === 1)).toBe(true);
    });
  });

  it('trace mode (BREAKFIX_KERNEL_TRACE=FILE) writes one line per job; two runs part at the first job that differs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kernel-trace-'));
    const [M, K, N] = [64, 48, 1100];
    const a0 = rand(M * K);
    const b0 = rand(K * N);
    const run = async (file: string, change: boolean) => {
      const k = loadWasmKernels(1, { backoff: false, trace: file })!;
      await untilWorkersStarted(k);
      k.scope(() => {
        const c = k.alloc(M * N)!;
        k.matmulNN(a0, b0, c, M, K, N);
        const h = k.alloc(M * N)!;
        const th = k.alloc(M * N)!;
        if (change) c[5 * N + 7] += 1; // a different input to the second job only
        k.geluRows(c, h, th, M * N);
        k.scaleInto(h, k.alloc(M * N)!, M * N, 0.5, false);
      });
      k.flushTrace();
      return readFileSync(file, 'utf8').trimEnd().split('\n');
    };
    try {
      const first = await run(join(dir, 'a.trace'), false);
      const again = await run(join(dir, 'b.trace'), false);
      const changed = await run(join(dir, 'c.trace'), true);
      // (the product is split over the two threads; the element-wise jobs are too small to split)
      expect(first.map((l) => l.split(' ').slice(0, 3).join(' '))).toEqual([
        '0 mm 2',
        '1 geluRows 1',
        '2 scaleInto 1',
      ]);
      expect(first.every((l) => /^\d+ \w+ \d+ [0-9a-f]{32} \S+ [\d,]+$/.test(l))).toBe(true);
      expect(again).toEqual(first);
      // the product is the same; the GELU that read the changed value and what follows are not
      expect(changed[0]).toBe(first[0]);
      expect(changed[1]).not.toBe(first[1]);
      expect(changed[2]).not.toBe(first[2]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a worker woken with no new job does not run its last part again', async () => {
    // Caught on this machine: a worker's wait ended with the job number unchanged, the worker ran
    // its part of the last job again, and a gradient accumulated over it (C += Aᵀ·B) took that
    // half's product twice. Here the wake-ups are made on purpose, after an accumulating product.
    const k = loadWasmKernels(1, { backoff: false })!;
    await untilWorkersStarted(k);
    const [M, K, N] = [256, 96, 64];
    const a = Float32Array.from({ length: K * M }, (_, i) => ((i * 7) % 13) / 13 - 0.5);
    const b = Float32Array.from({ length: K * N }, (_, i) => ((i * 5) % 11) / 11 - 0.5);
    const c = new Float32Array(M * N).fill(0.25);
    const expected = c.slice();
    tsKernels.matmulTN(a, b, expected, M, K, N, true);
    // (the worker runs on its own thread while this one blocks)
    const block = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
    k.scope(() => {
      // resident in kernel memory, so a part run again would write into these very arrays
      const [ka, kb, kc] = [k.alloc(K * M)!, k.alloc(K * N)!, k.alloc(M * N)!];
      ka.set(a);
      kb.set(b);
      kc.set(c);
      k.matmulTN(ka, kb, kc, M, K, N, true);
      const once = kc.slice();
      let worst = 0;
      for (let i = 0; i < once.length; i++) worst = Math.max(worst, Math.abs(once[i] - expected[i]));
      expect(worst).toBeLessThan(1e-4);
      for (let i = 0; i < 5; i++) {
        k.wakeIdleWorkers();
        block(20);
      }
      expect(kc).toEqual(once);
      // The next job is the worker's to do once, as asked.
      kc.set(c);
      k.matmulTN(ka, kb, kc, M, K, N, true);
      expect(kc).toEqual(once);
    });
  });

  it('arena arrays live in kernel memory until their scope ends', () => {
    const inside = wasm!.scope(() => {
      const a = wasm!.alloc(1000)!;
      expect(a).not.toBeNull();
      const b = wasm!.alloc(10)!;
      expect(b.byteOffset).toBeGreaterThanOrEqual(a.byteOffset + 4000);
      return a.byteOffset;
    });
    expect(wasm!.alloc(10)).toBeNull();
    wasm!.scope(() => expect(wasm!.alloc(10)!.byteOffset).toBe(inside));
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

  it('a worker whose part fails raises the error in the caller instead of leaving it waiting forever', () => {
    // In a child process (the old behaviour hangs the thread that calls the kernel): a product
    // whose output rows run past the end of the kernels' memory for the worker's part only. The
    // caller's part is in bounds; the worker traps, and its 'error' event can never reach a caller
    // blocked in its wait.
    const root = resolve(import.meta.dirname, '../..');
    const dir = mkdtempSync(join(tmpdir(), 'bf-kernel-fail-'));
    try {
      const script = join(dir, 'fail.mts');
      writeFileSync(
        script,
        `import { loadWasmKernels } from ${JSON.stringify(pathToFileURL(join(root, 'src/lm/kernels/wasm.ts')).href)};
import { matmulNN } from ${JSON.stringify(pathToFileURL(join(root, 'src/lm/kernels/ts.ts')).href)};
const k = loadWasmKernels(1);
const [K, N] = [8, 256];
let message = '';
// Until the worker has started, the caller does every row itself and traps on its own (retried).
for (let i = 0; i < 100 && !message.includes('worker'); i++) {
  await new Promise((r) => setTimeout(r, 100));
  try {
    k.scope(() => {
      const a = k.alloc(4096 * K).fill(1);
      const b = k.alloc(K * N).fill(1);
      // c fills what is left of the memory, so its rows past that are out of bounds (and nothing
      // grows the memory first: every operand is in place, no scratch copy is made).
      const free = (a.buffer.byteLength - (b.byteOffset + b.byteLength + 64)) / 4;
      const c = k.alloc(Math.floor(free / N) * N);
      k.matmulNN(a, b, c, Math.min(4096, (2 * c.length) / N), K, N);
    });
    message = 'none';
  } catch (e) {
    message = e.message;
  }
}
console.log('error: ' + message);
// The kernels still work (on the caller alone now).
const [M, K2, N2] = [64, 32, 48];
const x = Float32Array.from({ length: M * K2 }, (_, i) => (i % 7) - 3);
const y = Float32Array.from({ length: K2 * N2 }, (_, i) => (i % 5) - 2);
const [c1, c2] = [new Float32Array(M * N2), new Float32Array(M * N2)];
k.matmulNN(x, y, c1, M, K2, N2);
matmulNN(x, y, c2, M, K2, N2);
console.log('after: ' + c1.every((v, i) => v === c2[i]));
process.exit(0);
`,
      );
      const tsx = pathToFileURL(join(root, 'node_modules/tsx/dist/esm/index.mjs')).href;
      const r = spawnSync(process.execPath, ['--import', tsx, script], { encoding: 'utf8', timeout: 60_000 });
      expect(r.signal, 'the caller hung').toBeNull();
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain('error: lm kernels: a worker thread failed in mm (part 2 of 2)');
      expect(r.stdout).toContain('after: true');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
