// A small reverse-mode autograd engine over float32 tensors. Each op computes its forward result
// and registers an explicit backward closure on the active tape; `backward(loss)` replays the tape
// in reverse. Every op here has a finite-difference gradient check in test/lm/grad.test.ts.
//
// Inside `withArena`, the outputs of ops (and their gradients) live in the kernels' memory, so the
// WASM kernels read and write them in place instead of copying them in and out for every call.
import {
  attention,
  attentionBackward,
  geluBackward,
  geluRows,
  kernelAlloc,
  kernelScope,
  matmulNN,
  matmulNT,
  matmulTN,
  scaleInto,
  softmaxRows,
} from './kernels/index.js';

export class Tensor {
  grad: Float32Array | null = null;
  /** Set on op outputs made inside `withArena`: the gradient goes to the arena too. */
  scoped = false;
  constructor(
    readonly data: Float32Array,
    readonly shape: number[],
    readonly requiresGrad = false,
  ) {}

  get size(): number {
    return this.data.length;
  }

  /**
   * Where a backward pass writes this tensor's gradient, and whether it must add to it: a gradient
   * not made yet is allocated without zeroing (for arena tensors) and the caller then overwrites
   * every element, which saves a pass over memory per op.
   */
  gradSlot(): [Float32Array, boolean] {
    if (this.grad) return [this.grad, true];
    this.grad = this.scoped ? buf(this.data.length, false) : new Float32Array(this.data.length);
    return [this.grad, false];
  }

  ensureGrad(): Float32Array {
    if (!this.grad)
      this.grad = this.scoped ? buf(this.data.length, true) : new Float32Array(this.data.length);
    return this.grad;
  }

  static zeros(shape: number[], requiresGrad = false): Tensor {
    return new Tensor(new Float32Array(shape.reduce((a, b) => a * b, 1)), shape, requiresGrad);
  }
}

/**
 * Runs fn with the tensors its ops create (and their gradients) in the kernels' memory; they are
 * released when fn returns, so nothing created inside may be used after it: read what you need
 * (a loss, log-probs) inside. Parameters and their gradients are made outside and are not affected.
 */
export function withArena<T>(fn: () => T): T {
  return kernelScope(fn);
}

/** A float32 buffer: in the arena when one is active (and has room), else an ordinary array. */
function buf(n: number, zero: boolean): Float32Array {
  return kernelAlloc(n, zero) ?? new Float32Array(n);
}

type Backward = () => void;

/** The active tape. Ops record onto it only when some input requires a gradient. */
let tape: Backward[] | null = null;

export function withTape<T>(fn: () => T): { result: T; backward: () => void } {
  const previous = tape;
  const local: Backward[] = [];
  tape = local;
  try {
    const result = fn();
    return {
      result,
      backward: () => {
        for (let i = local.length - 1; i >= 0; i--) local[i]();
      },
    };
  } finally {
    tape = previous;
  }
}

function record(out: Tensor, inputs: Tensor[], fn: Backward): Tensor {
  if (tape && inputs.some((t) => t.requiresGrad)) {
    (out as { requiresGrad: boolean }).requiresGrad = true;
    tape.push(() => {
      if (out.grad) fn();
    });
  }
  return out;
}

/** An op's output; `zero` when the op does not write every element. */
function out(shape: number[], zero = false): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const a = kernelAlloc(n, zero);
  if (!a) return Tensor.zeros(shape);
  const t = new Tensor(a, shape);
  t.scoped = true;
  return t;
}

/** [M,K] · [K,N] → [M,N] */
export function matmul(a: Tensor, w: Tensor): Tensor {
  const [M, K] = a.shape;
  const N = w.shape[1];
  const o = out([M, N]);
  matmulNN(a.data, w.data, o.data, M, K, N);
  return record(o, [a, w], () => {
    const g = o.grad!;
    if (a.requiresGrad) {
      const [ga, acc] = a.gradSlot();
      matmulNT(g, w.data, ga, M, N, K, acc);
    }
    if (w.requiresGrad) matmulTN(a.data, g, w.ensureGrad(), K, M, N, true);
  });
}

