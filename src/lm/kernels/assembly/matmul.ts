// WASM SIMD kernels (AssemblyScript) for the tensor engine. Row-major float32 matrices addressed by
// byte offsets into the (shared) module memory. Rebuild with `npm run build:wasm`.
//
// The one product kernel is C (+)= A·B over a block of rows [m0,m1) and columns [n0,n1), so several
// threads can each take a block. A is addressed through two strides, so Aᵀ·B needs no transposed
// copy; B and C need contiguous rows (A·Bᵀ transposes B first, O(n²) against O(n³) work).
//
// Register tiling: 4 rows × 8 columns of C (8 v128 accumulators) stay in registers for the whole K
// loop; each step loads 2 vectors of B and broadcasts 4 scalars of A, for 16 multiply-adds.
//
// Every element of C is computed as ((0 + a₀b₀) + a₁b₁) + … in float32, then added to C when
// accumulating, whichever path (tile, single row, scalar tail) computes it. So a product does not
// depend on how it is split over threads: same seed, same result, whatever the thread count.
//
// `mode` lets causal attention skip the products it would throw away (row i of the scores needs
// columns j ≤ i only; rows of P and dS are zero past the diagonal). Skipped terms are exact zeros,
// so a skipped term never changes a sum:
//   0 plain;
//   1 column-causal: row i needs C(i,j) for j ≤ i only (entries past it are left unspecified);
//   2 A lower-triangular (A(i,k) = 0 for k > i): the K loop stops at the tile's last row;
//   3 A upper-triangular (A(i,k) = 0 for k < i): the K loop starts at the tile's first row.

// @ts-ignore: decorator
@inline
function ld(p: usize): v128 {
  return v128.load(p);
}

/** mmCore over column blocks whose packed strips fit in L2 (~256 KB), so B is read from cache
 * for every row tile instead of streaming the whole of it from memory once per tile. */
export function mm(
  a: usize,
  sai: i32,
  sak: i32,
  ap: usize,
  b: usize,
  sbk: i32,
  bp: usize,
  c: usize,
  sci: i32,
  K: i32,
  acc: i32,
  mode: i32,
  m0: i32,
  m1: i32,
  n0: i32,
  n1: i32,
): void {
  if (!bp) {
    mmCore(a, sai, sak, ap, b, sbk, bp, c, sci, K, acc, mode, m0, m1, n0, n1);
    return;
  }
  const nb = max(8, ((8192 / max(K, 1)) << 3));
  for (let j = n0; j < n1; j += nb) mmCore(a, sai, sak, ap, b, sbk, bp, c, sci, K, acc, mode, m0, m1, j, min(n1, j + nb));
}

