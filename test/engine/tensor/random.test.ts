/** The counter-based generator: published known-answer vectors, reproducibility, distributions. */
import { describe, expect, it } from 'vitest';
import { Generator, threefry2x32 } from '../../../engine/index.ts';

describe('Threefry-2x32-20', () => {
  // Known-answer vectors from Random123 (kat_vectors: counter, key → output).
  it.each([
    [[0x00000000, 0x00000000], [0x00000000, 0x00000000], [0x6b200159, 0x99ba4efe]],
    [[0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff], [0x1cb996fc, 0xbb002be7]],
    [[0x243f6a88, 0x85a308d3], [0x13198a2e, 0x03707344], [0xc4923a9c, 0x483df7a0]],
  ])('counter %j, key %j', (ctr, key, expected) => {
    const out = new Uint32Array(2);
    threefry2x32(key[0], key[1], ctr[0], ctr[1], out);
    expect([...out]).toEqual(expected);
  });
});

describe('Generator', () => {
  it('gives the same stream for the same seed and a different one for another', () => {
    const a = new Generator(42).uniform(1000);
    const b = new Generator(42).uniform(1000);
    const c = new Generator(43).uniform(1000);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('is counter-based: drawing in pieces equals drawing at once, and a state replays', () => {
    const whole = new Generator(7).uniform(10);
    const g = new Generator(7);
    const pieces = [...g.uniform(4), ...g.uniform(6)];
    expect(Float32Array.from(pieces)).toEqual(whole);
    const g2 = new Generator(9);
    g2.uniform(3);
    const saved = g2.state();
    const first = g2.normal(5);
    g2.restore(saved);
    expect(g2.normal(5)).toEqual(first);
  });

  it('draws uniforms in [0, 1) with mean ½ and variance 1/12', () => {
    const u = new Generator(1).uniform(200_000);
    let s = 0, s2 = 0, lo = Infinity, hi = -Infinity;
    for (const v of u) { s += v; s2 += v * v; lo = Math.min(lo, v); hi = Math.max(hi, v); }
    const mean = s / u.length;
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThan(1);
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.003);
    expect(Math.abs(s2 / u.length - mean * mean - 1 / 12)).toBeLessThan(0.002);
  });

  it('draws normals with mean 0, variance 1 and normal tails', () => {
    const z = new Generator(2).normal(200_001);
    let s = 0, s2 = 0, beyond2 = 0;
    for (const v of z) { s += v; s2 += v * v; if (Math.abs(v) > 2) beyond2++; }
    expect(Math.abs(s / z.length)).toBeLessThan(0.01);
    expect(Math.abs(s2 / z.length - 1)).toBeLessThan(0.01);
    expect(Math.abs(beyond2 / z.length - 0.0455)).toBeLessThan(0.003); // P(|Z| > 2) = 0.0455
  });

  it('shuffles: a permutation of 0..n-1 that depends on the seed', () => {
    const p = new Generator(3).permutation(1000);
    expect([...p].sort((a, b) => a - b)).toEqual([...Array(1000).keys()]);
    expect(p).not.toEqual(new Generator(4).permutation(1000));
  });

  it('rejects seeds that are not non-negative safe integers', () => {
    expect(() => new Generator(-1)).toThrow(/seed/);
    expect(() => new Generator(1.5)).toThrow(/seed/);
  });
});
