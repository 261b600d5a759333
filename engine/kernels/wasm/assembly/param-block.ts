/** Reading a kernel's i32 parameter block (slots named in layout.ts). */

// @ts-ignore: decorator
@inline
export function arg(p: usize, i: i32): i32 {
  return load<i32>(p + (<usize>i << 2));
}

/** An unsigned word: `<u64><u32>arg(...)` would sign-extend (the cast folds into a signed load). */
// @ts-ignore: decorator
@inline
export function argU32(p: usize, i: i32): u32 {
  return load<u32>(p + (<usize>i << 2));
}
