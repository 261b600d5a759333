/**
 * Seeded, counter-based random numbers (Threefry-2x32-20, Salmon et al. 2011,
 * the generator JAX uses). Every value is a pure function of (seed, counter),
 * so the same seed gives the same weights and dropout masks on every platform,
 * and a consumer can be replayed from a recorded offset.
 */

import { kernels } from '../kernels/registry.ts';
import { emptyData } from './storage.ts';
import { threefry2x32 } from './threefry.ts';

export { threefry2x32 };

const TWO_POW_32 = 4294967296;
const INV_2_24 = 1 / 16777216;

/**
 * A stream of random numbers: key = seed, counter = offset. Each call consumes
 * counters, like torch's Philox offset, so the draw order defines the stream.
 */
export class Generator {
  private k0: number;
  private k1: number;
  /** Number of 64-bit blocks consumed so far. */
  offset = 0;

  constructor(seed = 0) {
    this.k0 = 0;
    this.k1 = 0;
    this.manualSeed(seed);
  }

  manualSeed(seed: number): this {
    if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`seed must be a non-negative safe integer, got ${seed}`);
    this.k0 = seed % TWO_POW_32 >>> 0;
    this.k1 = Math.floor(seed / TWO_POW_32) >>> 0;
    this.offset = 0;
    return this;
  }

  /** A snapshot that `restore` returns to, so a draw can be replayed exactly. */
  state(): { k0: number; k1: number; offset: number } {
    return { k0: this.k0, k1: this.k1, offset: this.offset };
  }

  restore(s: { k0: number; k1: number; offset: number }): void {
    this.k0 = s.k0;
    this.k1 = s.k1;
    this.offset = s.offset;
  }

  /** Fills `out` with raw 32-bit words. */
  fillUint32(out: Uint32Array): Uint32Array {
    // A backend kernel: dropout draws a word per activation every step.
    kernels().randomBits(this.k0, this.k1, this.offset, out);
    this.offset += Math.ceil(out.length / 2);
    return out;
  }

  /** Uniform floats in [0, 1) with 24 random bits each (exact in float32). */
  uniform(n: number, lo = 0, hi = 1): Float32Array {
    const words = this.fillUint32(new Uint32Array(n));
    const out = new Float32Array(n);
    const span = hi - lo;
    for (let i = 0; i < n; i++) out[i] = lo + span * ((words[i] >>> 8) * INV_2_24);
    return out;
  }

  /** Standard normal floats by Box-Muller on pairs of uniforms in (0, 1). */
  normal(n: number, mean = 0, std = 1): Float32Array {
    const m = n + (n & 1);
    const words = this.fillUint32(new Uint32Array(m));
    const out = new Float32Array(n);
    for (let i = 0; i < m; i += 2) {
      const u1 = ((words[i] >>> 8) + 0.5) * INV_2_24;
      const u2 = ((words[i + 1] >>> 8) + 0.5) * INV_2_24;
      const r = Math.sqrt(-2 * Math.log(u1));
      out[i] = mean + std * r * Math.cos(2 * Math.PI * u2);
      if (i + 1 < n) out[i + 1] = mean + std * r * Math.sin(2 * Math.PI * u2);
    }
    return out;
  }

  /** Bernoulli(keepProb) as 0/1 floats. */
  bernoulli(n: number, keepProb: number): Float32Array {
    // In step memory inside a step: the kernels that apply it read it in place.
    return this.bernoulliInto(emptyData(n), keepProb);
  }

  /** Bernoulli(keepProb) as 0/1 floats into out. */
  bernoulliInto(out: Float32Array, keepProb: number): Float32Array {
    // The same words fillUint32 would draw, turned into the mask by the backend (in wasm, without a pass in JavaScript).
    kernels().randomMask(this.k0, this.k1, this.offset, keepProb, out);
    this.offset += Math.ceil(out.length / 2);
    return out;
  }

  /** A uniformly random permutation of 0..n-1 (Fisher-Yates). */
  permutation(n: number): Int32Array {
    const words = this.fillUint32(new Uint32Array(n));
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(((words[i] >>> 8) * INV_2_24) * (i + 1));
      const t = out[i];
      out[i] = out[j];
      out[j] = t;
    }
    return out;
  }

  /**
   * An independent stream for (seed, purpose, index), e.g. the shuffle of epoch 7:
   * its key is Threefry(seed; purpose, index), so any stream can be recreated
   * on resume without saving generator state.
   */
  static stream(seed: number, purpose: number, index: number): Generator {
    const base = new Generator(seed);
    const out = new Uint32Array(2);
    threefry2x32(base.k0, base.k1, purpose >>> 0, index >>> 0, out);
    const g = new Generator(0);
    g.k0 = out[0];
    g.k1 = out[1];
    return g;
  }

  /** An independent generator derived from this one (consumes one block). */
  fork(): Generator {
    const w = this.fillUint32(new Uint32Array(2));
    const g = new Generator(0);
    g.k0 = w[0];
    g.k1 = w[1];
    return g;
  }
}

/** The process-wide default stream, like torch's default generator. */
export const defaultGenerator = new Generator(0);

export function manualSeed(seed: number): Generator {
  return defaultGenerator.manualSeed(seed);
}
