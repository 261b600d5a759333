/**
 * CIFAR-10 and CIFAR-100 in their official binary layout (Krizhevsky,
 * https://www.cs.toronto.edu/~kriz/cifar.html): records of label byte(s) then
 * 3072 bytes, the red, green and blue 32×32 planes in turn, which is already
 * the C×H×W order the lab uses. CIFAR-10 ships data_batch_1..5.bin and
 * test_batch.bin with batches.meta.txt; CIFAR-100 ships train.bin and
 * test.bin (coarse label, then fine label) with fine_label_names.txt. The
 * files' own test set is kept apart, as IDX's t10k files are.
 */
import type { FileSource, LoadedData } from './loader.ts';
import { DataError, type Dataset } from './dataset.ts';
import { SourceMissing } from './source-missing.ts';

const PIXELS = 3 * 32 * 32;

interface Layout {
  /** Subfolder the archive extracts to, accepted when the user picks its parent. */
  folder: string;
  train: (names: string[]) => string[];
  test: string;
  /** Bytes before the pixels, and which of them is the label. */
  labelBytes: number;
  labelAt: number;
  namesFile: string;
  classes: number;
}

const LAYOUTS: Record<'cifar10' | 'cifar100', Layout> = {
  cifar10: {
    folder: 'cifar-10-batches-bin',
    train: (names) => names.filter((n) => /^data_batch_\d+\.bin$/.test(n)).sort((a, b) => parseInt(a.slice(11), 10) - parseInt(b.slice(11), 10)),
    test: 'test_batch.bin',
    labelBytes: 1,
    labelAt: 0,
    namesFile: 'batches.meta.txt',
    classes: 10,
  },
  cifar100: {
    folder: 'cifar-100-binary',
    train: (names) => names.filter((n) => n === 'train.bin'),
    test: 'test.bin',
    labelBytes: 2,
    labelAt: 1, // the fine label; byte 0 is the coarse one
    namesFile: 'fine_label_names.txt',
    classes: 100,
  },
};

const CIFAR10_NAMES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

/** The records of several batch files as one dataset. */
function records(parts: { path: string; bytes: Uint8Array }[], layout: Layout, classNames: string[], name: string): Dataset {
  const record = layout.labelBytes + PIXELS;
  for (const p of parts) {
    if (p.bytes.length === 0 || p.bytes.length % record !== 0) throw new DataError(`${p.path}: ${p.bytes.length} bytes is not a whole number of ${record}-byte CIFAR records; the file is truncated or not ${layout === LAYOUTS.cifar10 ? 'CIFAR-10' : 'CIFAR-100'}`);
  }
  const n = parts.reduce((s, p) => s + p.bytes.length / record, 0);
  const features = new Uint8Array(n * PIXELS);
  const labels = new Int32Array(n);
  let i = 0;
  for (const p of parts) {
    for (let o = 0; o < p.bytes.length; o += record, i++) {
      const y = p.bytes[o + layout.labelAt];
      if (y >= layout.classes) throw new DataError(`${p.path}, record ${o / record + 1}: label ${y} is outside 0–${layout.classes - 1}`);
      labels[i] = y;
      features.set(p.bytes.subarray(o + layout.labelBytes, o + record), i * PIXELS);
    }
  }
  return { name, task: 'classification', inputShape: [3, 32, 32], size: n, features, featureScale: 1 / 255, labels, classNames, targetDim: 1 };
}

export function loadCifar(kind: 'cifar10' | 'cifar100', dir: string, files: FileSource): LoadedData {
  const layout = LAYOUTS[kind];
  let root = dir.replace(/\/$/, '');
  let names = files.list(root);
  if (names.includes(layout.folder)) {
    root = `${root}/${layout.folder}`;
    names = files.list(root);
  }
  const train = layout.train(names);
  if (train.length === 0) {
    const wanted = kind === 'cifar10' ? 'data_batch_1.bin … data_batch_5.bin' : 'train.bin';
    throw new SourceMissing({ source: kind, path: dir, missing: 'contents', files: [wanted] }, `${dir}: no ${wanted} here (found: ${names.slice(0, 8).join(', ') || 'nothing'}); choose the folder of the binary version ("${layout.folder}")`);
  }
  const at = (n: string) => `${root}/${n}`;
  const text = names.includes(layout.namesFile) ? new TextDecoder().decode(files.read(at(layout.namesFile))) : '';
  const listed = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  const classNames = listed.length === layout.classes ? listed : kind === 'cifar10' ? CIFAR10_NAMES : Array.from({ length: layout.classes }, (_, c) => String(c));
  const read = (n: string) => ({ path: at(n), bytes: files.read(at(n)) });
  const data = records(train.map(read), layout, classNames, `${kind}:${dir}`);
  const test = names.includes(layout.test) ? records([read(layout.test)], layout, classNames, `${kind}:${dir} (test)`) : undefined;
  return { data, test };
}
