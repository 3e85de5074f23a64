// WASM SIMD matmul kernels (AssemblyScript). Row-major float32 matrices addressed by byte offsets
// into the (shared) module memory. Rebuild with `npm run build:wasm`.
//
// The one real kernel is C[M,N] (+)= A[M,K]·B[K,N] over a block of rows [m0,m1) and columns
// [n0,n1), so several threads can each take a block. The transposed layouts are handled by the
// caller transposing the operand first (O(n²) against O(n³) work), with `transpose` below.
//
// Register tiling: 4 rows × 8 columns of C (8 v128 accumulators) stay in registers for the whole K
// loop; each step loads 2 vectors of B and broadcasts 4 scalars of A, for 16 multiply-adds.

// @ts-ignore: decorator
@inline
function ld(p: usize): v128 {
  return v128.load(p);
}

export function matmulBlock(a: usize, b: usize, c: usize, M: i32, K: i32, N: i32, acc: i32, m0: i32, m1: i32, n0: i32, n1: i32): void {
  const rowA = <usize>K << 2;
  const rowB = <usize>N << 2;
  let i = m0;
  for (; i + 3 < m1; i += 4) {
    const a0 = a + <usize>i * rowA;
    const a1 = a0 + rowA;
    const a2 = a1 + rowA;
    const a3 = a2 + rowA;
    const c0 = c + <usize>i * rowB;
    const c1 = c0 + rowB;
    const c2 = c1 + rowB;
    const c3 = c2 + rowB;
    let j = n0;
    for (; j + 7 < n1; j += 8) {
      const jo = <usize>j << 2;
      let s00 = f32x4.splat(0);
      let s01 = f32x4.splat(0);
      let s10 = f32x4.splat(0);
      let s11 = f32x4.splat(0);
      let s20 = f32x4.splat(0);
      let s21 = f32x4.splat(0);
      let s30 = f32x4.splat(0);
      let s31 = f32x4.splat(0);
      let bp = b + jo;
      for (let k = 0; k < K; k++) {
        const ko = <usize>k << 2;
        const b0 = ld(bp);
        const b1 = ld(bp + 16);
        bp += rowB;
        const x0 = v128.load32_splat(a0 + ko);
        const x1 = v128.load32_splat(a1 + ko);
        const x2 = v128.load32_splat(a2 + ko);
        const x3 = v128.load32_splat(a3 + ko);
        s00 = f32x4.add(s00, f32x4.mul(x0, b0));
        s01 = f32x4.add(s01, f32x4.mul(x0, b1));
        s10 = f32x4.add(s10, f32x4.mul(x1, b0));
        s11 = f32x4.add(s11, f32x4.mul(x1, b1));
        s20 = f32x4.add(s20, f32x4.mul(x2, b0));
        s21 = f32x4.add(s21, f32x4.mul(x2, b1));
        s30 = f32x4.add(s30, f32x4.mul(x3, b0));
        s31 = f32x4.add(s31, f32x4.mul(x3, b1));
      }
      if (acc) {
        s00 = f32x4.add(s00, ld(c0 + jo));
        s01 = f32x4.add(s01, ld(c0 + jo + 16));
        s10 = f32x4.add(s10, ld(c1 + jo));
        s11 = f32x4.add(s11, ld(c1 + jo + 16));
        s20 = f32x4.add(s20, ld(c2 + jo));
        s21 = f32x4.add(s21, ld(c2 + jo + 16));
        s30 = f32x4.add(s30, ld(c3 + jo));
        s31 = f32x4.add(s31, ld(c3 + jo + 16));
      }
      v128.store(c0 + jo, s00);
      v128.store(c0 + jo + 16, s01);
      v128.store(c1 + jo, s10);
      v128.store(c1 + jo + 16, s11);
      v128.store(c2 + jo, s20);
      v128.store(c2 + jo + 16, s21);
      v128.store(c3 + jo, s30);
      v128.store(c3 + jo + 16, s31);
    }
    if (j < n1) {
      rowTail(a0, b, c0, K, N, acc, j, n1);
      rowTail(a1, b, c1, K, N, acc, j, n1);
      rowTail(a2, b, c2, K, N, acc, j, n1);
      rowTail(a3, b, c3, K, N, acc, j, n1);
    }
  }
  // Leftover rows (and the matrix-vector products of decoding): stream B row by row (axpy), so
  // B is read contiguously once per row of A while the row of C stays in L1.
  for (; i < m1; i++) {
    const ar = a + <usize>i * rowA;
    const cr = c + <usize>i * rowB;
    const j8 = n0 + ((n1 - n0) & ~7);
    if (!acc) memory.fill(cr + (<usize>n0 << 2), 0, <usize>(n1 - n0) << 2);
    for (let k = 0; k < K; k++) {
      const s = load<f32>(ar + (<usize>k << 2));
      const x = f32x4.splat(s);
      const br = b + <usize>k * rowB;
      for (let j = n0; j < j8; j += 8) {
        const jo = <usize>j << 2;
        v128.store(cr + jo, f32x4.add(ld(cr + jo), f32x4.mul(x, ld(br + jo))));
        v128.store(cr + jo + 16, f32x4.add(ld(cr + jo + 16), f32x4.mul(x, ld(br + jo + 16))));
      }
      for (let j = j8; j < n1; j++) {
        const jo = <usize>j << 2;
        store<f32>(cr + jo, load<f32>(cr + jo) + s * load<f32>(br + jo));
      }
    }
  }
}

