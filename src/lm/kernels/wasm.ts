// Loads the WASM SIMD matmul kernel (compiled from ./assembly/matmul.ts) over a SHARED memory and
// runs it on the calling thread plus a pool of worker threads, each taking a block of rows (or of
// columns, for the skinny products of decoding). The API stays synchronous: the caller copies the
// operands into the shared memory, wakes the workers through Atomics, does its own block, and waits.
// Workers are unref'd so they never keep the process alive.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

type MatmulFn = (
  a: Float32Array,
  b: Float32Array,
  c: Float32Array,
  M: number,
  K: number,
  N: number,
  accumulate?: boolean,
) => void;

export interface WasmKernels {
  matmulNN: MatmulFn;
  matmulNT: MatmulFn;
  matmulTN: MatmulFn;
  softmaxRows: SoftmaxFn;
  geluRows: (x: Float32Array, out: Float32Array, th: Float32Array, n: number) => void;
  /** Keeps read-only operands (weights during generation) resident in wasm memory: no copy per call. */
  pin(arrays: Float32Array[]): void;
  unpin(arrays: Float32Array[]): void;
  /** Worker threads besides the caller. */
  readonly threads: number;
}

type Block = (
  a: number,
  b: number,
  c: number,
  M: number,
  K: number,
  N: number,
  acc: number,
  m0: number,
  m1: number,
  n0: number,
  n1: number,
) => void;
type Transpose = (src: number, dst: number, R: number, C: number) => void;
type Softmax = (
  x: number,
  out: number,
  lse: number,
  n: number,
  V: number,
  scale: number,
  causal: number,
  off: number,
) => void;
export type SoftmaxFn = (
  x: Float32Array,
  out: Float32Array,
  lse: Float32Array,
  n: number,
  V: number,
  scale?: number,
  causal?: boolean,
  off?: number,
) => void;