/** [M,K] · [N,K]ᵀ → [M,N] (tied output embedding). */
export function matmulT(a: Tensor, w: Tensor): Tensor {
  const [M, K] = a.shape;
  const N = w.shape[0];
  const o = out([M, N]);
  matmulNT(a.data, w.data, o.data, M, K, N);
  return record(o, [a, w], () => {
    const g = o.grad!;
    if (a.requiresGrad) {
      const [ga, acc] = a.gradSlot();
      matmulNN(g, w.data, ga, M, N, K, acc);
    }
    if (w.requiresGrad) matmulTN(g, a.data, w.ensureGrad(), N, M, K, true);
  });
}

/** Rows `rows` of x [n, D] → [R, D]; backward: each row's gradient to its place, zero elsewhere. */
export function pickRows(x: Tensor, rows: Int32Array): Tensor {
  const D = x.shape[1];
  const o = out([rows.length, D]);
  for (let k = 0; k < rows.length; k++) o.data.set(x.data.subarray(rows[k] * D, rows[k] * D + D), k * D);
  return record(o, [x], () => {
    const g = o.grad!;
    const [gx, acc] = x.gradSlot();
    if (!acc) gx.fill(0);
    for (let k = 0; k < rows.length; k++) {
      const r = rows[k] * D;
      if (acc) for (let d = 0; d < D; d++) gx[r + d] += g[k * D + d];
      else gx.set(g.subarray(k * D, k * D + D), r);
    }
  });
}

export function add(a: Tensor, b: Tensor): Tensor {
  const o = out(a.shape);
  const n = a.size;
  for (let i = 0; i < n; i++) o.data[i] = a.data[i] + b.data[i];
  return record(o, [a, b], () => {
    const g = o.grad!;
    for (const t of [a, b]) {
      if (!t.requiresGrad) continue;
      const [gt, acc] = t.gradSlot();
      if (acc) addInto(gt, g);
      else gt.set(g);
    }
  });
}

export function mul(a: Tensor, b: Tensor): Tensor {
  const o = out(a.shape);
  const n = a.size;
  for (let i = 0; i < n; i++) o.data[i] = a.data[i] * b.data[i];
  return record(o, [a, b], () => {
    const g = o.grad!;
    if (a.requiresGrad) {
      const ga = a.ensureGrad();
      for (let i = 0; i < n; i++) ga[i] += g[i] * b.data[i];
    }
    if (b.requiresGrad) {
      const gb = b.ensureGrad();
      for (let i = 0; i < n; i++) gb[i] += g[i] * a.data[i];
    }
  });
}

export function scale(a: Tensor, s: number): Tensor {
  const o = out(a.shape);
  for (let i = 0; i < a.size; i++) o.data[i] = a.data[i] * s;
  return record(o, [a], () => {
    const g = o.grad!;
    const ga = a.ensureGrad();
    for (let i = 0; i < a.size; i++) ga[i] += g[i] * s;
  });
}

/** Rows of `table` [V,D] picked by `ids` → [n,D]; backward scatter-adds. */
export function embedding(table: Tensor, ids: ArrayLike<number>): Tensor {
  const D = table.shape[1];
  const n = ids.length;
  const o = out([n, D]);
  for (let i = 0; i < n; i++) o.data.set(table.data.subarray(ids[i] * D, ids[i] * D + D), i * D);
  return record(o, [table], () => {
    const g = o.grad!;
    const gt = table.ensureGrad();
    for (let i = 0; i < n; i++) {
      const src = i * D;
      const dst = ids[i] * D;
      for (let d = 0; d < D; d++) gt[dst + d] += g[src + d];
    }
  });
}

