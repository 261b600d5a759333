/**
 * The random layers' statistics against closed forms (not against our own
 * output): drop rates, whole-channel / whole-block / whole-sample structure,
 * the moments AlphaDropout and the Gaussian layers promise, DropConnect's
 * formula, and bit-for-bit determinism under a seed.
 */
import { describe, expect, it } from 'vitest';
import { Generator, Tensor, type StochasticModule } from '../../../engine/index.ts';
import { ALPHA_PRIME, AlphaDropout } from '../../../engine/nn/layers/alpha-dropout.ts';
import { ChannelDropout } from '../../../engine/nn/layers/channel-dropout.ts';
import { DropBlock2d, dropBlockGamma } from '../../../engine/nn/layers/drop-block.ts';
import { DropConnect } from '../../../engine/nn/layers/drop-connect.ts';
import { Dropout } from '../../../engine/nn/layers/dropout.ts';
import { GaussianDropout, GaussianNoise } from '../../../engine/nn/layers/gaussian-dropout.ts';
import { StochasticDepth } from '../../../engine/nn/layers/stochastic-depth.ts';

const randn = (shape: number[], seed: number) => new Tensor(new Generator(seed).normal(shape.reduce((a, b) => a * b, 1)), shape);
const away = (shape: number[], seed: number) => new Tensor(new Generator(seed).uniform(shape.reduce((a, b) => a * b, 1), 0.5, 2), shape);
const meanOf = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0) / a.length;
const varOf = (a: ArrayLike<number>) => {
  const m = meanOf(a);
  return Array.from(a).reduce((s, v) => s + (v - m) * (v - m), 0) / a.length;
};
/** 5 standard errors of a proportion from n trials: a correct layer fails with probability < 1e-6. */
const fiveSigma = (p: number, n: number) => 5 * Math.sqrt((p * (1 - p)) / n) + 1e-9;

describe('drop rates match p (fraction of dropped units within 5 standard errors)', () => {
  const cases: [string, () => StochasticModule, number[], number][] = [
    ['Dropout2d p=0.3', () => new ChannelDropout(2, 0.3), [2000, 50, 2, 2], 0.3],
    ['Dropout1d p=0.5', () => new ChannelDropout(1, 0.5), [1000, 100, 3], 0.5],
    ['Dropout3d p=0.2', () => new ChannelDropout(3, 0.2), [500, 100, 1, 2, 2], 0.2],
    ['AlphaDropout p=0.4', () => new AlphaDropout(0.4, false), [1000, 100], 0.4],
    ['FeatureAlphaDropout p=0.1', () => new AlphaDropout(0.1, true), [1000, 100, 2], 0.1],
    ["StochasticDepth 'row' p=0.25", () => new StochasticDepth(0.25, 'row'), [50000, 2], 0.25],
    ['DropConnect p=0.5', () => new DropConnect(300, 300, true, 0.5, new Generator(1)), [1, 300], 0.5],
  ];
  it.each(cases)('%s', (_n, make, shape, p) => {
    const m = make().setGenerator(new Generator(7)) as StochasticModule;
    m.forward(away(shape, 3));
    const mask = m.lastNoise as Float32Array;
    const dropped = mask.reduce((s, v) => s + (v === 0 ? 1 : 0), 0) / mask.length;
    expect(Math.abs(dropped - p)).toBeLessThan(fiveSigma(p, mask.length));
  });
});

