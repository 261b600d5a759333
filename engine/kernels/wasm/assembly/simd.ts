/**
 * Multiply-add on four lanes. The relaxed build fuses it (f32x4.relaxed_madd,
 * one FMA where the CPU has it); the plain-SIMD build multiplies then adds.
 * ASC_FEATURE_RELAXED_SIMD is a compile-time constant, so the branch vanishes.
 */
// @ts-ignore: decorator
@inline
export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}
