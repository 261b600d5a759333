/** Writes small folders in CIFAR's official binary layout for tests: record i's pixels are (i·7 + j) mod 256 unless `fill` says otherwise. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const pixel = (record: number, j: number) => (record * 7 + j) % 256;

/** `labels` per file; records are numbered across files in order. Returns the folder. */
export function writeCifar(dir: string, kind: 'cifar10' | 'cifar100', files: Record<string, number[]>, meta?: string[], fill: (record: number, j: number, label: number) => number = pixel): string {
  mkdirSync(dir, { recursive: true });
  const labelBytes = kind === 'cifar10' ? 1 : 2;
  let record = 0;
  for (const [name, labels] of Object.entries(files)) {
    const out = new Uint8Array(labels.length * (labelBytes + 3072));
    labels.forEach((y, i) => {
      const o = i * (labelBytes + 3072);
      if (kind === 'cifar100') out[o] = 19 - (y % 20); // a coarse label that must not be read as the class
      out[o + labelBytes - 1] = y;
      for (let j = 0; j < 3072; j++) out[o + labelBytes + j] = fill(record, j, y);
      record++;
    });
    writeFileSync(join(dir, name), out);
  }
  if (meta) writeFileSync(join(dir, kind === 'cifar10' ? 'batches.meta.txt' : 'fine_label_names.txt'), `${meta.join('\n')}\n\n`);
  return dir;
}