describe('Dropout1d/2d/3d zero whole channels and scale the rest by 1/(1−p)', () => {
  it.each([
    [1, [64, 16, 7]],
    [2, [32, 16, 5, 5]],
    [3, [16, 8, 2, 3, 3]],
    [3, [8, 2, 3, 3]], // 4-D: one unbatched sample, channels on dim 0
    [2, [32, 16, 9]], // 3-D: torch 1.13 reads (N, C, L)
  ] as [1 | 2 | 3, number[]][])('Dropout%sd on %j', (variant, shape) => {
    const p = 0.4;
    const x = away(shape, 5);
    const y = new ChannelDropout(variant, p).setGenerator(new Generator(2)).forward(x);
    const unbatched = variant === 3 && shape.length === 4;
    const channels = unbatched ? shape[0] : shape[0] * shape[1];
    const len = x.size / channels;
    const scale = Math.fround(1 / (1 - p));
    let zeroed = 0;
    for (let ch = 0; ch < channels; ch++) {
      const ys = y.data.subarray(ch * len, (ch + 1) * len);
      const xs = x.data.subarray(ch * len, (ch + 1) * len);
      if (ys[0] === 0) {
        zeroed++;
        expect(ys.every((v) => v === 0), `channel ${ch} is partly zero`).toBe(true);
      } else {
        expect(ys.every((v, i) => v === Math.fround(xs[i] * scale)), `channel ${ch} is not x/(1−p)`).toBe(true);
      }
    }
    expect(zeroed).toBeGreaterThan(0);
    expect(zeroed).toBeLessThan(channels);
  });
});

describe('DropBlock2d zeroes square blocks and rescales by numel/Σmask', () => {
  const [n, c, h, w] = [4, 8, 16, 16];
  it.each([3, 5, 7])('block_size %s: zeros are exactly the union of the seeds’ squares; survivors are x·numel/Σmask', (bs) => {
    const p = 0.2;
    const x = away([n, c, h, w], 9);
    const m = new DropBlock2d(p, bs).setGenerator(new Generator(bs));
    const y = m.forward(x);
    const seeds = m.lastNoise as Float32Array;
    const [hs, ws] = [h - bs + 1, w - bs + 1];
    expect(m.lastNoiseShape).toEqual([n, c, hs, ws]);
    // Independent expansion: a pixel is covered if some seed's bs×bs square (top-left at the seed) contains it.
    const covered = new Uint8Array(x.size);
    for (let nc = 0; nc < n * c; nc++) {
      for (let a = 0; a < hs; a++) for (let b = 0; b < ws; b++) {
        if (!seeds[(nc * hs + a) * ws + b]) continue;
        for (let i = 0; i < bs; i++) for (let j = 0; j < bs; j++) covered[(nc * h + a + i) * w + b + j] = 1;
      }
    }
    const kept = covered.reduce((s, v) => s + (v ? 0 : 1), 0);
    const scale = x.size / (1e-6 + kept);
    let bad = 0;
    for (let i = 0; i < x.size; i++) {
      const expected = covered[i] ? 0 : x.data[i] * scale;
      if (Math.abs(y.data[i] - expected) > 1e-5 * Math.abs(expected)) bad++;
    }
    expect(bad).toBe(0);
    // Interior pixels are covered by bs² seed positions: P(dropped) = 1 − (1 − γ)^(bs²).
    const gamma = dropBlockGamma(p, h, w, bs);
    const expectedRate = 1 - Math.pow(1 - gamma, bs * bs);
    let interior = 0;
    let droppedInterior = 0;
    for (let nc = 0; nc < n * c; nc++) {
      for (let i = bs - 1; i <= h - bs; i++) for (let j = bs - 1; j <= w - bs; j++) {
        interior++;
        droppedInterior += covered[(nc * h + i) * w + j];
      }
    }
    // Neighbouring pixels share seeds, so allow a generous 5·bs standard errors.
    expect(Math.abs(droppedInterior / interior - expectedRate)).toBeLessThan(bs * fiveSigma(expectedRate, interior));
  });
});

describe('AlphaDropout keeps mean 0 and variance 1 on standard-normal input', () => {
  it.each([0.1, 0.3, 0.5])('p = %s over 10^6 elements: |mean| < 0.01, |var − 1| < 0.01', (p) => {
    const n = 1_000_000;
    const y = new AlphaDropout(p, false).setGenerator(new Generator(4)).forward(randn([n], 8));
    expect(Math.abs(meanOf(y.data))).toBeLessThan(0.01);
    expect(Math.abs(varOf(y.data) - 1)).toBeLessThan(0.01);
  });

  it("dropped units take a·α' + b, with a = ((1−p)(1+pα'²))^(−1/2), b = −a·α'·p", () => {
    const p = 0.5;
    const a = 1 / Math.sqrt((1 - p) * (1 + p * ALPHA_PRIME * ALPHA_PRIME));
    const b = -a * ALPHA_PRIME * p;
    const x = randn([1000], 1);
    const m = new AlphaDropout(p, false).setGenerator(new Generator(3));
    const y = m.forward(x);
    const mask = m.lastNoise as Float32Array;
    for (let i = 0; i < 1000; i++) {
      const expected = mask[i] ? a * x.data[i] + b : a * ALPHA_PRIME + b;
      expect(Math.abs(y.data[i] - expected)).toBeLessThan(1e-5);
    }
    expect(ALPHA_PRIME).toBeCloseTo(-1.7580993408473766, 12);
  });
});