/** One row of C, columns [j0,j1) (fewer than 8), scalar. */
function rowTail(ar: usize, b: usize, cr: usize, K: i32, N: i32, acc: i32, j0: i32, j1: i32): void {
  const rowB = <usize>N << 2;
  for (let j = j0; j < j1; j++) {
    let s: f32 = 0;
    let bp = b + (<usize>j << 2);
    for (let k = 0; k < K; k++) {
      s += load<f32>(ar + (<usize>k << 2)) * load<f32>(bp);
      bp += rowB;
    }
    const p = cr + (<usize>j << 2);
    store<f32>(p, acc ? load<f32>(p) + s : s);
  }
}

/** dst[C,R] = src[R,C]ᵀ, in 8×8 blocks for the cache. */
export function transpose(src: usize, dst: usize, R: i32, C: i32): void {
  for (let r0 = 0; r0 < R; r0 += 8) {
    const r1 = min(r0 + 8, R);
    for (let c0 = 0; c0 < C; c0 += 8) {
      const c1 = min(c0 + 8, C);
      for (let r = r0; r < r1; r++) {
        for (let cc = c0; cc < c1; cc++) {
          store<f32>(dst + ((<usize>cc * <usize>R + <usize>r) << 2), load<f32>(src + ((<usize>r * <usize>C + <usize>cc) << 2)));
        }
      }
    }
  }
}

// exp on 4 lanes: 2^n · p(r) with n = round(x·log2 e), r = x − n·ln 2 (Cody–Waite split), p a
// degree-6 Taylor polynomial (relative error ~2e-7 for |r| ≤ ln2/2). Inputs are clamped to the
// float32 range; softmax only ever feeds it x − max ≤ 0.
// @ts-ignore: decorator
@inline
function exp4(x: v128): v128 {
  x = f32x4.max(f32x4.min(x, f32x4.splat(88.0)), f32x4.splat(-87.0));
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(1.4426950408889634)));
  let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(-2.12194440e-4)));
  let p = f32x4.splat(1.0 / 720.0);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 120.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 24.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 6.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(0.5));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0));
  const pow2 = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  return f32x4.mul(p, pow2);
}

/**
 * Row-wise softmax of x[n,V] into out[n,V], with each row's max and sum of exps in lse[2n]. Row i uses
 * only its first len(i) entries, scaled by `scale`, and zeroes the rest: len(i) = V, or i + 1 + off
 * when `causal` (attention rows).
 */