function mmCore(
  a: usize,
  sai: i32,
  sak: i32,
  ap: usize,
  b: usize,
  sbk: i32,
  bp: usize,
  c: usize,
  sci: i32,
  K: i32,
  acc: i32,
  mode: i32,
  m0: i32,
  m1: i32,
  n0: i32,
  n1: i32,
): void {
  // Full row tiles read A packed (`ap`, see packA) when given, else through its strides; B is read
  // as packed 8-column strips (`bp`, see packB, which pads the last strip with zeros) when given,
  // else as rows `sbk` apart with contiguous columns.
  const perRow: usize = ap ? <usize>K << 2 : <usize>sai << 2;
  const rA: usize = ap ? 4 : <usize>sai << 2;
  const colA: usize = ap ? 16 : <usize>sak << 2;
  const aBase = ap ? ap : a;
  const stripB: usize = bp ? <usize>K << 5 : 32;
  const rowB: usize = bp ? 32 : <usize>sbk << 2;
  const bBase = bp ? bp : b;
  const rowC = <usize>sci << 2;
  let i = m0;
  for (; i + 3 < m1; i += 4) {
    const a0 = aBase + <usize>i * perRow;
    const a1 = a0 + rA;
    const a2 = a1 + rA;
    const a3 = a2 + rA;
    const c0 = c + <usize>i * rowC;
    const c1 = c0 + rowC;
    const c2 = c1 + rowC;
    const c3 = c2 + rowC;
    const jEnd = mode == 1 ? min(n1, i + 4) : n1;
    const kBeg = mode == 3 ? min(i, K) : 0;
    const kEnd = mode == 2 ? min(K, i + 4) : K;
    let j = n0;
    // With packed B the last, partial strip goes through the tile too (its padding is zeros).
    const jLim = bp ? jEnd : jEnd - 7;
    for (; j < jLim; j += 8) {
      const jo = <usize>j << 2;
      let s00 = f32x4.splat(0);
      let s01 = f32x4.splat(0);
      let s10 = f32x4.splat(0);
      let s11 = f32x4.splat(0);
      let s20 = f32x4.splat(0);
      let s21 = f32x4.splat(0);
      let s30 = f32x4.splat(0);
      let s31 = f32x4.splat(0);
      let bq = bBase + <usize>(j >> 3) * stripB + <usize>kBeg * rowB;
      if (ap && bp) {
        // Both packed: two pointers walking forward, the other addresses immediate offsets.
        let aq = a0;
        const bEnd = bq + (<usize>K << 5);
        while (bq < bEnd) {
          const b0 = v128.load(bq);
          const b1 = v128.load(bq, 16);
          const x0 = v128.load32_splat(aq);
          const x1 = v128.load32_splat(aq, 4);
          const x2 = v128.load32_splat(aq, 8);
          const x3 = v128.load32_splat(aq, 12);
          s00 = f32x4.add(s00, f32x4.mul(x0, b0));
          s01 = f32x4.add(s01, f32x4.mul(x0, b1));
          s10 = f32x4.add(s10, f32x4.mul(x1, b0));
          s11 = f32x4.add(s11, f32x4.mul(x1, b1));
          s20 = f32x4.add(s20, f32x4.mul(x2, b0));
          s21 = f32x4.add(s21, f32x4.mul(x2, b1));
          s30 = f32x4.add(s30, f32x4.mul(x3, b0));
          s31 = f32x4.add(s31, f32x4.mul(x3, b1));
          aq += 16;
          bq += 32;
        }
      } else {
        let ko = <usize>kBeg * colA;
        for (let k = kBeg; k < kEnd; k++) {
          const b0 = ld(bq);
          const b1 = ld(bq + 16);
          bq += rowB;
          const x0 = v128.load32_splat(a0 + ko);
          const x1 = v128.load32_splat(a1 + ko);
          const x2 = v128.load32_splat(a2 + ko);
          const x3 = v128.load32_splat(a3 + ko);
          ko += colA;
          s00 = f32x4.add(s00, f32x4.mul(x0, b0));
          s01 = f32x4.add(s01, f32x4.mul(x0, b1));
          s10 = f32x4.add(s10, f32x4.mul(x1, b0));
          s11 = f32x4.add(s11, f32x4.mul(x1, b1));
          s20 = f32x4.add(s20, f32x4.mul(x2, b0));
          s21 = f32x4.add(s21, f32x4.mul(x2, b1));
          s30 = f32x4.add(s30, f32x4.mul(x3, b0));
          s31 = f32x4.add(s31, f32x4.mul(x3, b1));
        }
      }
      const cnt = jEnd - j;
      if (cnt < 8) {
        put8(c0 + jo, s00, s01, cnt, acc);
        put8(c1 + jo, s10, s11, cnt, acc);
        put8(c2 + jo, s20, s21, cnt, acc);
        put8(c3 + jo, s30, s31, cnt, acc);
        continue;
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
    if (j < jEnd) {
      const ua = a + <usize>i * (<usize>sai << 2);
      const ur = <usize>sai << 2;
      const uc = <usize>sak << 2;
      const ub = <usize>sbk << 2;
      rowTail(ua, uc, b, ub, c0, kBeg, kEnd, acc, j, jEnd);
      rowTail(ua + ur, uc, b, ub, c1, kBeg, kEnd, acc, j, jEnd);
      rowTail(ua + 2 * ur, uc, b, ub, c2, kBeg, kEnd, acc, j, jEnd);
      rowTail(ua + 3 * ur, uc, b, ub, c3, kBeg, kEnd, acc, j, jEnd);
    }
  }
  // Leftover rows (and the matrix-vector products of decoding): one row, 16 then 8 columns at a
  // time, A through its strides.
  const colU = <usize>sak << 2;
  // Plain overwrite with rows of B in place (the matrix-vector products of decoding): stream B row
  // by row (axpy), reading it contiguously once per row of A; the row of C stays in L1. Starting
  // from zero, its sums are the same ((0 + a₀b₀) + a₁b₁) + … as the other paths.
  if (mode == 0 && !acc && !bp) {
    for (; i < m1; i++) axpyRow(a + <usize>i * (<usize>sai << 2), colU, b, <usize>sbk << 2, c + <usize>i * rowC, K, n0, n1);
    return;
  }
  for (; i < m1; i++) {
    const ar = a + <usize>i * (<usize>sai << 2);
    const cr = c + <usize>i * rowC;
    const jEnd = mode == 1 ? min(n1, i + 1) : n1;
    const kBeg = mode == 3 ? min(i, K) : 0;
    const kEnd = mode == 2 ? min(K, i + 1) : K;
    let j = n0;
    for (; j + 15 < jEnd; j += 16) {
      const jo = <usize>j << 2;
      let s0 = f32x4.splat(0);
      let s1 = f32x4.splat(0);
      let s2 = f32x4.splat(0);
      let s3 = f32x4.splat(0);
      let bq = bBase + <usize>(j >> 3) * stripB + <usize>kBeg * rowB;
      let br = bq + stripB;
      let ko = <usize>kBeg * colU;
      for (let k = kBeg; k < kEnd; k++) {
        const x = v128.load32_splat(ar + ko);
        ko += colU;
        s0 = f32x4.add(s0, f32x4.mul(x, ld(bq)));
        s1 = f32x4.add(s1, f32x4.mul(x, ld(bq + 16)));
        s2 = f32x4.add(s2, f32x4.mul(x, ld(br)));
        s3 = f32x4.add(s3, f32x4.mul(x, ld(br + 16)));
        bq += rowB;
        br += rowB;
      }
      if (acc) {
        s0 = f32x4.add(s0, ld(cr + jo));
        s1 = f32x4.add(s1, ld(cr + jo + 16));
        s2 = f32x4.add(s2, ld(cr + jo + 32));
        s3 = f32x4.add(s3, ld(cr + jo + 48));
      }
      v128.store(cr + jo, s0);
      v128.store(cr + jo + 16, s1);
      v128.store(cr + jo + 32, s2);
      v128.store(cr + jo + 48, s3);
    }
    const jLim = bp ? jEnd : jEnd - 7;
    for (; j < jLim; j += 8) {
      const jo = <usize>j << 2;
      let s0 = f32x4.splat(0);
      let s1 = f32x4.splat(0);
      let bq = bBase + <usize>(j >> 3) * stripB + <usize>kBeg * rowB;
      let ko = <usize>kBeg * colU;
      for (let k = kBeg; k < kEnd; k++) {
        const x = v128.load32_splat(ar + ko);
        ko += colU;
        s0 = f32x4.add(s0, f32x4.mul(x, ld(bq)));
        s1 = f32x4.add(s1, f32x4.mul(x, ld(bq + 16)));
        bq += rowB;
      }
      const cnt = jEnd - j;
      if (cnt < 8) {
        put8(cr + jo, s0, s1, cnt, acc);
        continue;
      }
      if (acc) {
        s0 = f32x4.add(s0, ld(cr + jo));
        s1 = f32x4.add(s1, ld(cr + jo + 16));
      }
      v128.store(cr + jo, s0);
      v128.store(cr + jo + 16, s1);
    }
    if (j < jEnd) rowTail(ar, colU, b, <usize>sbk << 2, cr, kBeg, kEnd, acc, j, jEnd);
  }
}

/**
 * C(i,j) (+)= Σ_k A(i,k)·B(j,k) for rows [m0,m1), columns [n0,n1): A·Bᵀ with B [N,K] rows read in
 * place as dot products, for the few-row products of decoding (no transposed copy of B per call).
 */
export function mmDot(a: usize, sai: i32, b: usize, c: usize, sci: i32, K: i32, acc: i32, m0: i32, m1: i32, n0: i32, n1: i32): void {
  const K4 = K & ~3;
  const rowB = <usize>K << 2;
  for (let i = m0; i < m1; i++) {
    const ar = a + ((<usize>i * <usize>sai) << 2);
    const cr = c + ((<usize>i * <usize>sci) << 2);
    let j = n0;
    for (; j + 3 < n1; j += 4) {
      const b0 = b + <usize>j * rowB;
      const b1 = b0 + rowB;
      const b2 = b1 + rowB;
      const b3 = b2 + rowB;
      let s0 = f32x4.splat(0);
      let s1 = f32x4.splat(0);
      let s2 = f32x4.splat(0);
      let s3 = f32x4.splat(0);
      for (let k = 0; k < K4; k += 4) {
        const ko = <usize>k << 2;
        const x = ld(ar + ko);
        s0 = f32x4.add(s0, f32x4.mul(x, ld(b0 + ko)));
        s1 = f32x4.add(s1, f32x4.mul(x, ld(b1 + ko)));
        s2 = f32x4.add(s2, f32x4.mul(x, ld(b2 + ko)));
        s3 = f32x4.add(s3, f32x4.mul(x, ld(b3 + ko)));
      }
      store<f32>(cr + (<usize>j << 2), hsum(s0, ar, b0, K4, K) + (acc ? load<f32>(cr + (<usize>j << 2)) : 0));
      store<f32>(cr + (<usize>(j + 1) << 2), hsum(s1, ar, b1, K4, K) + (acc ? load<f32>(cr + (<usize>(j + 1) << 2)) : 0));
      store<f32>(cr + (<usize>(j + 2) << 2), hsum(s2, ar, b2, K4, K) + (acc ? load<f32>(cr + (<usize>(j + 2) << 2)) : 0));
      store<f32>(cr + (<usize>(j + 3) << 2), hsum(s3, ar, b3, K4, K) + (acc ? load<f32>(cr + (<usize>(j + 3) << 2)) : 0));
    }
    for (; j < n1; j++) {
      const bj = b + <usize>j * rowB;
      let s = f32x4.splat(0);
      for (let k = 0; k < K4; k += 4) s = f32x4.add(s, f32x4.mul(ld(ar + (<usize>k << 2)), ld(bj + (<usize>k << 2))));
      store<f32>(cr + (<usize>j << 2), hsum(s, ar, bj, K4, K) + (acc ? load<f32>(cr + (<usize>j << 2)) : 0));
    }
  }
}

/** Lanes of s summed, plus the scalar tail k ∈ [K4, K) of a·b. */
// @ts-ignore: decorator
@inline
function hsum(s: v128, ar: usize, br: usize, K4: i32, K: i32): f32 {
  let t = f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + (f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3));
  for (let k = K4; k < K; k++) t += load<f32>(ar + (<usize>k << 2)) * load<f32>(br + (<usize>k << 2));
  return t;
}

/** C row [n0,n1) = Σ_k A(k)·B(k, ·), B rows `rowB` bytes apart with contiguous columns. */
function axpyRow(ar: usize, colA: usize, b: usize, rowB: usize, cr: usize, K: i32, n0: i32, n1: i32): void {
  const j8 = n0 + ((n1 - n0) & ~7);
  memory.fill(cr + (<usize>n0 << 2), 0, <usize>(n1 - n0) << 2);
  for (let k = 0; k < K; k++) {
    const s = load<f32>(ar + <usize>k * colA);
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

/** Stores the first cnt (< 8) of the 8 sums in s0|s1 at p (added to what is there when acc). */
function put8(p: usize, s0: v128, s1: v128, cnt: i32, acc: i32): void {
  for (let l = 0; l < cnt; l++) {
    const v = l < 4 ? s0 : s1;
    const m = l & 3;
    const x = m == 0 ? f32x4.extract_lane(v, 0) : m == 1 ? f32x4.extract_lane(v, 1) : m == 2 ? f32x4.extract_lane(v, 2) : f32x4.extract_lane(v, 3);
    const q = p + (<usize>l << 2);
    store<f32>(q, acc ? load<f32>(q) + x : x);
  }
}

/** Full 4-row tiles of A (rows [0, M & ~3)), element (i,k) at a + 4(i·sai + k·sak), as
 * dst[(i/4)·K + k][i % 4]: a tile's 4 values for one k are adjacent. */
export function packA(a: usize, sai: i32, sak: i32, M: i32, K: i32, dst: usize): void {
  const M4 = M & ~3;
  let d = dst;
  for (let i = 0; i < M4; i += 4) {
    for (let k = 0; k < K; k++) {
      const p = a + ((<usize>i * <usize>sai + <usize>k * <usize>sak) << 2);
      const r = <usize>sai << 2;
      store<f32>(d, load<f32>(p));
      store<f32>(d + 4, load<f32>(p + r));
      store<f32>(d + 8, load<f32>(p + 2 * r));
      store<f32>(d + 12, load<f32>(p + 3 * r));
      d += 16;
    }
  }
}

/** B (element (k,j) at b + 4(k·sbk + j·sbj)) as 8-column strips: dst[(j/8)·K + k][j % 8], the last
 * strip padded with zeros. Reading a strip is then one sequential stream. */
export function packB(b: usize, sbk: i32, sbj: i32, K: i32, N: i32, dst: usize): void {
  let d = dst;
  for (let j0 = 0; j0 < N; j0 += 8) {
    const w = min(8, N - j0);
    if (sbj == 1 && w == 8) {
      for (let k = 0; k < K; k++) {
        const p = b + ((<usize>k * <usize>sbk + <usize>j0) << 2);
        v128.store(d, ld(p));
        v128.store(d + 16, ld(p + 16));
        d += 32;
      }
      continue;
    }
    for (let k = 0; k < K; k++) {
      for (let c = 0; c < 8; c++) {
        store<f32>(d + (<usize>c << 2), c < w ? load<f32>(b + ((<usize>k * <usize>sbk + <usize>(j0 + c) * <usize>sbj) << 2)) : 0);
      }
      d += 32;
    }
  }
}

/** One row of C, columns [j0,j1), scalar (same float32 sums as the vector paths). */
function rowTail(ar: usize, colA: usize, b: usize, rowB: usize, cr: usize, k0: i32, k1: i32, acc: i32, j0: i32, j1: i32): void {
  for (let j = j0; j < j1; j++) {
    let s: f32 = 0;
    let bp = b + <usize>k0 * rowB + (<usize>j << 2);
    let ko = <usize>k0 * colA;
    for (let k = k0; k < k1; k++) {
      s += load<f32>(ar + ko) * load<f32>(bp);
      ko += colA;
      bp += rowB;
    }
    const p = cr + (<usize>j << 2);
    store<f32>(p, acc ? load<f32>(p) + s : s);
  }
}

/** Zeroes n bytes at p (bulk memory: much faster than a typed-array fill over shared memory). */
export function zero(p: usize, n: usize): void {
  memory.fill(p, 0, n);
}

/** Compatibility entry point: C[M,N] (+)= A[M,K]·B[K,N], rows [m0,m1), columns [n0,n1). */
export function matmulBlock(a: usize, b: usize, c: usize, M: i32, K: i32, N: i32, acc: i32, m0: i32, m1: i32, n0: i32, n1: i32): void {
  mm(a, K, 1, 0, b, N, 0, c, N, K, acc, 0, m0, m1, n0, n1);
}

/** dst(c,r) = src(r,c) for r < R, c < C; src rows `ss` floats apart, dst rows R floats apart.
 * 4×4 blocks through SIMD shuffles, inside 32×32 blocks for the cache; scalar edges. */
export function transposeStrided(src: usize, ss: i32, dst: usize, R: i32, C: i32): void {
  const R4 = R & ~3;
  const C4 = C & ~3;
  const sr = <usize>ss << 2;
  const dr = <usize>R << 2;
  for (let r0 = 0; r0 < R4; r0 += 32) {
    const r1 = min(r0 + 32, R4);
    for (let c0 = 0; c0 < C4; c0 += 32) {
      const c1 = min(c0 + 32, C4);
      for (let r = r0; r < r1; r += 4) {
        for (let c = c0; c < c1; c += 4) {
          const p = src + <usize>r * sr + (<usize>c << 2);
          const x0 = v128.load(p);
          const x1 = v128.load(p + sr);
          const x2 = v128.load(p + 2 * sr);
          const x3 = v128.load(p + 3 * sr);
          const t0 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5);
          const t1 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7);
          const t2 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5);
          const t3 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7);
          const q = dst + <usize>c * dr + (<usize>r << 2);
          v128.store(q, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
          v128.store(q + dr, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7));
          v128.store(q + 2 * dr, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5));
          v128.store(q + 3 * dr, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7));
        }
      }
    }
  }
  // Edges: rows past R4 (all columns), columns past C4 (rows below R4).
  for (let r = 0; r < R; r++) {
    for (let c = r < R4 ? C4 : 0; c < C; c++) {
      store<f32>(dst + <usize>c * dr + (<usize>r << 2), load<f32>(src + <usize>r * sr + (<usize>c << 2)));
    }
  }
}