/** RMSNorm over the last dimension with a learned gain. */
export function rmsnorm(x: Tensor, weight: Tensor, eps = 1e-5): Tensor {
  const [n, D] = x.shape;
  const o = out([n, D]);
  const inv = new Float32Array(n);
  // Arrays in locals: V8 does not hoist the property loads out of the loops.
  const xd = x.data;
  const wd = weight.data;
  const od = o.data;
  for (let i = 0; i < n; i++) {
    let ss = 0;
    const r = i * D;
    for (let d = 0; d < D; d++) ss += xd[r + d] * xd[r + d];
    const s = 1 / Math.sqrt(ss / D + eps);
    inv[i] = s;
    for (let d = 0; d < D; d++) od[r + d] = xd[r + d] * s * wd[d];
  }
  return record(o, [x, weight], () => {
    const g = o.grad!;
    const [gx, accX] = x.requiresGrad ? x.gradSlot() : [null, false];
    const gw = weight.requiresGrad ? weight.ensureGrad() : null;
    for (let i = 0; i < n; i++) {
      const r = i * D;
      const s = inv[i];
      let dot = 0;
      for (let d = 0; d < D; d++) {
        const gn = g[r + d] * wd[d];
        dot += gn * xd[r + d];
        if (gw) gw[d] += g[r + d] * xd[r + d] * s;
      }
      if (gx) {
        const c = (dot * s * s * s) / D;
        if (accX) for (let d = 0; d < D; d++) gx[r + d] += g[r + d] * wd[d] * s - xd[r + d] * c;
        else for (let d = 0; d < D; d++) gx[r + d] = g[r + d] * wd[d] * s - xd[r + d] * c;
      }
    }
  });
}

/** GELU, tanh approximation. tanh is kept from the forward pass for the backward. */
export function gelu(x: Tensor): Tensor {
  const o = out(x.shape);
  const n = x.size;
  const th = buf(n, false);
  const xd = x.data;
  geluRows(xd, o.data, th, n);
  return record(o, [x], () => {
    const [gx, acc] = x.gradSlot();
    geluBackward(xd, th, o.grad!, gx, n, acc);
  });
}

/** Row-wise softmax over the last dimension. */
export function softmax(x: Tensor): Tensor {
  const [n, V] = x.shape;
  const o = out([n, V]);
  softmaxRows(x.data, o.data, new Float32Array(n), n, V);
  return record(o, [x], () => {
    const g = o.grad!;
    const gx = x.ensureGrad();
    for (let i = 0; i < n; i++) {
      const r = i * V;
      let dot = 0;
      for (let j = 0; j < V; j++) dot += g[r + j] * o.data[r + j];
      for (let j = 0; j < V; j++) gx[r + j] += o.data[r + j] * (g[r + j] - dot);
    }
  });
}

/** Row-wise log-softmax over the last dimension. */
export function logSoftmax(x: Tensor): Tensor {
  const [n, V] = x.shape;
  const o = out([n, V]);
  const probs = buf(n * V, false);
  const lse = new Float32Array(n);
  softmaxRows(x.data, probs, lse, n, V);
  for (let i = 0; i < n; i++) {
    const r = i * V;
    for (let j = 0; j < V; j++) o.data[r + j] = x.data[r + j] - lse[i];
  }
  return record(o, [x], () => {
    const g = o.grad!;
    const gx = x.ensureGrad();
    for (let i = 0; i < n; i++) {
      const r = i * V;
      let sum = 0;
      for (let j = 0; j < V; j++) sum += g[r + j];
      for (let j = 0; j < V; j++) gx[r + j] += g[r + j] - probs[r + j] * sum;
    }
  });
}

/**
 * Mean cross-entropy of `logits` [n,V] against `targets`, counting only rows where `mask` is 1
 * (the ignore-mask: prompt tokens and padding carry 0). Returns a scalar tensor. The softmax is
 * computed once (SIMD kernel) and kept for the backward pass.
 */