// Node's WebAssembly global, typed just as far as this loader uses it (lib ES2023 has no typings).
interface WasmMemory {
  buffer: ArrayBuffer;
  grow(pages: number): number;
}
const WA = (
  globalThis as unknown as {
    WebAssembly: {
      Memory: new (d: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
      Module: new (bytes: Uint8Array) => object;
      Instance: new (m: object, imports: object) => { exports: object };
    };
  }
).WebAssembly;

const MAX_PAGES = 16384; // must match --maximumMemory in scripts/build-wasm.mjs
const SLOT = 16; // Int32 words of control per worker: [seq, a, b, c, M, K, N, acc, m0, m1, n0, n1, done, ready]
const BASE = 65536; // leave the first page to the module (stack, static data)
/** Below this many multiply-adds the product runs on the caller alone. */
const PARALLEL_MIN = 1 << 16;

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, ctrl, slot, SLOT } = workerData;
const inst = new WebAssembly.Instance(module, { env: { memory, abort() { throw new Error('wasm abort'); } } });
const f = inst.exports.matmulBlock;
const c = new Int32Array(ctrl);
const o = slot * SLOT;
Atomics.store(c, o + 13, 1);
let seen = 0;
for (;;) {
  Atomics.wait(c, o, seen);
  seen = Atomics.load(c, o);
  if (seen < 0) break;
  f(c[o + 1], c[o + 2], c[o + 3], c[o + 4], c[o + 5], c[o + 6], c[o + 7], c[o + 8], c[o + 9], c[o + 10], c[o + 11]);
  Atomics.store(c, o + 12, seen);
  Atomics.notify(c, o + 12);
}
`;

export function defaultThreads(): number {
  const env = process.env.BREAKFIX_THREADS;
  if (env !== undefined && env !== '') return Math.max(0, Number(env) - 1);
  return Math.max(0, Math.min(availableParallelism(), 8) - 1);
}

export function loadWasmKernels(threads = defaultThreads()): WasmKernels | null {
  let bytes: Buffer;
  let module: object;
  let memory: WasmMemory;
  let block: Block;
  let transpose: Transpose;
  let softmax: Softmax;
  let gelu: (x: number, out: number, th: number, n: number) => void;
  try {
    bytes = readFileSync(new URL('./matmul.wasm', import.meta.url));
    module = new WA.Module(bytes);
    memory = new WA.Memory({ initial: 16, maximum: MAX_PAGES, shared: true });
    const ex = new WA.Instance(module, {
      env: {
        memory,
        abort: () => {
          throw new Error('wasm kernel abort');
        },
      },
    }).exports as { matmulBlock: Block; transpose: Transpose; softmaxRows: Softmax; geluRows: typeof gelu };
    block = ex.matmulBlock;
    transpose = ex.transpose;
    softmax = ex.softmaxRows;
    gelu = ex.geluRows;
  } catch {
    return null;
  }
  const ctrlBuf = new SharedArrayBuffer(Math.max(1, threads) * SLOT * 4);
  const ctrl = new Int32Array(ctrlBuf);
  const workers: Worker[] = [];
  for (let w = 0; w < threads; w++) {
    try {
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { module, memory, ctrl: ctrlBuf, slot: w, SLOT },
      });
      worker.unref();
      worker.on('error', () => Atomics.store(ctrl, w * SLOT + 13, 0));
      workers.push(worker);
    } catch {
      break;
    }
  }
  const seq = new Int32Array(workers.length);

  let heap = new Float32Array(memory.buffer);
  // Pinned arrays live at [BASE, top); scratch for each call starts at `top`. The region is reset
  // once nothing is pinned.
  const pinned = new Map<Float32Array, { at: number; refs: number }>();
  let top = BASE;
  const ensure = (bytesNeeded: number) => {
    const have = memory.buffer.byteLength;
    if (bytesNeeded > have) memory.grow(Math.ceil((bytesNeeded - have) / 65536) + 16);
    if (heap.buffer.byteLength !== memory.buffer.byteLength || heap.length * 4 < bytesNeeded)
      heap = new Float32Array(memory.buffer);
  };

  // When the other cores are busy (another process, parallel test workers), waiting for a starved
  // worker costs more than doing the whole product here. After a few such waits in a row, run alone
  // for a while, then try the workers again.
  let strikes = 0;
  let solo = 0;

  /** Runs C[M,N] (+)= A·B with A, B, C already at byte offsets pa, pb, pc. */
  const run = (pa: number, pb: number, pc: number, M: number, K: number, N: number, acc: number) => {
    const ready: number[] = [];
    if (solo > 0) solo--;
    else if (M * K * N >= PARALLEL_MIN)
      for (let w = 0; w < workers.length; w++) if (Atomics.load(ctrl, w * SLOT + 13) === 1) ready.push(w);
    const parts = ready.length + 1;
    const byRows = M >= 4 * parts;
    const byCols = !byRows && N >= 8 * parts;
    if (parts === 1 || (!byRows && !byCols)) {
      block(pa, pb, pc, M, K, N, acc, 0, M, 0, N);
      return;
    }
    // Split into `parts` aligned chunks; the caller takes the first.
    const total = byRows ? M : N;
    const align = byRows ? 4 : 8;
    const chunk = Math.ceil(total / parts / align) * align;
    const bounds = (p: number) => [Math.min(total, p * chunk), Math.min(total, (p + 1) * chunk)];
    ready.forEach((w, i) => {
      const [lo, hi] = bounds(i + 1);
      const o = w * SLOT;
      ctrl[o + 1] = pa;
      ctrl[o + 2] = pb;
      ctrl[o + 3] = pc;
      ctrl[o + 4] = M;
      ctrl[o + 5] = K;
      ctrl[o + 6] = N;
      ctrl[o + 7] = acc;
      ctrl[o + 8] = byRows ? lo : 0;
      ctrl[o + 9] = byRows ? hi : M;
      ctrl[o + 10] = byRows ? 0 : lo;
      ctrl[o + 11] = byRows ? N : hi;
      seq[w] = (seq[w] + 1) & 0x3fffffff;
      Atomics.store(ctrl, o, seq[w]);
      Atomics.notify(ctrl, o);
    });
    const t0 = performance.now();
    const [lo, hi] = bounds(0);
    if (byRows) block(pa, pb, pc, M, K, N, acc, lo, hi, 0, N);
    else block(pa, pb, pc, M, K, N, acc, 0, M, lo, hi);
    const t1 = performance.now();
    for (const w of ready) {
      const o = w * SLOT + 12;
      for (;;) {
        const done = Atomics.load(ctrl, o);
        if (done === seq[w]) break;
        Atomics.wait(ctrl, o, done, 50);
      }
    }
    const waited = performance.now() - t1;
    if (waited > 2 * (t1 - t0) + 0.2) {
      if (++strikes >= 4) {
        solo = 256;
        strikes = 0;
      }
    } else strikes = 0;
  };

  const pin = (arrays: Float32Array[]) => {
    for (const arr of arrays) {
      const p = pinned.get(arr);
      if (p) {
        p.refs++;
        continue;
      }
      ensure(top + arr.length * 4);
      heap.set(arr, top >> 2);
      pinned.set(arr, { at: top, refs: 1 });
      top += Math.ceil((arr.length * 4) / 64) * 64;
    }
  };
  const unpin = (arrays: Float32Array[]) => {
    for (const arr of arrays) {
      const p = pinned.get(arr);
      if (p && --p.refs === 0) pinned.delete(arr);
    }
    if (pinned.size === 0) top = BASE;
  };

  const matmulNN: MatmulFn = (a, b, c, M, K, N, accumulate = false) => {
    const resident = pinned.get(b);
    const pa = top;
    const pb = resident ? resident.at : pa + M * K * 4;
    const pc = resident ? pa + M * K * 4 : pb + K * N * 4;
    ensure(pc + M * N * 4);
    heap.set(a.subarray(0, M * K), pa >> 2);
    if (!resident) heap.set(b.subarray(0, K * N), pb >> 2);
    if (accumulate) heap.set(c.subarray(0, M * N), pc >> 2);
    run(pa, pb, pc, M, K, N, accumulate ? 1 : 0);
    c.set(heap.subarray(pc >> 2, (pc >> 2) + M * N));
  };
  /** C[M,N] (+)= A[M,K]·B[N,K]ᵀ: B is transposed in wasm memory first. */
  const matmulNT: MatmulFn = (a, b, c, M, K, N, accumulate = false) => {
    const pa = top;
    const ps = pa + M * K * 4;
    const pb = ps + N * K * 4;
    const pc = pb + K * N * 4;
    ensure(pc + M * N * 4);
    heap.set(a.subarray(0, M * K), pa >> 2);
    heap.set(b.subarray(0, N * K), ps >> 2);
    transpose(ps, pb, N, K);
    if (accumulate) heap.set(c.subarray(0, M * N), pc >> 2);
    run(pa, pb, pc, M, K, N, accumulate ? 1 : 0);
    c.set(heap.subarray(pc >> 2, (pc >> 2) + M * N));
  };
  /** C[M,N] (+)= A[K,M]ᵀ·B[K,N]: A is transposed in wasm memory first. */
  const matmulTN: MatmulFn = (a, b, c, M, K, N, accumulate = false) => {
    const ps = top;
    const pa = ps + K * M * 4;
    const pb = pa + M * K * 4;
    const pc = pb + K * N * 4;
    ensure(pc + M * N * 4);
    heap.set(a.subarray(0, K * M), ps >> 2);
    transpose(ps, pa, K, M);
    heap.set(b.subarray(0, K * N), pb >> 2);
    if (accumulate) heap.set(c.subarray(0, M * N), pc >> 2);
    run(pa, pb, pc, M, K, N, accumulate ? 1 : 0);
    c.set(heap.subarray(pc >> 2, (pc >> 2) + M * N));
  };
  const softmaxRows: SoftmaxFn = (x, out, lse, n, V, scale = 1, causal = false, off = 0) => {
    const px = top;
    const po = px + n * V * 4;
    const pl = po + n * V * 4;
    ensure(pl + n * 8);
    heap.set(x.subarray(0, n * V), px >> 2);
    softmax(px, po, pl, n, V, scale, causal ? 1 : 0, off);
    out.set(heap.subarray(po >> 2, (po >> 2) + n * V));
    for (let i = 0; i < n; i++) lse[i] = heap[(pl >> 2) + 2 * i] + Math.log(heap[(pl >> 2) + 2 * i + 1]);
  };
  const geluRows = (x: Float32Array, out: Float32Array, th: Float32Array, n: number) => {
    const px = top;
    const po = px + n * 4;
    const pt = po + n * 4;
    ensure(pt + n * 4);
    heap.set(x.subarray(0, n), px >> 2);
    gelu(px, po, pt, n);
    out.set(heap.subarray(po >> 2, (po >> 2) + n));
    th.set(heap.subarray(pt >> 2, (pt >> 2) + n));
  };
  return { matmulNN, matmulNT, matmulTN, softmaxRows, geluRows, pin, unpin, threads: workers.length };
}