/** dst[C,R] = src[R,C]ᵀ. */
export function transpose(src: usize, dst: usize, R: i32, C: i32): void {
  transposeStrided(src, C, dst, R, C);
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

/** dst[n] (+)= s·src[n], s given as its float32 bits (workers pass integers only). */
export function scaleInto(src: usize, dst: usize, n: i32, sBits: i32, acc: i32): void {
  const s = reinterpret<f32>(sBits);
  const sv = f32x4.splat(s);
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const o = <usize>i << 2;
    const v = f32x4.mul(sv, ld(src + o));
    v128.store(dst + o, acc ? f32x4.add(ld(dst + o), v) : v);
  }
  for (let i = n4; i < n; i++) {
    const o = <usize>i << 2;
    const v = s * load<f32>(src + o);
    store<f32>(dst + o, acc ? load<f32>(dst + o) + v : v);
  }
}

/** GELU'(x)·g on 4 lanes, t = tanh(·) from the forward pass. */
// @ts-ignore: decorator
@inline
function geluGrad4(v: v128, t: v128, g: v128): v128 {
  const one = f32x4.splat(1);
  const half = f32x4.splat(0.5);
  const du = f32x4.mul(f32x4.splat(0.7978845608028654), f32x4.add(one, f32x4.mul(f32x4.splat(3 * 0.044715), f32x4.mul(v, v))));
  const d = f32x4.add(f32x4.mul(half, f32x4.add(one, t)), f32x4.mul(f32x4.mul(half, v), f32x4.mul(f32x4.sub(one, f32x4.mul(t, t)), du)));
  return f32x4.mul(g, d);
}