export function crossEntropy(logits: Tensor, targets: ArrayLike<number>, mask: ArrayLike<number>): Tensor {
  const [n, V] = logits.shape;
  let count = 0;
  for (let i = 0; i < n; i++) count += mask[i] ? 1 : 0;
  const denom = Math.max(1, count);
  const o = out([1]);
  const probs = buf(n * V, false);
  const lse = new Float32Array(n);
  softmaxRows(logits.data, probs, lse, n, V);
  let loss = 0;
  for (let i = 0; i < n; i++) if (mask[i]) loss += lse[i] - logits.data[i * V + targets[i]];
  o.data[0] = loss / denom;
  return record(o, [logits], () => {
    const g = o.grad![0] / denom;
    const [gl, acc] = logits.gradSlot();
    if (!acc) {
      // g·probs over every row in one (SIMD, threaded) pass, then the rows outside the mask cleared.
      scaleInto(probs, gl, n * V, g, false);
      for (let i = 0; i < n; i++) if (!mask[i]) gl.fill(0, i * V, (i + 1) * V);
    }
    for (let i = 0; i < n; i++) {
      if (!mask[i]) continue;
      const r = i * V;
      if (acc) for (let j = 0; j < V; j++) gl[r + j] += g * probs[r + j];
      gl[r + targets[i]] -= g;
    }
  });
}

/**
 * Summed log-probability of the masked targets per sequence: row i belongs to sequence `seq[i]`.
 * Returns [nSeq]. DPO differentiates through this.
 */
export function sequenceLogProbs(
  logits: Tensor,
  targets: ArrayLike<number>,
  mask: ArrayLike<number>,
  seq: ArrayLike<number>,
  nSeq: number,
): Tensor {
  const [n, V] = logits.shape;
  const o = out([nSeq], true);
  const probs = buf(n * V, false);
  const lse = new Float32Array(n);
  softmaxRows(logits.data, probs, lse, n, V);
  for (let i = 0; i < n; i++) if (mask[i]) o.data[seq[i]] += logits.data[i * V + targets[i]] - lse[i];
  return record(o, [logits], () => {
    const g = o.grad!;
    const gl = logits.ensureGrad();
    for (let i = 0; i < n; i++) {
      if (!mask[i]) continue;
      const gs = g[seq[i]];
      if (gs === 0) continue;
      const r = i * V;
      for (let j = 0; j < V; j++) gl[r + j] -= gs * probs[r + j];
      gl[r + targets[i]] += gs;
    }
  });
}

/**
 * Causal multi-head self-attention on packed q|k|v rows: `qkv` is [B*T, 3D]; returns [B*T, D].
 * Softmax(QKᵀ/√d + causal mask)·V per batch element and head, with an explicit backward (kernels:
 * the WASM one computes only the causal half of each product).
 */
export function causalAttention(qkv: Tensor, B: number, T: number, H: number): Tensor {
  const D = qkv.shape[1] / 3;
  const o = out([B * T, D]);
  const att = buf(B * H * T * T, false);
  attention(qkv.data, o.data, att, B, T, H);
  return record(o, [qkv], () => {
    const [gq, acc] = qkv.gradSlot();
    attentionBackward(qkv.data, o.grad!, att, gq, B, T, H, acc);
  });
}

export function softmaxRow(x: Float32Array, o: Float32Array, r: number, V: number): void {
  let max = -Infinity;
  for (let j = 0; j < V; j++) if (x[r + j] > max) max = x[r + j];
  let sum = 0;
  for (let j = 0; j < V; j++) {
    const e = Math.exp(x[r + j] - max);
    o[r + j] = e;
    sum += e;
  }
  const inv = 1 / sum;
  for (let j = 0; j < V; j++) o[r + j] *= inv;
}

function addInto(dst: Float32Array, src: Float32Array): void {
  for (let i = 0; i < dst.length; i++) dst[i] += src[i];
}
