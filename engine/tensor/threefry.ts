/**
 * Threefry-2x32 with 20 rounds (Salmon et al. 2011), the block function of
 * the engine's random numbers (random.ts). Pure functions, no imports: the
 * reference kernel set fills random words with `threefryFill`, and faster
 * backends must reproduce its bits exactly.
 */

const PARITY = 0x1bd11bda;

/** Threefry-2x32 with 20 rounds; writes two 32-bit words into out[0], out[1]. */
export function threefry2x32(k0: number, k1: number, c0: number, c1: number, out: Uint32Array): void {
  threefryInto(k0, k1, c0, c1, out, 0, 2);
}

/**
 * The same 20 rounds unrolled in int32 arithmetic (no allocation, constant
 * rotations): writes the block's words to out[i] and, if i + 1 < n, out[i + 1].
 * Rotations cycle 13 15 26 6 / 17 29 16 24; every 4 rounds key word s is added.
 */
export function threefryInto(k0: number, k1: number, c0: number, c1: number, out: Uint32Array, i: number, n: number): void {
  const ks0 = k0 | 0, ks1 = k1 | 0, ks2 = (PARITY ^ k0 ^ k1) | 0;
  let x0 = (c0 + ks0) | 0;
  let x1 = (c1 + ks1) | 0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 13) | (x1 >>> 19)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 15) | (x1 >>> 17)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 26) | (x1 >>> 6)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 6) | (x1 >>> 26)) ^ x0;
  x0 = (x0 + ks1) | 0; x1 = (x1 + ks2 + 1) | 0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 17) | (x1 >>> 15)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 29) | (x1 >>> 3)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 16) | (x1 >>> 16)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 24) | (x1 >>> 8)) ^ x0;
  x0 = (x0 + ks2) | 0; x1 = (x1 + ks0 + 2) | 0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 13) | (x1 >>> 19)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 15) | (x1 >>> 17)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 26) | (x1 >>> 6)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 6) | (x1 >>> 26)) ^ x0;
  x0 = (x0 + ks0) | 0; x1 = (x1 + ks1 + 3) | 0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 17) | (x1 >>> 15)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 29) | (x1 >>> 3)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 16) | (x1 >>> 16)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 24) | (x1 >>> 8)) ^ x0;
  x0 = (x0 + ks1) | 0; x1 = (x1 + ks2 + 4) | 0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 13) | (x1 >>> 19)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 15) | (x1 >>> 17)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 26) | (x1 >>> 6)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 6) | (x1 >>> 26)) ^ x0;
  x0 = (x0 + ks2) | 0; x1 = (x1 + ks0 + 5) | 0;
  out[i] = x0;
  if (i + 1 < n) out[i + 1] = x1;
}

const TWO_POW_32 = 4294967296;

/** out[2i], out[2i + 1] = the two words of block (k0, k1; counter offset + i); an odd length drops the last word. */
export function threefryFill(k0: number, k1: number, offset: number, out: Uint32Array): void {
  const n = out.length;
  let o = offset;
  for (let i = 0; i < n; i += 2, o++) {
    const hi = Math.floor(o / TWO_POW_32);
    threefryInto(k0, k1, o - hi * TWO_POW_32, hi, out, i, n);
  }
}
