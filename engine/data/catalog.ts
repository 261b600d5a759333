/**
 * Every dataset the lab can load, by id, with its options. Files are read
 * through a `FileSource` (loader.ts), so this stays free of Node.
 */
import { DataError } from './dataset.ts';
import { makeCurve, makeSequenceTask, makeTwoD } from './synthetic.ts';
import { DATASET_INFO, type DatasetChoice } from './choice.ts';
import { DIGIT_CLASSES, FASHION_CLASSES, idxDataset, parseIdx } from './idx.ts';
import { parseCsv } from './csv.ts';
import { parseNpz } from './npz.ts';
import { loadCifar } from './cifar.ts';
import { ImportCancelled, importImageFolder } from './image-folder.ts';
import { SourceMissing, whereMissing } from './source-missing.ts';
import type { FileSource, LoadedData, LoadProgress } from './loader.ts';

export { ImportCancelled, SourceMissing };
export type { MissingSource } from './source-missing.ts';
export type { FileSource, FileStat, LoadedData, LoadProgress } from './loader.ts';

export { DATASET_INFO, DatasetChoiceSchema, resolveSourcePath, type DatasetChoice, type DatasetInfo } from './choice.ts';

export interface LoadOptions {
  /** Called as files are read, for sources that read many. */
  onProgress?: (p: LoadProgress) => void;
  /** Checked between files; set (e.g. from onProgress) to stop with ImportCancelled. */
  signal?: { readonly aborted: boolean };
}

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
  if (!trainImages || !trainLabels) {
    const info = { source: 'idx', path: dir, missing: 'contents' as const, files: ['train-images-idx3-ubyte[.gz]', 'train-labels-idx1-ubyte[.gz]'] };
    throw new SourceMissing(info, `${dir}: no train-images-idx3-ubyte[.gz] and train-labels-idx1-ubyte[.gz] here (found: ${names.slice(0, 8).join(', ') || 'nothing'})`);
  }
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

/**
 * The source's file or folder when it is not there (moved, renamed, deleted)
 * or is the other kind of thing; null for built-in sets and sources that are
 * in place. Cheap: one stat, no reading.
 */
export function missingSource(choice: DatasetChoice, files: FileSource): SourceMissing | null {
  if (!('path' in choice)) return null;
  const kind = DATASET_INFO.find((d) => d.id === choice.id)?.path ?? 'file';
  const stat = files.stat ? files.stat.bind(files) : (p: string) => (files.exists(p) ? { isDirectory: kind === 'folder' } : null);
  return whereMissing(choice.id, choice.path, kind, stat);
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
  const missing = missingSource(choice, files);
  if (missing) throw missing;
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
      const f = idxFiles(choice.path, files);
      const looksFashion = /fashion/i.test(choice.path);
      const classes = choice.classNames ?? (looksFashion ? FASHION_CLASSES : DIGIT_CLASSES);
      const data = idxDataset(`idx:${choice.path}`, parseIdx(files.read(f.trainImages), f.trainImages), parseIdx(files.read(f.trainLabels), f.trainLabels), classes, f.trainImages);
      const test = f.testImages && f.testLabels ? idxDataset(`idx:${choice.path} (test)`, parseIdx(files.read(f.testImages), f.testImages), parseIdx(files.read(f.testLabels), f.testLabels), classes, f.testImages) : undefined;
      if (test && (test.inputShape[1] !== data.inputShape[1] || test.inputShape[2] !== data.inputShape[2])) throw new DataError(`${f.testImages}: test images are ${test.inputShape.slice(1).join('×')} but training images are ${data.inputShape.slice(1).join('×')}`);
      return { data, test };
    }
    case 'images':
      return yield* importImageFolder(choice.path, choice, files);
    case 'cifar10':
    case 'cifar100':
      return loadCifar(choice.id, choice.path, files);
    case 'npz':
      return { data: parseNpz(files.read(choice.path), choice.path) };
    case 'csv': {
      const text = new TextDecoder('utf-8').decode(files.read(choice.path));
      return { data: parseCsv(text, choice.path, { label: choice.label, header: choice.header, task: choice.task }) };
    }
  }
}