export function softmaxRows(x: usize, out: usize, lse: usize, n: i32, V: i32, scale: f32, causal: i32, off: i32): void {
  const sv = f32x4.splat(scale);
  for (let i = 0; i < n; i++) {
    const L = causal ? min(V, i + 1 + off) : V;
    const L4 = L & ~3;
    const xr = x + ((<usize>i * <usize>V) << 2);
    const orow = out + ((<usize>i * <usize>V) << 2);
    let mv = f32x4.splat(-Infinity);
    for (let j = 0; j < L4; j += 4) mv = f32x4.max(mv, f32x4.mul(v128.load(xr + (<usize>j << 2)), sv));
    let m = max(max(f32x4.extract_lane(mv, 0), f32x4.extract_lane(mv, 1)), max(f32x4.extract_lane(mv, 2), f32x4.extract_lane(mv, 3)));
    for (let j = L4; j < L; j++) m = max(m, load<f32>(xr + (<usize>j << 2)) * scale);
    const mm = f32x4.splat(m);
    let sv4 = f32x4.splat(0);
    for (let j = 0; j < L4; j += 4) {
      const e = exp4(f32x4.sub(f32x4.mul(v128.load(xr + (<usize>j << 2)), sv), mm));
      v128.store(orow + (<usize>j << 2), e);
      sv4 = f32x4.add(sv4, e);
    }
    let sum = f32x4.extract_lane(sv4, 0) + f32x4.extract_lane(sv4, 1) + f32x4.extract_lane(sv4, 2) + f32x4.extract_lane(sv4, 3);
    for (let j = L4; j < L; j++) {
      const e = f32x4.extract_lane(exp4(f32x4.splat(load<f32>(xr + (<usize>j << 2)) * scale - m)), 0);
      store<f32>(orow + (<usize>j << 2), e);
      sum += e;
    }
    const inv = f32x4.splat(1 / sum);
    for (let j = 0; j < L4; j += 4) v128.store(orow + (<usize>j << 2), f32x4.mul(v128.load(orow + (<usize>j << 2)), inv));
    const invs: f32 = 1 / sum;
    for (let j = L4; j < L; j++) store<f32>(orow + (<usize>j << 2), load<f32>(orow + (<usize>j << 2)) * invs);
    for (let j = L; j < V; j++) store<f32>(orow + (<usize>j << 2), 0);
    // The caller takes the log: Mathf.log would bring lookup tables (static data) into the module.
    store<f32>(lse + (<usize>i << 3), m);
    store<f32>(lse + (<usize>i << 3) + 4, sum);
  }
}

/** GELU (tanh form) of x[n] into out[n], keeping tanh(·) in th[n] for the backward pass. */
export function geluRows(x: usize, out: usize, th: usize, n: i32): void {
  const c2 = f32x4.splat(1.5957691216057308); // 2·√(2/π)
  const k = f32x4.splat(0.044715);
  const one = f32x4.splat(1);
  const two = f32x4.splat(2);
  const half = f32x4.splat(0.5);
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const o = <usize>i << 2;
    const v = v128.load(x + o);
    const u = f32x4.mul(c2, f32x4.add(v, f32x4.mul(k, f32x4.mul(v, f32x4.mul(v, v)))));
    const t = f32x4.sub(one, f32x4.div(two, f32x4.add(exp4(u), one)));
    v128.store(th + o, t);
    v128.store(out + o, f32x4.mul(half, f32x4.mul(v, f32x4.add(one, t))));
  }
  for (let i = n4; i < n; i++) {
    const o = <usize>i << 2;
    const v = load<f32>(x + o);
    const e = f32x4.extract_lane(exp4(f32x4.splat(<f32>1.5957691216057308 * (v + <f32>0.044715 * v * v * v))), 0);
    const t: f32 = 1 - 2 / (e + 1);
    store<f32>(th + o, t);
    store<f32>(out + o, 0.5 * v * (1 + t));
  }
}
