// Dense float32 kernels in plain TypeScript. Row-major throughout. These are the reference
// implementations; every op in tensor.ts calls them.

/** C[M,N] (+)= A[M,K] · B[K,N]. */
export function matmulNN(
  a: Float32Array,
  b: Float32Array,
  c: Float32Array,
  M: number,
  K: number,
  N: number,
  accumulate = false,
): void {
  if (!accumulate) c.fill(0, 0, M * N);
  for (let i = 0; i < M; i++) {
    const ci = i * N;
    const ai = i * K;
    let k = 0;
    for (; k + 3 < K; k += 4) {
      const a0 = a[ai + k];
      const a1 = a[ai + k + 1];
      const a2 = a[ai + k + 2];
      const a3 = a[ai + k + 3];
      const b0 = k * N;
      const b1 = b0 + N;
      const b2 = b1 + N;
      const b3 = b2 + N;
      for (let j = 0; j < N; j++)
        c[ci + j] += a0 * b[b0 + j] + a1 * b[b1 + j] + a2 * b[b2 + j] + a3 * b[b3 + j];
    }
    for (; k < K; k++) {
      const av = a[ai + k];
      if (av === 0) continue;
      const bk = k * N;
      for (let j = 0; j < N; j++) c[ci + j] += av * b[bk + j];
    }
  }
}

/** C[M,N] (+)= A[M,K] · B[N,K]ᵀ. */
export function matmulNT(
  a: Float32Array,
  b: Float32Array,
  c: Float32Array,
  M: number,
  K: number,
  N: number,
  accumulate = false,
): void {
  for (let i = 0; i < M; i++) {
    const ai = i * K;
    const ci = i * N;
    let j = 0;
    for (; j + 3 < N; j += 4) {
      const b0 = j * K;
      const b1 = b0 + K;
      const b2 = b1 + K;
      const b3 = b2 + K;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let k = 0; k < K; k++) {
        const av = a[ai + k];
        s0 += av * b[b0 + k];
        s1 += av * b[b1 + k];
        s2 += av * b[b2 + k];
        s3 += av * b[b3 + k];
      }
      if (accumulate) {
        c[ci + j] += s0;
        c[ci + j + 1] += s1;
        c[ci + j + 2] += s2;
        c[ci + j + 3] += s3;
      } else {
        c[ci + j] = s0;
        c[ci + j + 1] = s1;
        c[ci + j + 2] = s2;
        c[ci + j + 3] = s3;
      }
    }
    for (; j < N; j++) {
      const bj = j * K;
      let s = 0;
      for (let k = 0; k < K; k++) s += a[ai + k] * b[bj + k];
      c[ci + j] = accumulate ? c[ci + j] + s : s;
    }
  }
}

/** C[M,N] (+)= A[K,M]ᵀ · B[K,N]. */
export function matmulTN(
  a: Float32Array,
  b: Float32Array,
  c: Float32Array,
  M: number,
  K: number,
  N: number,
  accumulate = false,
): void {
  if (!accumulate) c.fill(0, 0, M * N);
  for (let k = 0; k < K; k++) {
    const ak = k * M;
    const bk = k * N;
    let i = 0;
    for (; i + 1 < M; i += 2) {
      const a0 = a[ak + i];
      const a1 = a[ak + i + 1];
      const c0 = i * N;
      const c1 = c0 + N;
      for (let j = 0; j < N; j++) {
        const bv = b[bk + j];
        c[c0 + j] += a0 * bv;
        c[c1 + j] += a1 * bv;
      }
    }
    for (; i < M; i++) {
      const av = a[ak + i];
      if (av === 0) continue;
      const ci = i * N;
      for (let j = 0; j < N; j++) c[ci + j] += av * b[bk + j];
    }
  }
}

/**
 * Row-wise softmax of x[n,V] into out[n,V] with each row's log-sum-exp in lse[n]. Row i uses only
 * its first len(i) entries, times `scale`, and zeroes the rest: len(i) = V, or i + 1 + off when
 * `causal`.
 */
export function softmaxRows(
  x: Float32Array,
  out: Float32Array,
  lse: Float32Array,
  n: number,
  V: number,
  scale = 1,
  causal = false,
  off = 0,
): void {
  for (let i = 0; i < n; i++) {
    const L = causal ? Math.min(V, i + 1 + off) : V;
    const r = i * V;
    let max = -Infinity;
    for (let j = 0; j < L; j++) max = Math.max(max, x[r + j] * scale);
    let sum = 0;
    for (let j = 0; j < L; j++) {
      const e = Math.exp(x[r + j] * scale - max);
      out[r + j] = e;
      sum += e;
    }
    const inv = 1 / sum;
    for (let j = 0; j < L; j++) out[r + j] *= inv;
    out.fill(0, r + L, r + V);
    lse[i] = max + Math.log(sum);
  }
}

const GELU_C = Math.sqrt(2 / Math.PI);

/** GELU backward: gx (+)= g·GELU'(x), with t = tanh(·) kept from the forward pass. */
export function geluBackward(
  x: Float32Array,
  th: Float32Array,
  g: Float32Array,
  gx: Float32Array,
  n: number,
  accumulate: boolean,
): void {
  for (let i = 0; i < n; i++) {
    const v = x[i];
    const t = th[i];
    const du = GELU_C * (1 + 3 * 0.044715 * v * v);
    const d = g[i] * (0.5 * (1 + t) + 0.5 * v * (1 - t * t) * du);
    gx[i] = accumulate ? gx[i] + d : d;
  }
}