describe("StochasticDepth / DropPath 'row' drops whole samples", () => {
  it('each sample is all zero or all x/(1−p); the dropped fraction is p', () => {
    const p = 0.3;
    const [n, f] = [20000, 6];
    const x = away([n, f], 2);
    const y = new StochasticDepth(p, 'row').setGenerator(new Generator(6)).forward(x);
    let dropped = 0;
    for (let s = 0; s < n; s++) {
      const ys = Array.from(y.data.subarray(s * f, (s + 1) * f));
      if (ys[0] === 0) {
        dropped++;
        expect(ys.every((v) => v === 0)).toBe(true);
      } else expect(ys.every((v, i) => v === Math.fround(x.data[s * f + i] * Math.fround(1 / (1 - p))))).toBe(true);
    }
    expect(Math.abs(dropped / n - p)).toBeLessThan(fiveSigma(p, n));
  });

  it("'batch' mode keeps or drops the whole batch at once", () => {
    const x = away([8, 4], 1);
    const outcomes = new Set<string>();
    const m = new StochasticDepth(0.5, 'batch').setGenerator(new Generator(1));
    for (let k = 0; k < 40; k++) {
      const y = m.forward(x);
      expect(m.lastNoiseShape).toEqual([1, 1]);
      const zeros = y.data.filter((v) => v === 0).length;
      expect([0, y.size]).toContain(zeros);
      outcomes.add(zeros === 0 ? 'kept' : 'dropped');
    }
    expect(outcomes.size).toBe(2);
  });
});

describe('Gaussian layers: the noise has the stated moments', () => {
  it.each([0.1, 0.5, 0.8])('GaussianDropout rate %s: y = x·ε, ε mean 1, variance rate/(1−rate) (within 1%%)', (rate) => {
    const n = 1_000_000;
    const x = away([n], 4);
    const m = new GaussianDropout(rate).setGenerator(new Generator(12));
    const y = m.forward(x);
    const eps = m.lastNoise as Float32Array;
    const v = rate / (1 - rate);
    expect(Math.abs(meanOf(eps) - 1)).toBeLessThan(5 * Math.sqrt(v / n));
    expect(Math.abs(varOf(eps) / v - 1)).toBeLessThan(0.01);
    for (let i = 0; i < 1000; i++) expect(y.data[i]).toBe(Math.fround(x.data[i] * eps[i]));
  });

  it('GaussianNoise stddev 0.3: y = x + ε, ε mean 0 and std 0.3; eval is the identity', () => {
    const n = 1_000_000;
    const x = away([n], 4);
    const m = new GaussianNoise(0.3).setGenerator(new Generator(13));
    const y = m.forward(x);
    const eps = m.lastNoise as Float32Array;
    expect(Math.abs(meanOf(eps))).toBeLessThan(5 * 0.3 / Math.sqrt(n));
    expect(Math.abs(Math.sqrt(varOf(eps)) - 0.3)).toBeLessThan(0.003);
    for (let i = 0; i < 1000; i++) expect(y.data[i]).toBe(Math.fround(x.data[i] + eps[i]));
    m.eval();
    expect(m.forward(x)).toBe(x);
    expect(m.lastNoise).toBeNull();
  });
});

