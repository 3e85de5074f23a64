// WASM SIMD kernels of the decode attention (generate.ts), bitwise what its JavaScript computes: the
// JS sums are float64 (a float32 product is exact in float64; f64x2 lanes round as JS numbers do),
// and the weighted sum rounds to float32 after every term as its Float32Array stores did. The
// softmax between them (V8's Math.exp) stays in JavaScript. Rebuild with `npm run build:wasm`.

/** scores[t] (f32) = (((d0 + d1) + d2) + d3)·sc, d_j = Σ over d ≡ j (mod 4) of q[d]·k[t·stride + d] in
 * f64, in order of d; returns the largest of the f64 products with sc. */
export function scores(q: usize, k: usize, stride: i32, hd: i32, n: i32, sc: f64, out: usize): f64 {
  let max: f64 = -Infinity;
  for (let t = 0; t < n; t++) {
    const kr = k + <usize>(t * stride) * 4;
    let a = f64x2.splat(0);
    let b = f64x2.splat(0);
    let d = 0;
    for (; d + 3 < hd; d += 4) {
      const qv = v128.load(q + <usize>d * 4);
      const kv = v128.load(kr + <usize>d * 4);
      const q01 = f64x2.promote_low_f32x4(qv);
      const k01 = f64x2.promote_low_f32x4(kv);
      const q23 = f64x2.promote_low_f32x4(i32x4.shuffle(qv, qv, 2, 3, 0, 1));
      const k23 = f64x2.promote_low_f32x4(i32x4.shuffle(kv, kv, 2, 3, 0, 1));
      a = f64x2.add(a, f64x2.mul(q01, k01));
      b = f64x2.add(b, f64x2.mul(q23, k23));
    }
    let d0 = f64x2.extract_lane(a, 0);
    for (; d < hd; d++) d0 += <f64>load<f32>(q + <usize>d * 4) * <f64>load<f32>(kr + <usize>d * 4);
    const dot = (d0 + f64x2.extract_lane(a, 1) + f64x2.extract_lane(b, 0) + f64x2.extract_lane(b, 1)) * sc;
    store<f32>(out + <usize>t * 4, <f32>dot);
    if (dot > max) max = dot;
  }
  return max;
}
/** out[d] = Σ_t w[t]·v[t·stride + d] for d < width, from 0 in order of t, rounded to f32 after every
 * term; two columns per f64x2. */
export function wsum(w: usize, n: i32, v: usize, stride: i32, width: i32, out: usize): void {
  let d = 0;
  for (; d + 3 < width; d += 4) {
    let a = f64x2.splat(0);
    let b = f64x2.splat(0);
    let vr = v + <usize>d * 4;
    for (let t = 0; t < n; t++) {
      const wt = f64x2.splat(load<f64>(w + <usize>t * 8));
      const vv = v128.load(vr);
      a = f64x2.promote_low_f32x4(f32x4.demote_f64x2_zero(f64x2.add(a, f64x2.mul(wt, f64x2.promote_low_f32x4(vv)))));
      b = f64x2.promote_low_f32x4(f32x4.demote_f64x2_zero(f64x2.add(b, f64x2.mul(wt, f64x2.promote_low_f32x4(i32x4.shuffle(vv, vv, 2, 3, 0, 1))))));
      vr += <usize>stride * 4;
    }
    store<f32>(out + <usize>d * 4, <f32>f64x2.extract_lane(a, 0));
    store<f32>(out + <usize>d * 4 + 4, <f32>f64x2.extract_lane(a, 1));
    store<f32>(out + <usize>d * 4 + 8, <f32>f64x2.extract_lane(b, 0));
    store<f32>(out + <usize>d * 4 + 12, <f32>f64x2.extract_lane(b, 1));
  }
  for (; d < width; d++) {
    let a: f32 = 0;
    for (let t = 0; t < n; t++) a = <f32>(<f64>a + load<f64>(w + <usize>t * 8) * <f64>load<f32>(v + <usize>(d + t * stride) * 4));
    store<f32>(out + <usize>d * 4, a);
  }
}
