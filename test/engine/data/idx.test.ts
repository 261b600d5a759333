/** IDX files: raw and gzip, errors for damaged files, and the real Fashion-MNIST when installed. */
import { existsSync } from 'node:fs';
import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { parseIdx, idxDataset, FASHION_CLASSES } from '../../../engine/data/idx.ts';
import { loadDataset } from '../../../engine/data/catalog.ts';
import { nodeFiles } from '../../../engine/io/node-files.ts';

/** An IDX file built by hand from the format's definition (big-endian header). */
function idxBytes(shape: number[], values: number[]): Uint8Array {
  const head = new Uint8Array(4 + 4 * shape.length);
  head.set([0, 0, 8, shape.length]);
  const v = new DataView(head.buffer);
  shape.forEach((d, i) => v.setUint32(4 + 4 * i, d, false));
  const out = new Uint8Array(head.length + values.length);
  out.set(head);
  out.set(values, head.length);
  return out;
}

describe('parseIdx', () => {
  const images = idxBytes([2, 2, 3], [0, 255, 10, 20, 30, 40, 1, 2, 3, 4, 5, 6]);
  it('reads shape and bytes, raw or gzip-compressed', () => {
    for (const bytes of [images, gzipSync(images)]) {
      const a = parseIdx(bytes, 'x');
      expect(a.shape).toEqual([2, 2, 3]);
      expect([...a.data]).toEqual([0, 255, 10, 20, 30, 40, 1, 2, 3, 4, 5, 6]);
    }
  });

  it('pairs images with labels into a 1×H×W dataset scaled to [0, 1]', () => {
    const d = idxDataset('t', parseIdx(images, 'i'), parseIdx(idxBytes([2], [3, 1]), 'l'), FASHION_CLASSES, 'i');
    expect(d.inputShape).toEqual([1, 2, 3]);
    expect([...d.labels]).toEqual([3, 1]);
    expect(d.features[1] * d.featureScale).toBe(1);
  });

  it.each([
    [new Uint8Array([1, 2, 3]), 'not an IDX file'],
    [idxBytes([2, 2, 3], [1, 2, 3]), 'header promises 12 values (shape 2×2×3) but only 3 bytes follow; the file is truncated'],
    [new Uint8Array([0, 0, 0x0d, 1, 0, 0, 0, 1, 0, 0, 0, 0]), 'element type 0xd is not supported'],
    [gzipSync(images).subarray(0, 20), 'the gzip data is corrupt or truncated'],
  ])('refuses damaged input (%#)', (bytes, message) => {
    expect(() => parseIdx(bytes, 'f.idx')).toThrow(message);
  });

  it('refuses mismatched image and label counts', () => {
    expect(() => idxDataset('t', parseIdx(images, 'i'), parseIdx(idxBytes([3], [0, 1, 2]), 'l'), [], 'i')).toThrow('2 images but 3 labels');
  });
});

const FASHION = '/usr/share/datasets/fashion-mnist';
describe.skipIf(!existsSync(FASHION))("Debian's Fashion-MNIST", () => {
  it('loads 60,000 training and 10,000 test images of 1×28×28 with 10 balanced classes', () => {
    const { data, test } = loadDataset({ id: 'idx', path: FASHION }, nodeFiles);
    expect(data.size).toBe(60000);
    expect(test?.size).toBe(10000);
    expect(data.inputShape).toEqual([1, 28, 28]);
    expect(data.classNames).toEqual(FASHION_CLASSES);
    const counts = new Array(10).fill(0);
    for (const y of data.labels) counts[y]++;
    expect(counts).toEqual(new Array(10).fill(6000));
    expect(data.features).toBeInstanceOf(Uint8Array); // kept as bytes: ~47 MB, not ~190 MB
  });
});
