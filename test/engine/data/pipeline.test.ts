/** Splits, normalisation and augmentation: deterministic, leak-free, training-only. */
import { describe, expect, it } from 'vitest';
import { makeTwoD } from '../../../engine/data/synthetic.ts';
import { fitNormalizer, getBatch, normalize, split } from '../../../engine/data/pipeline.ts';
import type { Dataset } from '../../../engine/data/dataset.ts';

const data = makeTwoD('blobs', { samples: 500, seed: 3 });
const opts = { valFraction: 0.2, testFraction: 0.1, trainFraction: 1, seed: 9 };

describe('split', () => {
  it('is a deterministic partition of the samples given the seed', () => {
    const a = split(data, opts);
    const b = split(data, opts);
    expect(a.train.features).toEqual(b.train.features);
    expect([a.train.size, a.val.size, a.test.size]).toEqual([360, 90, 50]);
    const c = split(data, { ...opts, seed: 10 });
    expect(c.train.features).not.toEqual(a.train.features);
    // Every sample lands in exactly one split.
    const key = (d: Dataset, i: number) => `${d.features[2 * i]},${d.features[2 * i + 1]}`;
    const all = new Set<string>();
    for (const d of [a.train, a.val, a.test]) for (let i = 0; i < d.size; i++) all.add(key(d, i));
    expect(all.size).toBe(500);
  });

  it('trainFraction keeps a subset of the training split and leaves validation and test unchanged', () => {
    const a = split(data, opts);
    const small = split(data, { ...opts, trainFraction: 0.25 });
    expect(small.train.size).toBe(90);
    expect(small.val.features).toEqual(a.val.features);
    expect(small.test.features).toEqual(a.test.features);
  });

  it('a separate test set is used as is', () => {
    const test = makeTwoD('blobs', { samples: 30, seed: 1 });
    expect(split(data, opts, test).test).toBe(test);
  });
});

describe('normalisation', () => {
  it('is fitted on the training split only: train becomes mean 0 / std 1, validation does not exactly', () => {
    const s = split(data, opts);
    const norm = fitNormalizer(s.train)!;
    const t = normalize(s.train, norm);
    const x = getBatch(t, t.size, 0).x.data; // applied as batches are read
    expect(t.features).toBe(s.train.features); // no copy of the data
    for (let f = 0; f < 2; f++) {
      let m = 0, v = 0;
      for (let i = 0; i < t.size; i++) m += x[2 * i + f];
      m /= t.size;
      for (let i = 0; i < t.size; i++) v += (x[2 * i + f] - m) ** 2;
      expect(m).toBeCloseTo(0, 5);
      expect(v / t.size).toBeCloseTo(1, 4);
    }
    const valNorm = fitNormalizer(s.val)!;
    expect(valNorm.mean).not.toEqual(norm.mean);
  });

  it('is per channel for colour images [C, H, W]: one mean and std over every pixel of each channel', () => {
    // Two 3×1×2 byte images (scale 1/255): R = 0, 51, 102, 153; G = 255 everywhere; B = 0, 0, 255, 255.
    const bytes = Uint8Array.from([0, 51, 255, 255, 0, 0, 102, 153, 255, 255, 255, 255]);
    const rgb: Dataset = { name: 'rgb', task: 'classification', inputShape: [3, 1, 2], size: 2, features: bytes, featureScale: 1 / 255, labels: Int32Array.from([0, 1]), classNames: ['a', 'b'], targetDim: 1 };
    const norm = fitNormalizer(rgb)!;
    expect(norm.group).toBe(2);
    expect([...norm.mean]).toEqual([0.3, 1, 0.5].map(Math.fround));
    // Population std over 4 pixels: R sqrt(0.05) (0, .2, .4, .6 about .3), G constant (kept at 1), B 0.5.
    expect(norm.std[0]).toBeCloseTo(Math.sqrt(0.05), 6);
    expect(norm.std[1]).toBe(1);
    expect(norm.std[2]).toBeCloseTo(0.5, 6);
    const x = getBatch(normalize(rgb, norm), 2, 0).x.data;
    expect(x[4]).toBeCloseTo(-1, 6); // first image's blue pixel: (0 - 0.5) / 0.5
    expect(x[10]).toBeCloseTo(1, 6); // second image's blue pixel: (1 - 0.5) / 0.5
  });
});