/** GELU backward: gx[n] (+)= g·(½(1+t) + ½x(1−t²)·√(2/π)(1 + 3·0.044715x²)), t = tanh(·) from the forward.
 * The tail goes through the same lanes: an element's value must not depend on its place in the
 * array (a scalar formula that rounds differently made it depend on the batch's size). */
export function geluBwd(x: usize, th: usize, g: usize, gx: usize, n: i32, acc: i32): void {
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const o = <usize>i << 2;
    const r = geluGrad4(ld(x + o), ld(th + o), ld(g + o));
    v128.store(gx + o, acc ? f32x4.add(ld(gx + o), r) : r);
  }
  for (let i = n4; i < n; i++) {
    const o = <usize>i << 2;
    const r = f32x4.extract_lane(
      geluGrad4(f32x4.splat(load<f32>(x + o)), f32x4.splat(load<f32>(th + o)), f32x4.splat(load<f32>(g + o))),
      0,
    );
    store<f32>(gx + o, acc ? load<f32>(gx + o) + r : r);
  }
}

/** softmaxRows without scale or mask, all arguments integers (a worker's share of rows). */
export function softmaxPlain(x: usize, out: usize, lse: usize, n: i32, V: i32): void {
  softmaxRows(x, out, lse, n, V, 1, 0, 0);
}

