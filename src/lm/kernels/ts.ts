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

/** GELU (tanh form) of x[n] into out[n], keeping tanh(·) in th[n] for the backward pass. */
export function geluRows(x: Float32Array, out: Float32Array, th: Float32Array, n: number): void {
  for (let i = 0; i < n; i++) {
    const v = x[i];
    const t = Math.tanh(GELU_C * (v + 0.044715 * v * v * v));
    th[i] = t;
    out[i] = 0.5 * v * (1 + t);
  }
}
