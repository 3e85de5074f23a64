// Loads the WASM SIMD kernels (compiled from ./assembly/matmul.ts) over a SHARED memory and runs
// them on the calling thread plus a pool of worker threads, each taking a block of the work (rows or
// columns of a product, (sequence, head) pairs of attention). The API stays synchronous: the caller
// writes each worker's arguments into a control array, wakes it through Atomics, does its own block,
// and waits. Workers are unref'd so they never keep the process alive.
//
// Operands that already live in the module's memory (tensors allocated from the arena, see
// `alloc`/`scope`, or weights pinned for generation) are used in place; any other operand is copied
// into scratch space above everything allocated, and outputs are copied back.
import { createHash } from 'node:crypto';
import { appendFileSync, readFileSync } from 'node:fs';
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

/** GELU backward: gx (+)= g·GELU'(x), with t = tanh(·) kept from the forward pass. */
export type GeluBackwardFn = (
  x: Float32Array,
  th: Float32Array,
  g: Float32Array,
  gx: Float32Array,
  n: number,
  accumulate: boolean,
) => void;
/** dst[n] (+)= s·src[n]. */
export type ScaleIntoFn = (
  src: Float32Array,
  dst: Float32Array,
  n: number,
  s: number,
  accumulate: boolean,
) => void;

/** Causal attention on packed q|k|v rows [B·T, 3D]: out [B·T, D] and the probabilities att [B·H·T·T]. */
export type AttentionFn = (
  qkv: Float32Array,
  out: Float32Array,
  att: Float32Array,
  B: number,
  T: number,
  H: number,
) => void;
/** Backward of AttentionFn: dL/dqkv into gqkv (added to it when `accumulate`, the default) from
 * gout, given the forward's att. */
export type AttentionBackwardFn = (
  qkv: Float32Array,
  gout: Float32Array,
  att: Float32Array,
  gqkv: Float32Array,
  B: number,
  T: number,
  H: number,
  accumulate?: boolean,
) => void;

/** Decoding's attention for rows r0…r1-1 of qkv ([rows, 3D]: q, k, v of each row), row r at position
 * pos0 + r - r0, over the keys and values K, V ([positions, D]) of positions 0 to its own, into the
 * same rows of att ([rows, D]); H heads. Bitwise what generate.ts's JavaScript twin computes. */
export type DecodeAttentionFn = (
  qkv: Float32Array,
  r0: number,
  r1: number,
  pos0: number,
  K: Float32Array,
  V: Float32Array,
  att: Float32Array,
  D: number,
  H: number,
) => void;

export interface WasmKernels {
  matmulNN: MatmulFn;
  matmulNT: MatmulFn;
  /** matmulNT whose every row of C is bit-identical to computing that row alone (M = 1): what
   * decoding needs so a sequence's logits, and so its sampled tokens, do not depend on which other
   * sequences share its batch. matmulNT itself switches kernels (and summation order) at M = 4. */
  matmulNTRows: MatmulFn;
  matmulTN: MatmulFn;
  softmaxRows: SoftmaxFn;
  geluRows: (x: Float32Array, out: Float32Array, th: Float32Array, n: number) => void;
  geluBackward: GeluBackwardFn;
  scaleInto: ScaleIntoFn;
  attention: AttentionFn;
  attentionBackward: AttentionBackwardFn;
  /** null when decode.wasm does not load (generation then runs its JavaScript twin). */
  decodeAttention: DecodeAttentionFn | null;
  /** Keeps read-only operands (weights during generation) resident in wasm memory: no copy per call. */
  pin(arrays: Float32Array[]): void;
  unpin(arrays: Float32Array[]): void;
  /** A float32 array inside the kernels' memory, valid until the innermost `scope` returns; null
   * outside any scope or when the memory is full (the caller then uses an ordinary array). */
  alloc(n: number, zeroed?: boolean): Float32Array | null;
  /** Runs fn; everything `alloc` handed out inside it is released when it returns. */
  scope<T>(fn: () => T): T;
  /** Worker threads besides the caller. */
  readonly threads: number;
  /** Worker threads started so far (a worker takes parts of jobs once it has started). */
  startedWorkers(): number;
  /** Jobs split over workers that `verify` recomputed on the caller alone (0 unless verifying). */
  verifiedJobs(): number;
  /** (test) Wakes every waiting worker with no new job, as a spurious wake-up of its wait does. */
  wakeIdleWorkers(): void;
  /** Appends the trace lines not yet written (`trace`; also done every 4,096 jobs and at exit). */
  flushTrace(): void;
}