/** tanh(√(2/π)(x + 0.044715x³)) on 4 lanes, as 1 − 2/(e^{2u} + 1). */
// @ts-ignore: decorator
@inline
function geluTanh4(v: v128): v128 {
  const u = f32x4.mul(f32x4.splat(1.5957691216057308), f32x4.add(v, f32x4.mul(f32x4.splat(0.044715), f32x4.mul(v, f32x4.mul(v, v)))));
  return f32x4.sub(f32x4.splat(1), f32x4.div(f32x4.splat(2), f32x4.add(exp4(u), f32x4.splat(1))));
}

/** GELU (tanh form) of x[n] into out[n], keeping tanh(·) in th[n] for the backward pass. The tail
 * goes through the same lanes, so an element's value does not depend on its place in the array (the
 * trainer reuses rows computed in one batch in another: frozen-prefix.ts). */
export function geluRows(x: usize, out: usize, th: usize, n: i32): void {
  const one = f32x4.splat(1);
  const half = f32x4.splat(0.5);
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const o = <usize>i << 2;
    const v = v128.load(x + o);
    const t = geluTanh4(v);
    v128.store(th + o, t);
    v128.store(out + o, f32x4.mul(half, f32x4.mul(v, f32x4.add(one, t))));
  }
  for (let i = n4; i < n; i++) {
    const o = <usize>i << 2;
    const v = f32x4.splat(load<f32>(x + o));
    const t = geluTanh4(v);
    store<f32>(th + o, f32x4.extract_lane(t, 0));
    store<f32>(out + o, f32x4.extract_lane(f32x4.mul(half, f32x4.mul(v, f32x4.add(one, t))), 0));
  }
}

