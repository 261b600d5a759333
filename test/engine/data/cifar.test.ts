/** CIFAR-10/100 binary folders generated in the test: records, labels, class names, the separate test set, errors. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../../engine/data/catalog.ts';
import { nodeFiles } from '../../../engine/io/node-files.ts';
import { pixel, writeCifar } from './cifar-layout.ts';

const root = mkdtempSync(join(tmpdir(), 'cifar-'));
const NAMES = ['plane', 'car', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

describe('CIFAR folders', () => {
  it('CIFAR-10: batches 1..N in numeric order, its own test set, names from batches.meta.txt', () => {
    const dir = writeCifar(join(root, 'c10'), 'cifar10', { 'data_batch_1.bin': [3, 1], 'data_batch_2.bin': [9], 'data_batch_10.bin': [0], 'test_batch.bin': [5, 4] }, NAMES);
    const { data, test } = loadDataset({ id: 'cifar10', path: dir }, nodeFiles);
    expect(data.inputShape).toEqual([3, 32, 32]);
    expect(data.size).toBe(4);
    expect([...data.labels]).toEqual([3, 1, 9, 0]); // batch 10 after batch 2
    expect(data.classNames).toEqual(NAMES);
    expect(data.featureScale).toBe(1 / 255);
    // Record 2 (batch 2's first): red plane first, then green, then blue, as written.
    expect([...data.features.subarray(2 * 3072, 2 * 3072 + 3)]).toEqual([pixel(2, 0), pixel(2, 1), pixel(2, 2)]);
    expect(data.features[3 * 3072 + 2048]).toBe(pixel(3, 2048));
    expect(test?.size).toBe(2);
    expect([...(test?.labels ?? [])]).toEqual([5, 4]);
    expect(test?.features[3071]).toBe(pixel(4, 3071)); // the test batch holds records 4 and 5 as written
  });

  it('CIFAR-100: the fine label, not the coarse one; the extracted subfolder is found from its parent', () => {
    const parent = join(root, 'c100');
    writeCifar(join(parent, 'cifar-100-binary'), 'cifar100', { 'train.bin': [42, 99, 0], 'test.bin': [7] });
    const { data, test } = loadDataset({ id: 'cifar100', path: parent }, nodeFiles);
    expect([...data.labels]).toEqual([42, 99, 0]);
    expect(data.classNames).toHaveLength(100);
    expect([...(test?.labels ?? [])]).toEqual([7]);
  });

  it('without a meta file, CIFAR-10 uses the official class names', () => {
    const dir = writeCifar(join(root, 'nometa'), 'cifar10', { 'data_batch_1.bin': [0, 1] });
    const l = loadDataset({ id: 'cifar10', path: dir }, nodeFiles);
    expect(l.data.classNames[0]).toBe('airplane');
    expect(l.test).toBeUndefined();
  });

  it.each([
    ['a truncated batch', (d: string) => writeFileSync(join(d, 'data_batch_1.bin'), new Uint8Array(3073 + 10)), 'data_batch_1.bin: 3083 bytes is not a whole number of 3073-byte CIFAR records'],
    ['a label past 9', (d: string) => writeCifar(d, 'cifar10', { 'data_batch_1.bin': [0, 12] }), 'data_batch_1.bin, record 2: label 12 is outside 0–9'],
    ['no batches', (d: string) => writeFileSync(join(d, 'readme.txt'), 'hi'), 'no data_batch_1.bin … data_batch_5.bin here (found: readme.txt)'],
  ])('%s is refused', (_, make, message) => {
    const dir = mkdtempSync(join(root, 'bad-'));
    make(dir);
    expect(() => loadDataset({ id: 'cifar10', path: dir }, nodeFiles)).toThrow(message);
  });

  it('a moved folder names the path', () => {
    expect(() => loadDataset({ id: 'cifar10', path: join(root, 'gone') }, nodeFiles)).toThrow(`${join(root, 'gone')}: no such folder; it may have been moved or renamed`);
  });
});