export interface KernelOptions {
  /** Off: every job big enough to split goes to every started worker, however slowly they answer
   * (no load-adaptive back-off to the caller alone). For tests that need the split to happen. */
  backoff?: boolean;
  /** Debug (default: BREAKFIX_KERNEL_VERIFY=1). Every job split over workers is run again on the
   * caller alone from its outputs as they were (its parts in order, last part first, and the whole
   * job as one part) and must write the same bytes each time (else the job throws); memory released
   * by a scope or a call, and arena arrays allocated unzeroed, are filled with NaN, so a read of
   * memory nothing wrote in this scope turns the result into NaN. Training runs 2–3× slower; a
   * correct run's results do not change. */
  verify?: boolean;
  /** Debug (default: BREAKFIX_KERNEL_TRACE=FILE). Appends to FILE one line per job that runs through
   * the dispatcher, split or not — `n kernel parts md5-of-its-outputs sum-of-its-outputs args` — at
   * the cost of a pass over each output: two runs that should be identical diverge at the first line
   * whose md5 differs, which names the job (its kernel, its arguments, and by its number where in the
   * run it came); the sums say by how much. */
  trace?: string;
}

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

type I32Fn = (...args: number[]) => void;
interface Exports {
  mm: I32Fn;
  transposeStrided: I32Fn;
  softmaxRows: I32Fn;
  geluRows: I32Fn;
  attnFwd: I32Fn;
  attnBwd: I32Fn;
  zero: I32Fn;
  scaleInto: I32Fn;
  geluBwd: I32Fn;
  softmaxPlain: I32Fn;
  mmDot: I32Fn;
  packA: I32Fn;
  packB: I32Fn;
}
/** Functions a worker can be asked to run, by index. */
const FNS = [
  'mm',
  'attnFwd',
  'attnBwd',
  'mmDot',
  'softmaxPlain',
  'geluRows',
  'scaleInto',
  'geluBwd',
] as const;
const MM = 0;
const ATTN_FWD = 1;
const ATTN_BWD = 2;
const MM_DOT = 3;
const SOFTMAX = 4;
const GELU = 5;
const SCALE = 6;
const GELU_BWD = 7;

/** A·Bᵀ over fewer rows than this is computed as dot products over B's rows in place (decoding's
 * few-row products), which sum in another order than the tiled product does: a row's result is the
 * same in every product of at least this many rows, and differs from it in a product of fewer. */
export const FEW_ROWS = 4;
const MAX_PAGES = 16384; // must match --maximumMemory in scripts/build-wasm.mjs
const SLOT = 32; // Int32 words of control per worker: [seq, fn, args × 16, …, done (30), ready (31)]
const ARGS = 2;
const DONE = 30;
const READY = 31;
const BASE = 65536; // leave the first page to the module (stack, static data)
/** The arena stops this far below the memory's maximum, leaving room for scratch copies. */
const SCRATCH_RESERVE = 256 << 20;
/** Below this many multiply-adds a product runs on the caller alone; skinny products (decoding)
 * wake the workers only when large, since a wake-up costs about as much as a small product. */