// Causal self-attention on packed q|k|v rows (qkv [B·T, 3D], head h's q, k, v at columns h·hd,
// D + h·hd, 2D + h·hd). Each call handles the (sequence, head) pairs [p0,p1), p = b·H + h, so threads
// split the pairs. `scratch` is this call's own: hd·T + T·T floats.

/** Forward: P = softmax(QKᵀ/√hd, causal) into att[p] (T×T), O = P·V into out [B·T, D]. */
export function attnFwd(qkv: usize, out: usize, att: usize, scratch: usize, T: i32, H: i32, hd: i32, p0: i32, p1: i32): void {
  const D = H * hd;
  const D3 = 3 * D;
  const sc: f32 = 1 / Mathf.sqrt(<f32>hd);
  const kt = scratch; // Kᵀ [hd, T]
  const lse = scratch + ((<usize>hd * <usize>T) << 2);
  for (let p = p0; p < p1; p++) {
    const b = p / H;
    const h = p % H;
    const rows = qkv + ((<usize>b * <usize>T * <usize>D3) << 2);
    const q = rows + ((<usize>h * <usize>hd) << 2);
    const k = q + ((<usize>D) << 2);
    const v = k + ((<usize>D) << 2);
    const P = att + ((<usize>p * <usize>T * <usize>T) << 2);
    transposeStrided(k, D3, kt, T, hd);
    mm(q, D3, 1, 0, kt, T, 0, P, T, hd, 0, 1, 0, T, 0, T);
    softmaxRows(P, P, lse, T, T, sc, 1, 0);
    const o = out + (((<usize>b * <usize>T * <usize>D) + <usize>h * <usize>hd) << 2);
    mm(P, T, 1, 0, v, D3, 0, o, D, T, 0, 2, 0, T, 0, hd);
  }
}

