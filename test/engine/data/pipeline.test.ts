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

  it('Gaussian-noise augmentation adds noise with the asked spread', () => {
    const big: Dataset = { ...images, size: 512, features: new Float32Array(512 * 16), labels: new Int32Array(512) };
    const b = getBatch(big, 512, 0, { seed: 0, epoch: 0, augment: { shift: 0, hflip: false, noise: 0.5 } });
    const v = b.x.data.reduce((s, x) => s + x * x, 0) / b.x.size;
    expect(Math.sqrt(v)).toBeCloseTo(0.5, 1);
  });
});