describe('batches', () => {
  const images: Dataset = { name: 'img', task: 'classification', inputShape: [1, 4, 4], size: 8, features: Float32Array.from({ length: 128 }, (_, i) => i % 16), featureScale: 1, labels: Int32Array.from([0, 1, 0, 1, 0, 1, 0, 1]), classNames: ['a', 'b'], targetDim: 1 };

  it('shuffles per epoch, deterministically from the seed, covering every sample once', () => {
    const order = (epoch: number) => [0, 1].flatMap((i) => [...getBatch(data, 250, i, { seed: 1, epoch }).x.data.subarray(0, 4)]);
    expect(order(0)).toEqual(order(0));
    expect(order(0)).not.toEqual(order(1));
    const labels = [0, 1].flatMap((i) => [...(getBatch(data, 250, i, { seed: 1, epoch: 3 }).classes ?? [])]);
    expect(labels.sort()).toEqual([...data.labels].sort());
  });

  it('augments training batches only; evaluation batches are untouched', () => {
    const aug = { shift: 1, hflip: true, noise: 0 };
    const plain = getBatch(images, 8, 0, { seed: 0 });
    expect(plain.x.data).toEqual(images.features);
    const trained = getBatch(images, 8, 0, { seed: 0, epoch: 0, augment: aug });
    const unaugmented = getBatch(images, 8, 0, { seed: 0, epoch: 0 });
    expect(trained.x.data).not.toEqual(unaugmented.x.data);
    // A shift or flip keeps values from the image (or zero fill), never invents new ones.
    for (const v of trained.x.data) expect(v === 0 || Number.isInteger(v)).toBe(true);
  });

  it('random crop with padding and horizontal flip: each image is its pad-s crop at an offset in [-s, s]², flipped about half the time', () => {
    const s = 2;
    const [C, H, W] = [2, 5, 6];
    const D = C * H * W;
    // Distinct positive values per sample and pixel, so the crop offset and flip can be read back.
    const many: Dataset = { ...images, inputShape: [C, H, W], size: 400, features: Float32Array.from({ length: 400 * D }, (_, i) => 1 + i), labels: new Int32Array(400) };
    const b = getBatch(many, 400, 0, { seed: 3, epoch: 1, augment: { shift: s, hflip: true, noise: 0 } });
    const order = getBatch(many, 400, 0, { seed: 3, epoch: 1 }).x.data;
    const cropped = (src: Float32Array, dy: number, dx: number, flip: boolean) => Float32Array.from({ length: D }, (_, j) => {
      const [c, y, x] = [Math.floor(j / (H * W)), Math.floor(j / W) % H, j % W];
      const [sy, sx] = [y - dy, x - dx];
      if (sy < 0 || sy >= H || sx < 0 || sx >= W) return 0; // the padding
      return src[(c * H + sy) * W + (flip ? W - 1 - sx : sx)];
    });
    const seen = new Set<string>();
    let flips = 0;
    for (let i = 0; i < 400; i++) {
      const src = order.subarray(i * D, (i + 1) * D);
      const out = b.x.data.subarray(i * D, (i + 1) * D);
      const match = [...Array(2 * s + 1).keys()].flatMap((a) => [...Array(2 * s + 1).keys()].flatMap((c) => [false, true].map((f) => [a - s, c - s, f] as const)))
        .find(([dy, dx, f]) => cropped(src, dy, dx, f).every((v, j) => v === out[j]));
      expect(match, `sample ${i}`).toBeDefined();
      seen.add(`${match![0]},${match![1]}`);
      if (match![2]) flips++;
    }
    expect(seen.size).toBe((2 * s + 1) ** 2); // every offset occurs
    expect(flips).toBeGreaterThan(160);
    expect(flips).toBeLessThan(240);
  });

  it('Gaussian-noise augmentation adds noise with the asked spread', () => {
    const big: Dataset = { ...images, size: 512, features: new Float32Array(512 * 16), labels: new Int32Array(512) };
    const b = getBatch(big, 512, 0, { seed: 0, epoch: 0, augment: { shift: 0, hflip: false, noise: 0.5 } });
    const v = b.x.data.reduce((s, x) => s + x * x, 0) / b.x.size;
    expect(Math.sqrt(v)).toBeCloseTo(0.5, 1);
  });
});