const PARALLEL_MIN = 1 << 16;
const PARALLEL_MIN_SKINNY = 1 << 22;
/** Element-wise kernels (GELU, the vocabulary softmax) split over the threads from this size. */
const ELEMENTWISE_PARALLEL_MIN = 1 << 18;

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, ctrl, slot, SLOT, FNS } = workerData;
const inst = new WebAssembly.Instance(module, { env: { memory, abort() { throw new Error('wasm abort'); } } });
const fns = FNS.map((n) => inst.exports[n]);
const c = new Int32Array(ctrl);
const o = slot * SLOT;
const a = o + 2;
Atomics.store(c, o + 31, 1);
let seen = 0;
for (;;) {
  Atomics.wait(c, o, seen);
  const next = Atomics.load(c, o);
  // A wait can end with no new job: a wake-up with the sequence number unchanged was caught here
  // (Node 20, about once in 150,000 jobs under load). Running the last part again would add an
  // accumulated product twice into a result the caller has already taken.
  if (next === seen) continue;
  seen = next;
  if (seen < 0) break;
  let failed = false;
  try {
    fns[c[o + 1]](c[a], c[a + 1], c[a + 2], c[a + 3], c[a + 4], c[a + 5], c[a + 6], c[a + 7], c[a + 8], c[a + 9], c[a + 10], c[a + 11], c[a + 12], c[a + 13], c[a + 14], c[a + 15]);
  } catch {
    // (a trap: the caller, blocked in its wait, cannot see this thread's 'error' event) Not ready
    // any more, then done: the caller sees both and raises the failure.
    Atomics.store(c, o + 31, 0);
    failed = true;
  }
  Atomics.store(c, o + 30, seen);
  Atomics.notify(c, o + 30);
  if (failed) break;
}
`;

/** (verify, trace) The bytes a job writes, as one [from, to) span per output (its parts together);
 * not attention's scratch, which each pair writes before it reads it. */
function outputSpans(
  fn: number,
  parts: number,
  argsOf: (part: number) => number[],
  end: number,
): [number, number][] {
  const spans: [number, number][] = [];
  const add = (k: number, from: number, to: number) => {
    to = Math.min(to, end);
    if (to <= from) return;
    const s = spans[k];
    spans[k] = s ? [Math.min(s[0], from), Math.max(s[1], to)] : [from, to];
  };
  for (let p = 0; p < parts; p++) {
    const a = argsOf(p);
    if (fn === MM || fn === MM_DOT) {
      // C rows [m0, m1) of width sci, columns up to n1.
      const [c, sci, m0, m1, n1] =
        fn === MM ? [a[7], a[8], a[12], a[13], a[15]] : [a[3], a[4], a[7], a[8], a[10]];
      if (m1 > m0) add(0, c + 4 * m0 * sci, c + 4 * ((m1 - 1) * sci + n1));
    } else if (fn === ATTN_FWD || fn === ATTN_BWD) {
      const bwd = fn === ATTN_BWD ? 1 : 0;
      const [out, T, H, hd] = [a[1 + 2 * bwd], a[4 + bwd], a[5 + bwd], a[6 + bwd]];
      const [p0, p1] = [a[7 + 2 * bwd], a[8 + 2 * bwd]];
      if (p1 <= p0) continue;
      // Rows of the sequences of pairs [p0, p1): out [B·T, D] forward, gqkv [B·T, 3D] backward.
      const row = 4 * T * H * hd * (bwd ? 3 : 1);
      add(0, out + Math.floor(p0 / H) * row, out + (Math.floor((p1 - 1) / H) + 1) * row);
      if (!bwd) add(1, a[2] + 4 * p0 * T * T, a[2] + 4 * p1 * T * T);
    } else if (fn === SOFTMAX) {
      add(0, a[1], a[1] + 4 * a[3] * a[4]);
      add(1, a[2], a[2] + 8 * a[3]);
    } else if (fn === GELU) {
      add(0, a[1], a[1] + 4 * a[3]);
      add(1, a[2], a[2] + 4 * a[3]);
    } else if (fn === SCALE) add(0, a[1], a[1] + 4 * a[2]);
    else if (fn === GELU_BWD) add(0, a[3], a[3] + 4 * a[4]);
  }
  return spans.filter(Boolean);
}

/** (verify) The arguments that run a split job as one part, as the caller does when alone. */
function wholeJob(fn: number, parts: number, argsOf: (part: number) => number[]): number[] {
  const all = Array.from({ length: parts }, (_, p) => argsOf(p));
  const a = [...all[0]];
  const span = (lo: number, hi: number) => {
    a[lo] = Math.min(...all.map((x) => x[lo]));
    a[hi] = Math.max(...all.map((x) => x[hi]));
  };
  const sum = (i: number) => {
    a[i] = all.reduce((n, x) => n + x[i], 0);
  };
  if (fn === MM) {
    span(12, 13);
    span(14, 15);
  } else if (fn === MM_DOT) span(9, 10);
  else if (fn === ATTN_FWD) span(7, 8);
  else if (fn === ATTN_BWD) span(9, 10);
  else if (fn === SOFTMAX || fn === GELU) sum(3);
  else if (fn === SCALE) sum(2);
  else if (fn === GELU_BWD) sum(4);
  return a;
}

export function defaultThreads(): number {
  const env = process.env.BREAKFIX_THREADS;
  if (env !== undefined && env !== '') return Math.max(0, Number(env) - 1);
  return Math.max(0, Math.min(availableParallelism(), 8) - 1);
}

const align64 = (bytes: number) => Math.ceil(bytes / 64) * 64;

export function loadWasmKernels(
  threads = defaultThreads(),
  {
    backoff = true,
    verify = process.env.BREAKFIX_KERNEL_VERIFY === '1',
    trace = process.env.BREAKFIX_KERNEL_TRACE || undefined,
  }: KernelOptions = {},
): WasmKernels | null {
  let module: object;
  let memory: WasmMemory;
  let ex: Exports;
  try {
    const bytes = readFileSync(new URL('./matmul.wasm', import.meta.url));
    module = new WA.Module(bytes);
    memory = new WA.Memory({ initial: 16, maximum: MAX_PAGES, shared: true });
    ex = new WA.Instance(module, {
      env: {
        memory,
        abort: () => {
          throw new Error('wasm kernel abort');
        },
      },
    }).exports as Exports;
  } catch {
    return null;
  }
  // The decode attention's module, over the same memory (the caller's thread only).
  type DecodeExports = { scores: (...a: number[]) => number; wsum: (...a: number[]) => void };
  let dex: DecodeExports | null = null;
  try {
    const bytes = readFileSync(new URL('./decode.wasm', import.meta.url));
    dex = new WA.Instance(new WA.Module(bytes), {
      env: {
        memory,
        abort: () => {
          throw new Error('wasm kernel abort');
        },
      },
    }).exports as DecodeExports;
  } catch {
    dex = null;
  }
  const ctrlBuf = new SharedArrayBuffer(Math.max(1, threads) * SLOT * 4);
  const ctrl = new Int32Array(ctrlBuf);
  const workers: Worker[] = [];
  for (let w = 0; w < threads; w++) {
    try {
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { module, memory, ctrl: ctrlBuf, slot: w, SLOT, FNS },
      });
      worker.unref();
      worker.on('error', () => Atomics.store(ctrl, w * SLOT + READY, 0));
      workers.push(worker);
    } catch {
      break;
    }
  }
  const seq = new Int32Array(workers.length);

  // Every buffer object the memory has handed out (one per size it has had): an array is resident
  // when its buffer is one of them. Views made before a grow stay valid (the memory is shared).
  // Only this thread grows the memory, so its buffer object is cached (the getter is not free).
  const buffers = new WeakSet<object>();
  // (verify) Released memory [from, to) in bytes, filled with NaN.
  const poison = (from: number, to: number) => {
    if (to > from) heap.fill(Number.NaN, from >> 2, to >> 2);
  };
  let verified = 0;
  let buffer = memory.buffer;
  let heap = new Float32Array(buffer);
  buffers.add(buffer);
  const ensure = (bytesNeeded: number) => {
    const have = buffer.byteLength;
    if (bytesNeeded <= have) return;
    if (bytesNeeded > MAX_PAGES * 65536)
      throw new Error(
        `lm kernels: ${(bytesNeeded / 2 ** 20).toFixed(0)} MiB of kernel memory needed, ${MAX_PAGES / 16} MiB available (use smaller batches)`,
      );
    const pages = Math.min(MAX_PAGES * 65536 - have, Math.max(bytesNeeded - have, 64 << 20)) / 65536;
    memory.grow(Math.ceil(pages));
    buffer = memory.buffer;
    heap = new Float32Array(buffer);
    buffers.add(buffer);
  };

  // Layout: [BASE, top) holds pinned arrays, then arena allocations; scratch for one call starts at
  // `top` and is dropped when the call returns.
  const pinned = new Map<Float32Array, { at: number; refs: number }>();
  let top = BASE;
  let depth = 0;
  const limit = MAX_PAGES * 65536 - SCRATCH_RESERVE;

  const alloc = (n: number, zeroed = false): Float32Array | null => {
    const bytes = align64(n * 4);
    if (depth === 0 || top + bytes > limit) return null;
    ensure(top + bytes);
    if (zeroed) ex.zero(top, bytes);
    else if (verify) poison(top, top + bytes);
    const arr = new Float32Array(buffer, top, n);
    top += bytes;
    return arr;
  };
  const scope = <T>(fn: () => T): T => {
    const mark = top;
    depth++;
    try {
      return fn();
    } finally {
      depth--;
      if (verify) poison(mark, top);
      top = mark;
    }
  };

  // Per call: operands not resident go to scratch at `sp`; `back` lists outputs to copy out after.
  let sp = BASE;
  const back: [Float32Array, number, number][] = [];
  const begin = () => {
    if (verify) poison(top, sp);
    sp = top;
    back.length = 0;
  };
  const scratch = (n: number) => {
    const p = sp;
    sp += align64(n * 4);
    ensure(sp);
    return p;
  };
  /** Byte offset of `arr`'s first n floats in wasm memory: in place if resident, else a scratch copy
   * (copied in when `input`, copied back after the call when `output`). */
  const place = (arr: Float32Array, n: number, input: boolean, output: boolean): number => {
    if (buffers.has(arr.buffer)) return arr.byteOffset;
    const pin = pinned.get(arr);
    if (pin && !output) return pin.at;
    const p = scratch(n);
    if (input) heap.set(arr.subarray(0, n), p >> 2);
    if (output) back.push([arr, p, n]);
    return p;
  };
  const end = () => {
    for (const [arr, p, n] of back) arr.set(heap.subarray(p >> 2, (p >> 2) + n));
    back.length = 0;
  };

  // When the other cores are busy (another process, parallel test workers), waiting for a starved
  // worker costs more than doing the whole job here. After a few such waits in a row, run alone for
  // a while, then try the workers again.
  let strikes = 0;
  let solo = 0;
  const fns = FNS.map((n) => ex[n]);

  /** Workers ready to take a part of a job of this size. */
  const readyWorkers = (big: boolean): number[] => {
    const ready: number[] = [];
    if (solo > 0) solo--;
    else if (big)
      for (let w = 0; w < workers.length; w++) if (Atomics.load(ctrl, w * SLOT + READY) === 1) ready.push(w);
    return ready;
  };
  /** Waits until every worker in `ready` has ended its part; returns the first failed part (1…),
   * else 0. A worker whose part threw clears its READY flag before it reports done (the caller is
   * blocked here, so the worker's 'error' event could never reach it); one that died otherwise
   * has READY cleared by its error handler. */
  const join = (ready: number[]): number => {
    let failed = 0;
    ready.forEach((w, i) => {
      const o = w * SLOT + DONE;
      for (;;) {
        const done = Atomics.load(ctrl, o);
        if (done === seq[w] || Atomics.load(ctrl, w * SLOT + READY) !== 1) break;
        Atomics.wait(ctrl, o, done, 50);
      }
      if (!failed && Atomics.load(ctrl, w * SLOT + READY) !== 1) failed = i + 1;
    });
    return failed;
  };
  // (trace) Lines not yet appended to the trace file: written in batches, and at exit.
  let traced = 0;
  const traceLines: string[] = [];
  const flushTrace = () => {
    if (trace && traceLines.length) appendFileSync(trace, traceLines.splice(0).join(''));
  };
  if (trace) process.on('exit', flushTrace);
  const traceJob = (fn: number, parts: number, argsOf: (part: number) => number[]) => {
    const hash = createHash('md5');
    // The sum says how far a differing output is off: by a rounding, or by garbage.
    let sum = 0;
    for (const [from, to] of outputSpans(fn, parts, argsOf, heap.buffer.byteLength)) {
      hash.update(new Uint8Array(heap.buffer, from, to - from));
      for (let i = from >> 2; i < to >> 2; i++) sum += heap[i];
    }
    traceLines.push(
      `${traced++} ${FNS[fn]} ${parts} ${hash.digest('hex')} ${sum.toPrecision(9)} ${argsOf(0).join(',')}\n`,
    );
    if (traceLines.length >= 4096) flushTrace();
  };

  /** Runs fns[fn] with argsOf(part) for parts 1… on `ready` workers and part 0 here, then waits. */
  const dispatch = (fn: number, ready: number[], argsOf: (part: number) => number[]) => {
    run(fn, ready, argsOf);
    if (trace) traceJob(fn, ready.length + 1, argsOf);
  };
  const run = (fn: number, ready: number[], argsOf: (part: number) => number[]) => {
    // (verify) The job's outputs as they are before it runs, for the recheck to start from.
    const before =
      verify && ready.length > 0
        ? outputSpans(fn, ready.length + 1, argsOf, heap.buffer.byteLength).map(([from, to]) =>
            new Uint8Array(heap.buffer, from, to - from).slice(),
          )
        : null;
    ready.forEach((w, i) => {
      const o = w * SLOT;
      const args = argsOf(i + 1);
      ctrl[o + 1] = fn;
      for (let k = 0; k < args.length; k++) ctrl[o + ARGS + k] = args[k];
      seq[w] = (seq[w] + 1) & 0x3fffffff;
      Atomics.store(ctrl, o, seq[w]);
      Atomics.notify(ctrl, o);
    });
    const t0 = performance.now();
    try {
      fns[fn](...argsOf(0));
    } catch (e) {
      // The parts handed out still end first: one left running would write into memory that the
      // next calls reuse.
      join(ready);
      throw e;
    }
    if (ready.length === 0) return;
    const t1 = performance.now();
    const failed = join(ready);
    if (failed > 0)
      throw new Error(
        `lm kernels: a worker thread failed in ${FNS[fn]} (part ${failed + 1} of ${ready.length + 1}); it takes no more work`,
      );
    const waited = performance.now() - t1;
    if (backoff && waited > 2 * (t1 - t0) + 0.2) {
      if (++strikes >= 4) {
        solo = 256;
        strikes = 0;
      }
    } else strikes = 0;
    if (before) recheck(fn, ready.length + 1, argsOf, before);
  };

  /** (verify) Runs the parts of a job just done by the threads again on the caller alone, from its
   * outputs as they were before (`before`): its parts in order, then last part first, then as one
   * part (as the caller alone runs it), and throws where any differs from the threads' result. Parts that read what another part writes give a
   * different result in the two orders, so no timing of the threads (under load a worker often
   * starts only after the caller's part is done, or ends its own before the caller begins) hides them. */
  const recheck = (fn: number, parts: number, argsOf: (part: number) => number[], before: Uint8Array[]) => {
    const spans = outputSpans(fn, parts, argsOf, heap.buffer.byteLength);
    const view = ([from, to]: [number, number]) => Buffer.from(heap.buffer, from, to - from);
    const split = spans.map((span) => Buffer.from(view(span)));
    for (const order of [1, -1, 0]) {
      for (const [k, span] of spans.entries()) view(span).set(before[k]);
      if (order === 0) fns[fn](...wholeJob(fn, parts, argsOf));
      else for (let i = 0; i < parts; i++) fns[fn](...argsOf(order > 0 ? i : parts - 1 - i));
      for (const [k, span] of spans.entries()) {
        const solo = view(span);
        if (solo.equals(split[k])) continue;
        let i = 0;
        while (solo.readInt32LE(i) === split[k].readInt32LE(i)) i += 4;
        throw new Error(
          `lm kernels (verify): ${FNS[fn]} over ${parts} threads wrote ${split[k].readFloatLE(i)} at byte ${span[0] + i} where the caller alone (${order > 0 ? 'parts in order' : order < 0 ? 'parts last first' : 'as one part'}) writes ${solo.readFloatLE(i)} (args ${argsOf(0).join(',')})`,
        );
      }
    }
    verified++;
  };

  /**
   * C [M,N] (+)= A·B, split over threads by rows (or columns when M is small). A(i,k) at
   * pa + 4(i·sai + k·sak); B(k,j) at pb + 4(k·sbk + j·sbj). Products big enough to pay for it read
   * packed copies (O(n²) against O(n³)): B in 8-column strips and A in 4-row tiles, so the kernel
   * streams both instead of striding through memory (Aᵀ·B and wide B were 2× slower unpacked).
   */
  const product = (
    pa: number,
    sai: number,
    sak: number,
    pb: number,
    sbk: number,
    sbj: number,
    pc: number,
    M: number,
    K: number,
    N: number,
    acc: number,
  ) => {
    let pap = 0;
    let pbp = 0;
    // Measured (scratch/lm-perf/mmbench.ts): unpacked is as fast or faster while rows of B are at
    // most 2 KB apart and A's rows are contiguous; wider B (4 KB+ strides alias in the caches) and
    // Aᵀ (a stride of M per k) run ~2× faster packed.
    if (M >= 16 && sak !== 1) {
      pap = scratch((M & ~3) * K);
      ex.packA(pa, sai, sak, M, K, pap);
    }
    if (M >= 16 && N >= 1024) {
      pbp = scratch(Math.ceil(N / 8) * 8 * K);
      ex.packB(pb, sbk, sbj, K, N, pbp);
    } else if (sbj !== 1 && M < FEW_ROWS && sbk === 1) {
      // A·Bᵀ for a few rows (decoding): dot products over B's rows in place.
      dots(pa, sai, pb, pc, M, K, N, acc);
      return;
    } else if (sbj !== 1) {
      // Small products read B unpacked, which needs contiguous columns: transpose it.
      const t = scratch(K * N);
      ex.transposeStrided(pb, sbj, t, N, K);
      pb = t;
      sbk = N;
    }
    const work = M * K * N;
    const ready = readyWorkers(work >= (M >= 16 ? PARALLEL_MIN : PARALLEL_MIN_SKINNY));
    let parts = ready.length + 1;
    const byRows = M >= 4 * parts;
    if (!byRows && N < 8 * parts) parts = 1;
    const total = byRows ? M : N;
    const align = byRows ? 4 : 8;
    const chunk = Math.ceil(total / parts / align) * align;
    dispatch(MM, ready.slice(0, parts - 1), (p) => {
      const lo = Math.min(total, p * chunk);
      const hi = Math.min(total, (p + 1) * chunk);
      return byRows
        ? [pa, sai, sak, pap, pb, sbk, pbp, pc, N, K, acc, 0, lo, hi, 0, N]
        : [pa, sai, sak, pap, pb, sbk, pbp, pc, N, K, acc, 0, 0, M, lo, hi];
    });
  };

  /** C [M,N] (+)= A·Bᵀ with B [N,K] rows in place, as one dot product per element (split by
   * columns): each row of C comes out the same whatever M is. */
  const dots = (
    pa: number,
    sai: number,
    pb: number,
    pc: number,
    M: number,
    K: number,
    N: number,
    acc: number,
  ) => {
    const ready = readyWorkers(M * K * N >= PARALLEL_MIN_SKINNY).slice(0, Math.floor(N / 64));
    const chunk = Math.ceil(N / (ready.length + 1) / 8) * 8;
    dispatch(MM_DOT, ready, (p) => [
      pa,
      sai,
      pb,
      pc,
      N,
      K,
      acc,
      0,
      M,
      Math.min(N, p * chunk),
      Math.min(N, (p + 1) * chunk),
    ]);
  };

  const pin = (arrays: Float32Array[]) => {
    // Pinning inside an arena scope would be released with it: skip (operands are then copied).
    if (depth > 0) return;
    for (const arr of arrays) {
      const p = pinned.get(arr);
      if (p) {
        p.refs++;
        continue;
      }
      ensure(top + arr.length * 4);
      heap.set(arr, top >> 2);
      pinned.set(arr, { at: top, refs: 1 });
      top += align64(arr.length * 4);
    }
  };
  const unpin = (arrays: Float32Array[]) => {
    for (const arr of arrays) {
      const p = pinned.get(arr);
      if (p && --p.refs === 0) pinned.delete(arr);
    }
    if (pinned.size === 0 && depth === 0) top = BASE;
  };

  const matmulNN: MatmulFn = (a, b, c, M, K, N, accumulate = false) => {
    begin();
    const pa = place(a, M * K, true, false);
    const pb = place(b, K * N, true, false);
    const pc = place(c, M * N, accumulate, true);
    product(pa, K, 1, pb, N, 1, pc, M, K, N, accumulate ? 1 : 0);
    end();
  };
  /** C[M,N] (+)= A[M,K]·B[N,K]ᵀ: B read through its strides (packed or transposed first). */
  const matmulNT: MatmulFn = (a, b, c, M, K, N, accumulate = false) => {
    begin();
    const pa = place(a, M * K, true, false);
    const pb = place(b, N * K, true, false);
    const pc = place(c, M * N, accumulate, true);
    product(pa, K, 1, pb, 1, K, pc, M, K, N, accumulate ? 1 : 0);
    end();
  };
  const matmulNTRows: MatmulFn = (a, b, c, M, K, N, accumulate = false) => {
    begin();
    const pa = place(a, M * K, true, false);
    const pb = place(b, N * K, true, false);
    const pc = place(c, M * N, accumulate, true);
    dots(pa, K, pb, pc, M, K, N, accumulate ? 1 : 0);
    end();
  };
  /** C[M,N] (+)= A[K,M]ᵀ·B[K,N]: A read through its strides (packed when large). */
  const matmulTN: MatmulFn = (a, b, c, M, K, N, accumulate = false) => {
    begin();
    const pa = place(a, K * M, true, false);
    const pb = place(b, K * N, true, false);
    const pc = place(c, M * N, accumulate, true);
    product(pa, 1, M, pb, N, 1, pc, M, K, N, accumulate ? 1 : 0);
    end();
  };
  const softmaxRows: SoftmaxFn = (x, out, lse, n, V, scale = 1, causal = false, off = 0) => {
    begin();
    const px = place(x, n * V, true, false);
    const po = place(out, n * V, false, true);
    const pl = scratch(2 * n);
    if (scale === 1 && !causal && n * V >= ELEMENTWISE_PARALLEL_MIN) {
      // The cross-entropy's softmax over the vocabulary: rows split over the threads.
      const ready = readyWorkers(true).slice(0, n - 1);
      const chunk = Math.ceil(n / (ready.length + 1));
      dispatch(SOFTMAX, ready, (p) => {
        const lo = Math.min(n, p * chunk);
        const hi = Math.min(n, (p + 1) * chunk);
        return [px + lo * V * 4, po + lo * V * 4, pl + lo * 8, hi - lo, V];
      });
    } else ex.softmaxRows(px, po, pl, n, V, scale, causal ? 1 : 0, off);
    end();
    for (let i = 0; i < n; i++) lse[i] = heap[(pl >> 2) + 2 * i] + Math.log(heap[(pl >> 2) + 2 * i + 1]);
  };
  const geluRows = (x: Float32Array, out: Float32Array, th: Float32Array, n: number) => {
    begin();
    const px = place(x, n, true, false);
    const po = place(out, n, false, true);
    const pt = place(th, n, false, true);
    const ready = readyWorkers(n >= ELEMENTWISE_PARALLEL_MIN);
    const chunk = Math.ceil(n / (ready.length + 1) / 4) * 4;
    dispatch(GELU, ready, (p) => {
      const lo = Math.min(n, p * chunk);
      const hi = Math.min(n, (p + 1) * chunk);
      return [px + lo * 4, po + lo * 4, pt + lo * 4, hi - lo];
    });
    end();
  };
  /** An element-wise job over n floats, split over the threads in 4-aligned ranges. */
  const elementwise = (fn: number, n: number, argsOf: (lo: number, hi: number) => number[]) => {
    const ready = readyWorkers(n >= ELEMENTWISE_PARALLEL_MIN);
    const chunk = Math.ceil(n / (ready.length + 1) / 4) * 4;
    dispatch(fn, ready, (p) => argsOf(Math.min(n, p * chunk), Math.min(n, (p + 1) * chunk)));
  };
  const f32bits = new Int32Array(new Float32Array(1).buffer);
  const f32view = new Float32Array(f32bits.buffer);
  const scaleInto: ScaleIntoFn = (src, dst, n, s, accumulate) => {
    begin();
    const ps = place(src, n, true, false);
    const pd = place(dst, n, accumulate, true);
    f32view[0] = s;
    const bits = f32bits[0];
    elementwise(SCALE, n, (lo, hi) => [ps + lo * 4, pd + lo * 4, hi - lo, bits, accumulate ? 1 : 0]);
    end();
  };
  const geluBackward: GeluBackwardFn = (x, th, g, gx, n, accumulate) => {
    begin();
    const px = place(x, n, true, false);
    const pt = place(th, n, true, false);
    const pg = place(g, n, true, false);
    const pgx = place(gx, n, accumulate, true);
    const acc = accumulate ? 1 : 0;
    elementwise(GELU_BWD, n, (lo, hi) => [px + lo * 4, pt + lo * 4, pg + lo * 4, pgx + lo * 4, hi - lo, acc]);
    end();
  };
  /** (sequence, head) pairs split over the threads, each part with its own scratch. */
  const pairs = (
    fn: number,
    B: number,
    T: number,
    H: number,
    hd: number,
    argsOf: (ps: number) => number[],
  ) => {
    const P = B * H;
    const ready = readyWorkers(P > 1 && T >= 16).slice(0, P - 1);
    const parts = ready.length + 1;
    const per = Math.ceil(P / parts);
    const ps: number[] = [];
    for (let p = 0; p < parts; p++) ps.push(scratch(T * T + hd * T + 2 * T));
    dispatch(fn, ready, (p) => [...argsOf(ps[p]), Math.min(P, p * per), Math.min(P, (p + 1) * per)]);
  };
  const attention: AttentionFn = (qkv, out, att, B, T, H) => {
    const D = out.length / (B * T);
    begin();
    const pq = place(qkv, B * T * 3 * D, true, false);
    const po = place(out, B * T * D, false, true);
    const pa = place(att, B * H * T * T, false, true);
    pairs(ATTN_FWD, B, T, H, D / H, (s) => [pq, po, pa, s, T, H, D / H]);
    end();
  };
  const attentionBackward: AttentionBackwardFn = (qkv, gout, att, gqkv, B, T, H, accumulate = true) => {
    const D = gout.length / (B * T);
    begin();
    const pq = place(qkv, B * T * 3 * D, true, false);
    const pg = place(gout, B * T * D, true, false);
    const pa = place(att, B * H * T * T, true, false);
    const pgq = place(gqkv, B * T * 3 * D, accumulate, true);
    const acc = accumulate ? 1 : 0;
    pairs(ATTN_BWD, B, T, H, D / H, (s) => [pq, pg, pa, pgq, s, T, H, D / H, acc]);
    end();
  };
  let heap64 = new Float64Array(buffer);
  const decodeAttention: DecodeAttentionFn = (qkv, r0, r1, pos0, K, V, att, D, H) => {
    const d = dex!;
    const rows = r1 - r0;
    const n = pos0 + rows;
    const hd = D / H;
    const sc = 1 / Math.sqrt(hd);
    begin();
    const pq = scratch(rows * 3 * D);
    heap.set(qkv.subarray(r0 * 3 * D, r1 * 3 * D), pq >> 2);
    const pk = scratch(n * D);
    heap.set(K.subarray(0, n * D), pk >> 2);
    const pv = scratch(n * D);
    heap.set(V.subarray(0, n * D), pv >> 2);
    const ps = scratch(n);
    const pw = scratch(2 * n);
    const po = scratch(rows * D);
    if (heap64.buffer !== heap.buffer) heap64 = new Float64Array(heap.buffer);
    const s = ps >> 2;
    const w = pw >> 3;
    for (let r = 0; r < rows; r++) {
      const m = pos0 + r + 1;
      for (let hh = 0; hh < H; hh++) {
        const max = d.scores(pq + (r * 3 * D + hh * hd) * 4, pk + hh * hd * 4, D, hd, m, sc, ps);
        // The softmax as generate.ts's twin does it: V8's Math.exp, each term rounded to float32
        // (it was stored in a Float32Array) before it is summed.
        let sum = 0;
        for (let t = 0; t < m; t++) {
          const e = Math.fround(Math.exp(heap[s + t] - max));
          heap[s + t] = e;
          sum += e;
        }
        const inv = 1 / sum;
        for (let t = 0; t < m; t++) heap64[w + t] = heap[s + t] * inv;
        d.wsum(pw, m, pv + hh * hd * 4, D, hd, po + (r * D + hh * hd) * 4);
      }
    }
    att.set(heap.subarray(po >> 2, (po >> 2) + rows * D), r0 * D);
  };
  return {
    decodeAttention: dex ? decodeAttention : null,
    matmulNN,
    matmulNT,
    matmulNTRows,
    matmulTN,
    softmaxRows,
    geluRows,
    geluBackward,
    scaleInto,
    attention,
    attentionBackward,
    pin,
    unpin,
    alloc,
    scope,
    threads: workers.length,
    startedWorkers: () => workers.filter((_, w) => Atomics.load(ctrl, w * SLOT + READY) === 1).length,
    verifiedJobs: () => verified,
    wakeIdleWorkers: () => {
      for (let w = 0; w < workers.length; w++) Atomics.notify(ctrl, w * SLOT);
    },
    flushTrace,
  };
}
