/**
 * Threefry-2x32-20 random words, four counters per vector; bit-exact with
 * engine/tensor/threefry.ts (rotations 13 15 26 6 / 17 29 16 24, a key word
 * injected every four rounds).
 */
import { RandomArg } from './layout';
import { arg, argU32 } from './param-block';

// @ts-ignore: decorator
@inline
function rotl(x: v128, r: i32): v128 {
  return v128.or(i32x4.shl(x, r), i32x4.shr_u(x, 32 - r));
}

/**
 * Block: RandomArg. With a threshold > 0 each word becomes a keep-mask float instead:
 * 1 where (word >>> 8) < threshold (= ⌈keep probability·2²⁴⌉), else 0; exactly
 * the reference's (word >>> 8)·2⁻²⁴ < keep probability. A threshold of 0 gives
 * raw words, −1 an all-zero mask.
 */
export function randomBits(p: usize, tid: i32, nt: i32): void {
  const k0 = argU32(p, RandomArg.k0), k1 = argU32(p, RandomArg.k1);
  const base = (<u64>argU32(p, RandomArg.offsetHi) << 32) | <u64>argU32(p, RandomArg.offsetLo);
  const count = arg(p, RandomArg.count);
  const out = <usize>argU32(p, RandomArg.out);
  const threshold = arg(p, RandomArg.threshold);
  const cut = i32x4.splat(max(threshold, 0));
  const one = f32x4.splat(1);
  const blocks = (count + 1) >> 1;
  const groups = (blocks + 3) >> 2;
  const g0 = tid * groups / nt, g1 = (tid + 1) * groups / nt;
  const ks0 = i32x4.splat(k0), ks1 = i32x4.splat(k1), ks2 = i32x4.splat(0x1bd11bda ^ k0 ^ k1);
  for (let g = g0; g < g1; g++) {
    const b = g << 2;
    const c = base + <u64>b;
    const lo = i32x4.splat(<u32>c);
    const c0 = i32x4.add(lo, i32x4(0, 1, 2, 3));
    // A lane whose low word wrapped carries into the high word (the mask is −1 there).
    const c1 = i32x4.sub(i32x4.splat(<u32>(c >> 32)), i32x4.lt_u(c0, lo));
    let x0 = i32x4.add(c0, ks0);
    let x1 = i32x4.add(c1, ks1);
    x0 = i32x4.add(x0, x1); x1 = v128.xor(rotl(x1, 13), x0);
    x0 = i32x4.add(x0, x1); x1 = v128.xor(rotl(x1, 15), x0);
    x0 = i32x4.add(x0, x1); x1 = v128.xor(rotl(x1, 26), x0);
    x0 = i32x4.add(x0, x1); x1 = v128.xor(rotl(x1, 6), x0);
    x0 = i32x4.add(x0, ks1); x1 = i32x4.add(x1, i32x4.add(ks2, i32x4.splat(1)));
    x0 = i32x4.add(x0, x1); x1 = v128.xor(rotl(x1, 17), x0);
    x0 = i32x4.add(x0, x1); x1 = v128.xor(rotl(x1, 29), x0);
    x0 = i32x4.add(x0, x1); x1 = v128.xor(rotl(x1, 16), x0);
    x0 = i32x4.add(x0, x1); x1 = v128.xor(rotl(x1, 24), x0);
    x0 = i32x4.add(x0, ks2); x1 = i32x4.add(x1, i32x4.add(ks0, i32x4.splat(2)));
    x0 = i32x4.add(x0, x1); x1 = v128.xor(rotl(x1, 13), x0);
    x0 = i32x4.add(x0, x1); x1 = v128.xor(rotl(x1, 15), x0);
    x0 = i32x4.add(x0, x1); x1 = v128.xor(rotl(x1, 26), x0);
    x0 = i32x4.add(x0, x1); x1 = v128.xor(rotl(x1, 6), x0);
    x0 = i32x4.add(x0, ks0); x1 = i32x4.add(x1, i32x4.add(ks1, i32x4.splat(3)));
    x0 = i32x4.add(x0, x1); x1 = v128.xor(rotl(x1, 17), x0);
    x0 = i32x4.add(x0, x1); x1 = v128.xor(rotl(x1, 29), x0);
    x0 = i32x4.add(x0, x1); x1 = v128.xor(rotl(x1, 16), x0);
    x0 = i32x4.add(x0, x1); x1 = v128.xor(rotl(x1, 24), x0);
    x0 = i32x4.add(x0, ks1); x1 = i32x4.add(x1, i32x4.add(ks2, i32x4.splat(4)));
    x0 = i32x4.add(x0, x1); x1 = v128.xor(rotl(x1, 13), x0);
    x0 = i32x4.add(x0, x1); x1 = v128.xor(rotl(x1, 15), x0);
    x0 = i32x4.add(x0, x1); x1 = v128.xor(rotl(x1, 26), x0);
    x0 = i32x4.add(x0, x1); x1 = v128.xor(rotl(x1, 6), x0);
    x0 = i32x4.add(x0, ks2); x1 = i32x4.add(x1, i32x4.add(ks0, i32x4.splat(5)));
    // Words interleave: block i gives out[2i], out[2i + 1].
    const w = b << 1;
    let lowPair = i32x4.shuffle(x0, x1, 0, 4, 1, 5);
    let highPair = i32x4.shuffle(x0, x1, 2, 6, 3, 7);
    if (threshold != 0) {
      lowPair = v128.and(i32x4.lt_u(i32x4.shr_u(lowPair, 8), cut), one);
      highPair = v128.and(i32x4.lt_u(i32x4.shr_u(highPair, 8), cut), one);
    }
    const dst = out + (<usize>w << 2);
    if (w + 8 <= count) {
      v128.store(dst, lowPair);
      v128.store(dst, highPair, 16);
    } else {
      const left = count - w; // 1..7 words
      if (left > 0) store<u32>(dst, i32x4.extract_lane(lowPair, 0));
      if (left > 1) store<u32>(dst, i32x4.extract_lane(lowPair, 1), 4);
      if (left > 2) store<u32>(dst, i32x4.extract_lane(lowPair, 2), 8);
      if (left > 3) store<u32>(dst, i32x4.extract_lane(lowPair, 3), 12);
      if (left > 4) store<u32>(dst, i32x4.extract_lane(highPair, 0), 16);
      if (left > 5) store<u32>(dst, i32x4.extract_lane(highPair, 1), 20);
      if (left > 6) store<u32>(dst, i32x4.extract_lane(highPair, 2), 24);
    }
  }
}
