/** Byte address of the index-th 4-byte element (f32 or i32) from base: the kernels' one pointer step. */
// @ts-ignore: decorator
@inline
export function ptr(base: usize, index: i32): usize {
  return base + (<usize>index << 2);
}

/** n rounded up to a multiple of 16 bytes (v128 alignment). */
export function align16(n: usize): usize {
  return (n + 15) & ~(<usize>15);
}