describe('DropConnect: y = x·(M⊙W/(1−p))ᵀ + b in training, x·Wᵀ + b in eval', () => {
  const [inF, outF, batch, p] = [5, 3, 4, 0.4];
  const x = randn([batch, inF], 21);
  const mask = Float32Array.from({ length: outF * inF }, (_, i) => ((i * 7) % 3 === 0 ? 0 : 1));
  const reference = (m: DropConnect, useMask: boolean) => {
    const out: number[] = [];
    for (let r = 0; r < batch; r++) for (let o = 0; o < outF; o++) {
      let s = m.bias ? m.bias.data[o] : 0;
      for (let i = 0; i < inF; i++) s += x.data[r * inF + i] * m.weight.data[o * inF + i] * (useMask ? mask[o * inF + i] / (1 - p) : 1);
      out.push(s);
    }
    return out;
  };

  it('training with a given weight mask, and the weight gradient (M/(1−p))⊙(gᵀx)', () => {
    const m = new DropConnect(inF, outF, true, p, new Generator(2));
    m.forcedMask = mask;
    const y = m.forward(x);
    reference(m, true).forEach((v, i) => expect(y.data[i]).toBeCloseTo(v, 5));
    const g = randn([batch, outF], 22);
    y.backward(g);
    for (let o = 0; o < outF; o++) for (let i = 0; i < inF; i++) {
      let s = 0;
      for (let r = 0; r < batch; r++) s += g.data[r * outF + o] * x.data[r * inF + i];
      expect(m.weight.grad?.data[o * inF + i]).toBeCloseTo((s * mask[o * inF + i]) / (1 - p), 5);
    }
    expect(m.lastMask).toBe(mask);
  });

  it('eval uses W unmasked and draws nothing', () => {
    const m = new DropConnect(inF, outF, true, p, new Generator(2)).eval();
    const y = m.forward(x);
    reference(m, false).forEach((v, i) => expect(y.data[i]).toBeCloseTo(v, 5));
    expect(m.lastMask).toBeNull();
  });
});

describe('same seed, same masks bit for bit; another seed, other masks', () => {
  const makers: [string, () => StochasticModule, number[]][] = [
    ['Dropout', () => new Dropout(0.5), [8, 32]],
    ['Dropout2d', () => new ChannelDropout(2, 0.5), [8, 16, 3, 3]],
    ['AlphaDropout', () => new AlphaDropout(0.5, false), [8, 32]],
    ['GaussianDropout', () => new GaussianDropout(0.5), [8, 32]],
    ['GaussianNoise', () => new GaussianNoise(0.5), [8, 32]],
    ['DropBlock2d', () => new DropBlock2d(0.3, 3), [4, 4, 9, 9]],
    ['StochasticDepth', () => new StochasticDepth(0.5, 'row'), [64, 4]],
    ['DropConnect', () => new DropConnect(32, 16, true, 0.5, new Generator(0)), [8, 32]],
  ];
  it.each(makers)('%s', (_n, make, shape) => {
    const x = away(shape, 1);
    const run = (seed: number) => {
      const m = make().setGenerator(new Generator(seed)) as StochasticModule;
      const first = m.forward(x).data;
      const masks = [m.lastNoise as Float32Array];
      m.forward(x);
      masks.push(m.lastNoise as Float32Array);
      return { first, masks };
    };
    const a = run(42);
    const b = run(42);
    expect(Buffer.from(a.masks[0].buffer).equals(Buffer.from(b.masks[0].buffer))).toBe(true);
    expect(Buffer.from(a.masks[1].buffer).equals(Buffer.from(b.masks[1].buffer))).toBe(true);
    expect(Buffer.from(a.first.buffer).equals(Buffer.from(b.first.buffer))).toBe(true);
    expect(a.masks[0]).not.toEqual(a.masks[1]); // successive forwards draw fresh noise
    expect(run(43).masks[0]).not.toEqual(a.masks[0]);
  });
});

describe('forced noise of the wrong size is refused with the sizes', () => {
  it('Dropout2d expects one value per (sample, channel)', () => {
    const m = new ChannelDropout(2, 0.5);
    m.forcedNoise = new Float32Array(5);
    expect(() => m.forward(away([2, 3, 4, 4], 1))).toThrow(/noise has 5 elements but this input needs 6 \(shape 2×3×1×1\)/);
  });
});