/** dst[n] (+)= s·src[n]. */
export function scaleInto(
  src: Float32Array,
  dst: Float32Array,
  n: number,
  s: number,
  accumulate: boolean,
): void {
  for (let i = 0; i < n; i++) dst[i] = accumulate ? dst[i] + s * src[i] : s * src[i];
}

/** GELU (tanh form) of x[n] into out[n], keeping tanh(·) in th[n] for the backward pass. */
export function geluRows(x: Float32Array, out: Float32Array, th: Float32Array, n: number): void {
  for (let i = 0; i < n; i++) {
    const v = x[i];
    const t = Math.tanh(GELU_C * (v + 0.044715 * v * v * v));
    th[i] = t;
    out[i] = 0.5 * v * (1 + t);
  }
}

/**
 * Causal self-attention on packed q|k|v rows: qkv [B·T, 3D] → out [B·T, D], keeping the
 * probabilities in att [B·H·T·T] (zero above the diagonal) for the backward pass.
 */
export function attention(
  qkv: Float32Array,
  out: Float32Array,
  att: Float32Array,
  B: number,
  T: number,
  H: number,
): void {
  const D = out.length / (B * T);
  const D3 = 3 * D;
  const hd = D / H;
  const sc = 1 / Math.sqrt(hd);
  const Qh = new Float32Array(T * hd);
  const Kh = new Float32Array(T * hd);
  const Vh = new Float32Array(T * hd);
  const Oh = new Float32Array(T * hd);
  const lse = new Float32Array(T);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      gatherHead(qkv, Qh, b, T, D3, h * hd, hd);
      gatherHead(qkv, Kh, b, T, D3, D + h * hd, hd);
      gatherHead(qkv, Vh, b, T, D3, 2 * D + h * hd, hd);
      const P = att.subarray((b * H + h) * T * T, (b * H + h + 1) * T * T);
      matmulNT(Qh, Kh, P, T, hd, T);
      softmaxRows(P, P, lse, T, T, sc, true, 0);
      // Row t sums its t + 1 causal terms only: matmulNN groups its sum by 4 from 0 to T, so over the
      // whole row the grouping (and the rounding) of a row's last terms depended on the padded length
      // T, and a sequence's rows on the batch it was in (the trainer reuses rows across batches).
      for (let t = 0; t < T; t++)
        matmulNN(P.subarray(t * T, t * T + t + 1), Vh, Oh.subarray(t * hd, t * hd + hd), 1, t + 1, hd);
      for (let t = 0; t < T; t++) out.set(Oh.subarray(t * hd, t * hd + hd), (b * T + t) * D + h * hd);
    }
  }
}

/** Backward of `attention`: dL/dqkv into gqkv (added to it when `accumulate`) from gout = dL/dout. */
export function attentionBackward(
  qkv: Float32Array,
  gout: Float32Array,
  att: Float32Array,
  gqkv: Float32Array,
  B: number,
  T: number,
  H: number,
  accumulate = true,
): void {
  if (!accumulate) gqkv.fill(0);
  const D = gout.length / (B * T);
  const D3 = 3 * D;
  const hd = D / H;
  const sc = 1 / Math.sqrt(hd);
  const Qh = new Float32Array(T * hd);
  const Kh = new Float32Array(T * hd);
  const Vh = new Float32Array(T * hd);
  const gO = new Float32Array(T * hd);
  const dP = new Float32Array(T * T);
  const tmp = new Float32Array(T * hd);
  const scatterAdd = (src: Float32Array, b: number, col: number) => {
    for (let t = 0; t < T; t++) {
      const dst = (b * T + t) * D3 + col;
      const so = t * hd;
      for (let d = 0; d < hd; d++) gqkv[dst + d] += src[so + d];
    }
  };
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const P = att.subarray((b * H + h) * T * T, (b * H + h + 1) * T * T);
      gatherHead(qkv, Qh, b, T, D3, h * hd, hd);
      gatherHead(qkv, Kh, b, T, D3, D + h * hd, hd);
      gatherHead(qkv, Vh, b, T, D3, 2 * D + h * hd, hd);
      gatherHead(gout, gO, b, T, D, h * hd, hd);
      // dV = Pᵀ·dO
      matmulTN(P, gO, tmp, T, T, hd);
      scatterAdd(tmp, b, 2 * D + h * hd);
      // dP = dO·Vᵀ, then through the softmax (and the scale) to dS, in place.
      matmulNT(gO, Vh, dP, T, hd, T);
      for (let t = 0; t < T; t++) {
        const r = t * T;
        let dot = 0;
        for (let s = 0; s <= t; s++) dot += dP[r + s] * P[r + s];
        for (let s = 0; s <= t; s++) dP[r + s] = P[r + s] * (dP[r + s] - dot) * sc;
        dP.fill(0, r + t + 1, r + T);
      }
      // dQ = dS·K, dK = dSᵀ·Q
      matmulNN(dP, Kh, tmp, T, T, hd);
      scatterAdd(tmp, b, h * hd);
      matmulTN(dP, Qh, tmp, T, T, hd);
      scatterAdd(tmp, b, D + h * hd);
    }
  }
}

/** Rows t of one head's slice (columns [col, col+hd) of rows b·T + t, `stride` floats apart). */
function gatherHead(
  src: Float32Array,
  dst: Float32Array,
  b: number,
  T: number,
  stride: number,
  col: number,
  hd: number,
): void {
  for (let t = 0; t < T; t++)
    dst.set(src.subarray((b * T + t) * stride + col, (b * T + t) * stride + col + hd), t * hd);
}
