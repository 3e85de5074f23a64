// WASM SIMD matmul kernels (AssemblyScript). Row-major float32 matrices addressed by byte offsets
// into the module's memory. Rebuild with `npm run build:wasm`.

// C[M,N] (+)= A[M,K] · B[K,N]
export function matmulNN(a: usize, b: usize, c: usize, M: i32, K: i32, N: i32, acc: i32): void {
  const n4 = N & ~3;
  for (let i = 0; i < M; i++) {
    const cRow = c + ((<usize>(i * N)) << 2);
    if (!acc) memory.fill(cRow, 0, <usize>(N << 2));
    const aRow = a + ((<usize>(i * K)) << 2);
    let k = 0;
    for (; k + 1 < K; k += 2) {
      const a0 = f32x4.splat(load<f32>(aRow + (<usize>k << 2)));
      const a1 = f32x4.splat(load<f32>(aRow + (<usize>(k + 1) << 2)));
      const b0 = b + ((<usize>(k * N)) << 2);
      const b1 = b0 + (<usize>N << 2);
      for (let j = 0; j < n4; j += 4) {
        const o = <usize>j << 2;
        const p = cRow + o;
        v128.store(p, f32x4.add(v128.load(p), f32x4.add(f32x4.mul(a0, v128.load(b0 + o)), f32x4.mul(a1, v128.load(b1 + o)))));
      }
      const s0 = load<f32>(aRow + (<usize>k << 2));
      const s1 = load<f32>(aRow + (<usize>(k + 1) << 2));
      for (let j = n4; j < N; j++) {
        const o = <usize>j << 2;
        store<f32>(cRow + o, load<f32>(cRow + o) + s0 * load<f32>(b0 + o) + s1 * load<f32>(b1 + o));
      }
    }
    for (; k < K; k++) {
      const s = load<f32>(aRow + (<usize>k << 2));
      const av = f32x4.splat(s);
      const b0 = b + ((<usize>(k * N)) << 2);
      for (let j = 0; j < n4; j += 4) {
        const o = <usize>j << 2;
        const p = cRow + o;
        v128.store(p, f32x4.add(v128.load(p), f32x4.mul(av, v128.load(b0 + o))));
      }
      for (let j = n4; j < N; j++) {
        const o = <usize>j << 2;
        store<f32>(cRow + o, load<f32>(cRow + o) + s * load<f32>(b0 + o));
      }
    }
  }
}

// C[M,N] (+)= A[M,K] · B[N,K]ᵀ
export function matmulNT(a: usize, b: usize, c: usize, M: i32, K: i32, N: i32, acc: i32): void {
  const k4 = K & ~3;
  for (let i = 0; i < M; i++) {
    const aRow = a + ((<usize>(i * K)) << 2);
    const cRow = c + ((<usize>(i * N)) << 2);
    let j = 0;
    for (; j + 1 < N; j += 2) {
      const b0 = b + ((<usize>(j * K)) << 2);
      const b1 = b0 + (<usize>K << 2);
      let s0 = f32x4.splat(0);
      let s1 = f32x4.splat(0);
      for (let k = 0; k < k4; k += 4) {
        const o = <usize>k << 2;
        const av = v128.load(aRow + o);
        s0 = f32x4.add(s0, f32x4.mul(av, v128.load(b0 + o)));
        s1 = f32x4.add(s1, f32x4.mul(av, v128.load(b1 + o)));
      }
      let t0 = f32x4.extract_lane(s0, 0) + f32x4.extract_lane(s0, 1) + f32x4.extract_lane(s0, 2) + f32x4.extract_lane(s0, 3);
      let t1 = f32x4.extract_lane(s1, 0) + f32x4.extract_lane(s1, 1) + f32x4.extract_lane(s1, 2) + f32x4.extract_lane(s1, 3);
      for (let k = k4; k < K; k++) {
        const av = load<f32>(aRow + (<usize>k << 2));
        t0 += av * load<f32>(b0 + (<usize>k << 2));
        t1 += av * load<f32>(b1 + (<usize>k << 2));
      }
      const p = cRow + (<usize>j << 2);
      if (acc) {
        store<f32>(p, load<f32>(p) + t0);
        store<f32>(p + 4, load<f32>(p + 4) + t1);
      } else {
        store<f32>(p, t0);
        store<f32>(p + 4, t1);
      }
    }
    for (; j < N; j++) {
      const b0 = b + ((<usize>(j * K)) << 2);
      let t: f32 = 0;
      for (let k = 0; k < K; k++) t += load<f32>(aRow + (<usize>k << 2)) * load<f32>(b0 + (<usize>k << 2));
      const p = cRow + (<usize>j << 2);
      store<f32>(p, acc ? load<f32>(p) + t : t);
    }
  }
}

// C[M,N] (+)= A[K,M]ᵀ · B[K,N]
export function matmulTN(a: usize, b: usize, c: usize, M: i32, K: i32, N: i32, acc: i32): void {
  if (!acc) memory.fill(c, 0, <usize>(M * N) << 2);
  const n4 = N & ~3;
  for (let k = 0; k < K; k++) {
    const aRow = a + ((<usize>(k * M)) << 2);
    const bRow = b + ((<usize>(k * N)) << 2);
    for (let i = 0; i < M; i++) {
      const s = load<f32>(aRow + (<usize>i << 2));
      if (s == 0) continue;
      const av = f32x4.splat(s);
      const cRow = c + ((<usize>(i * N)) << 2);
      for (let j = 0; j < n4; j += 4) {
        const o = <usize>j << 2;
        const p = cRow + o;
        v128.store(p, f32x4.add(v128.load(p), f32x4.mul(av, v128.load(bRow + o))));
      }
      for (let j = n4; j < N; j++) {
        const o = <usize>j << 2;
        store<f32>(cRow + o, load<f32>(cRow + o) + s * load<f32>(bRow + o));
      }
    }
  }
}
