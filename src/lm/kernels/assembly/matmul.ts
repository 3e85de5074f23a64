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
  for (; i < m1; i++) {
    const ar = a + <usize>i * rowA;
    const cr = c + <usize>i * rowB;
    let j = n0;
    for (; j + 7 < n1; j += 8) {
      const jo = <usize>j << 2;
      let s0 = f32x4.splat(0);
      let s1 = f32x4.splat(0);
      let bp = b + jo;
      for (let k = 0; k < K; k++) {
        const x = v128.load32_splat(ar + (<usize>k << 2));
        s0 = f32x4.add(s0, f32x4.mul(x, ld(bp)));
        s1 = f32x4.add(s1, f32x4.mul(x, ld(bp + 16)));
        bp += rowB;
      }
      if (acc) {
        s0 = f32x4.add(s0, ld(cr + jo));
        s1 = f32x4.add(s1, ld(cr + jo + 16));
      }
      v128.store(cr + jo, s0);
      v128.store(cr + jo + 16, s1);
    }
    if (j < n1) rowTail(ar, b, cr, K, N, acc, j, n1);
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
