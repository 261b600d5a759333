/**
 * Previews sample rather than make a huge generated set whole (issue #17,
 * item 8: a 1,000,000 × 512 sequence preview took 17 s and held 3.6 GB).
 */
import { describe, expect, it } from 'vitest';
import { loadDataset, type DatasetChoice, type FileSource } from '../../../engine/data/catalog.ts';
import { PREVIEW_MAX_VALUES, previewSource, scaleCounts } from '../../../engine/data/preview.ts';
import { makeSequenceTask, makeTwoD } from '../../../engine/data/synthetic.ts';

const noFiles: FileSource = { read: () => { throw new Error('no files'); }, exists: () => false, bundledMnist: () => ({ images: new Uint8Array(), labels: new Uint8Array() }), list: () => [] };
const whole = (c: DatasetChoice) => loadDataset(c, noFiles);

describe('dataset previews', () => {
  it('previews a 1,000,000 × 512 sequence set from its first samples, quickly', () => {
    const t0 = performance.now();
    const s = previewSource({ id: 'sequence', samples: 1_000_000, length: 512, vocab: 12, seed: 3 }, () => { throw new Error('the whole set must not be made'); }, noFiles);
    expect(performance.now() - t0).toBeLessThan(3000);
    expect(s.size).toBe(1_000_000);
    expect(s.sampledFrom).toBe(Math.floor(PREVIEW_MAX_VALUES / 512));
    expect(s.data.features.length).toBeLessThanOrEqual(PREVIEW_MAX_VALUES);
    expect(s.classCounts.reduce((a, b) => a + b, 0)).toBe(1_000_000);
    // Roughly half the sequences have A before B.
    expect(s.classCounts[1] / 1_000_000).toBeGreaterThan(0.45);
    expect(s.classCounts[1] / 1_000_000).toBeLessThan(0.55);
    // The first samples are those of the full set: every sample draws from the stream in turn.
    const small = makeSequenceTask({ samples: 100, length: 512, vocab: 12, seed: 3 });
    expect(s.data.features.subarray(0, 100 * 512)).toEqual(small.features);
    expect(s.data.labels.subarray(0, 100)).toEqual(small.labels);
  });

  it('two-D sets share the prefix property, and a million points are shown whole', () => {
    expect(makeTwoD('spiral', { samples: 1000, seed: 2 }).features.subarray(0, 200)).toEqual(makeTwoD('spiral', { samples: 100, seed: 2 }).features);
    const s = previewSource({ id: 'spiral', samples: 1_000_000, seed: 0 }, whole, noFiles);
    expect(s.sampledFrom).toBeNull();
    expect(s.classCounts).toEqual([500_000, 500_000]);
  });

  it('small sets are previewed whole with exact counts', () => {
    const s = previewSource({ id: 'sequence', samples: 2000, length: 16, vocab: 12, seed: 0 }, whole, noFiles);
    expect(s.sampledFrom).toBeNull();
    expect(s.size).toBe(2000);
    expect(s.classCounts.reduce((a, b) => a + b, 0)).toBe(2000);
  });

  it('scales counts to the full size by largest remainder', () => {
    expect(scaleCounts([3, 1], 10)).toEqual([8, 2]);
    expect(scaleCounts([1, 1, 1], 10)).toEqual([4, 3, 3]);
    expect(scaleCounts([0, 5], 7)).toEqual([0, 7]);
  });
});