/**
 * Backward from gout [B·T, D] into gqkv [B·T, 3D] (added to it when acc, else overwritten: the three
 * products of each pair cover its q, k and v columns), given the forward's att.
 * dV = Pᵀ·dO; dP = dO·Vᵀ; dS = P∘(dP − rowsum(dP∘P))/√hd; dQ = dS·K; dK = dSᵀ·Q.
 */
export function attnBwd(qkv: usize, gout: usize, att: usize, gqkv: usize, scratch: usize, T: i32, H: i32, hd: i32, acc: i32, p0: i32, p1: i32): void {
  const D = H * hd;
  const D3 = 3 * D;
  const sc: f32 = 1 / Mathf.sqrt(<f32>hd);
  const vt = scratch; // Vᵀ [hd, T]
  const dP = scratch + ((<usize>hd * <usize>T) << 2); // [T, T]
  for (let p = p0; p < p1; p++) {
    const b = p / H;
    const h = p % H;
    const off = (<usize>b * <usize>T * <usize>D3 + <usize>h * <usize>hd) << 2;
    const q = qkv + off;
    const k = q + ((<usize>D) << 2);
    const v = k + ((<usize>D) << 2);
    const gq = gqkv + off;
    const gk = gq + ((<usize>D) << 2);
    const gv = gk + ((<usize>D) << 2);
    const gO = gout + (((<usize>b * <usize>T * <usize>D) + <usize>h * <usize>hd) << 2);
    const P = att + ((<usize>p * <usize>T * <usize>T) << 2);
    // dV (+)= Pᵀ·dO: A(i=s, k=t) = P[t, s], zero for t < s.
    mm(P, 1, T, 0, gO, D, 0, gv, D3, T, acc, 3, 0, T, 0, hd);
    transposeStrided(v, D3, vt, T, hd);
    mm(gO, D, 1, 0, vt, T, 0, dP, T, hd, 0, 1, 0, T, 0, T);
    for (let t = 0; t < T; t++) {
      const pr = P + ((<usize>t * <usize>T) << 2);
      const dr = dP + ((<usize>t * <usize>T) << 2);
      const L = t + 1;
      const L4 = L & ~3;
      let dv = f32x4.splat(0);
      for (let s = 0; s < L4; s += 4) dv = f32x4.add(dv, f32x4.mul(ld(dr + (<usize>s << 2)), ld(pr + (<usize>s << 2))));
      let dot = f32x4.extract_lane(dv, 0) + f32x4.extract_lane(dv, 1) + f32x4.extract_lane(dv, 2) + f32x4.extract_lane(dv, 3);
      for (let s = L4; s < L; s++) dot += load<f32>(dr + (<usize>s << 2)) * load<f32>(pr + (<usize>s << 2));
      const dd = f32x4.splat(dot);
      const ss = f32x4.splat(sc);
      for (let s = 0; s < L4; s += 4) {
        const so = <usize>s << 2;
        v128.store(dr + so, f32x4.mul(f32x4.mul(ld(pr + so), f32x4.sub(ld(dr + so), dd)), ss));
      }
      for (let s = L4; s < T; s++) {
        const so = <usize>s << 2;
        store<f32>(dr + so, s < L ? load<f32>(pr + so) * (load<f32>(dr + so) - dot) * sc : 0);
      }
    }
    // dQ (+)= dS·K (dS lower-triangular); dK (+)= dSᵀ·Q (A(i=s, k=t) = dS[t, s], zero for t < s).
    mm(dP, T, 1, 0, k, D3, 0, gq, D3, T, acc, 2, 0, T, 0, hd);
    mm(dP, 1, T, 0, q, D3, 0, gk, D3, T, acc, 3, 0, T, 0, hd);
  }
}
