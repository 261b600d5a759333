/** generate.py's hash_uniform: 32-bit wrap-around arithmetic, bit-identical to Python's (inputs for fixtures, not expected values). */
export function hashUniform(i: number, stream: number): number {
  let h = (Math.imul(i, 0x9e3779b1) + Math.imul(stream, 0x85ebca77) + 0x165667b1) >>> 0;
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d) >>> 0;
  h ^= h >>> 12;
  h = Math.imul(h, 0x297a2d39) >>> 0;
  h ^= h >>> 15;
  return ((h >>> 0) / 4294967296) * 2 - 1;
}
