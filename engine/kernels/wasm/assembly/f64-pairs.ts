/**
 * Two float32s worked on as float64 lanes, as the optimizers' reference loops
 * compute (float64 arithmetic between float32 loads and stores): the optimizer
 * kernels (adam.ts, sgd-momentum.ts) use these to give the same bits.
 */

/** The float32s at p and p + 4, widened. */
// @ts-ignore: decorator
@inline
export function load2(p: usize): v128 {
  return f64x2.promote_low_f32x4(v128.load64_zero(p));
}

/** Both lanes rounded to float32 and stored at p and p + 4. */
// @ts-ignore: decorator
@inline
export function store2(p: usize, x: v128): void {
  v128.store64_lane(p, f32x4.demote_f64x2_zero(x), 0);
}

/** Both lanes rounded to float32 and widened again: what the reference reads after storing into a Float32Array. */
// @ts-ignore: decorator
@inline
export function round32(x: v128): v128 {
  return f64x2.promote_low_f32x4(f32x4.demote_f64x2_zero(x));
}
