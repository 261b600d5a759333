/**
 * From a dataset to training batches: deterministic train/validation/test
 * splits from the seed, normalisation fitted on the training split only,
 * augmentation on training batches only, seeded shuffling per epoch.
 */
import { Tensor } from '../tensor/tensor.ts';
import { Generator } from '../tensor/random.ts';
import { emptyData } from '../tensor/storage.ts';
import { DataError, classCounts, sampleSize, subset, type Dataset, type Normalizer } from './dataset.ts';

export type { Normalizer } from './dataset.ts';

export interface SplitOptions {
  /** Fraction of the (non-test) samples held out for validation. */
  valFraction: number;
  /** Fraction held out for testing when the source has no test set of its own. */
  testFraction: number;
  /** Use only this fraction of the remaining training samples (small sets make overfitting visible). */
  trainFraction: number;
  seed: number;
}

export interface Splits {
  train: Dataset;
  val: Dataset;
  test: Dataset;
}

/** Stateless stream for (seed, purpose, index): resumable without saving generator state. */
export function streamFor(seed: number, purpose: number, index: number): Generator {
  return Generator.stream(seed, purpose, index);
}

const SPLIT_STREAM = 1;
const SHUFFLE_STREAM = 2;
const AUGMENT_STREAM = 3;

export function split(data: Dataset, o: SplitOptions, separateTest?: Dataset): Splits {
  for (const [k, v] of [['valFraction', o.valFraction], ['testFraction', o.testFraction]] as const) {
    if (!(v >= 0 && v < 1)) throw new DataError(`${k} must be in [0, 1), got ${v}`);
  }
  if (!(o.trainFraction > 0 && o.trainFraction <= 1)) throw new DataError(`trainFraction must be in (0, 1], got ${o.trainFraction}`);
  const perm = streamFor(o.seed, SPLIT_STREAM, 0).permutation(data.size);
  const nTest = separateTest ? 0 : Math.round(data.size * o.testFraction);
  const rest = data.size - nTest;
  const nVal = Math.round(rest * o.valFraction);
  const nTrain = Math.max(1, Math.round((rest - nVal) * o.trainFraction));
  if (rest - nVal < 1) throw new DataError(`no training samples left: ${data.size} samples with validation ${o.valFraction} and test ${o.testFraction}`);
  const test = separateTest ?? subset(data, perm.subarray(0, nTest), `${data.name} (test)`);
  const val = subset(data, perm.subarray(nTest, nTest + nVal), `${data.name} (validation)`);
  const train = subset(data, perm.subarray(nTest + nVal, nTest + nVal + nTrain), `${data.name} (train)`);
  if (train.task === 'classification' && classCounts(train).filter((c) => c > 0).length < 2) {
    throw new DataError(`the training split of ${data.name} has a single class; use more samples or a larger trainFraction`);
  }
  return { train, val, test };
}

export function fitNormalizer(train: Dataset): Normalizer | null {
  if (train.tokens) return null;
  const D = sampleSize(train);
  const group = train.inputShape.length === 3 ? train.inputShape[1] * train.inputShape[2] : 1;
  const k = D / group;
  const sum = new Float64Array(k);
  const sq = new Float64Array(k);
  const { features, featureScale: scale } = train;
  for (let i = 0; i < train.size; i++) {
    // Channel by channel, each channel's values in the same order as one pass over the sample.
    for (let c = 0, j = i * D; c < k; c++) {
      let s = sum[c], q = sq[c];
      for (const end = j + group; j < end; j++) {
        const v = features[j] * scale;
        s += v;
        q += v * v;
      }
      sum[c] = s;
      sq[c] = q;
    }
  }
  const n = train.size * group;
  const mean = Float32Array.from(sum, (s) => s / n);
  const std = Float32Array.from(sq, (s, c) => {
    const variance = s / n - (sum[c] / n) ** 2;
    return variance > 1e-12 ? Math.sqrt(variance) : 1; // constant features pass through
  });
  return { mean, std, group };
}

/** Attaches the standardisation; it is applied as batches are read, so byte images stay bytes in memory. */
export function normalize(d: Dataset, norm: Normalizer | null): Dataset {
  return norm ? { ...d, norm } : d;
}

export interface Augmentation {
  /**
   * Random crop with padding: pad by this many pixels, crop back to H×W at a
   * uniform offset (torchvision's RandomCrop(size, padding=shift)). It runs on
   * normalised inputs, so the zero padding is each channel's training mean.
   */
  shift: number;
  hflip: boolean;
  /** Standard deviation of additive Gaussian noise (in normalised units). */
  noise: number;
}

export const NO_AUGMENTATION: Augmentation = { shift: 0, hflip: false, noise: 0 };

function augmentInPlace(x: Float32Array, shape: number[], batch: number, a: Augmentation, gen: Generator): void {
  const D = x.length / batch;
  if (shape.length === 3 && (a.shift > 0 || a.hflip)) {
    const [C, H, W] = shape;
    const tmp = new Float32Array(D);
    const u = gen.uniform(batch * 3);
    for (let b = 0; b < batch; b++) {
      const dy = a.shift ? Math.floor(u[3 * b] * (2 * a.shift + 1)) - a.shift : 0;
      const dx = a.shift ? Math.floor(u[3 * b + 1] * (2 * a.shift + 1)) - a.shift : 0;
      const flip = a.hflip && u[3 * b + 2] < 0.5;
      const s = x.subarray(b * D, (b + 1) * D);
      tmp.fill(0);
      for (let c = 0; c < C; c++) {
        for (let y = 0; y < H; y++) {
          const sy = y - dy;
          if (sy < 0 || sy >= H) continue;
          for (let xx = 0; xx < W; xx++) {
            const sx0 = xx - dx;
            if (sx0 < 0 || sx0 >= W) continue;
            const sx = flip ? W - 1 - sx0 : sx0;
            tmp[(c * H + y) * W + xx] = s[(c * H + sy) * W + sx];
          }
        }
      }
      s.set(tmp);
    }
  }
  if (a.noise > 0) {
    const e = gen.normal(x.length, 0, a.noise);
    for (let i = 0; i < x.length; i++) x[i] += e[i];
  }
}

export interface Batch {
  x: Tensor;
  /** Class indices (classification) or targets [B, targetDim] (regression). */
  classes: Int32Array | null;
  targets: Tensor | null;
  size: number;
}

export function batchCount(d: Dataset, batchSize: number): number {
  return Math.ceil(d.size / batchSize);
}

/**
 * Batch `index` of an epoch; shuffled (and augmented) when `epoch` is given for training.
 * Made inside a step scope, its inputs and targets are in step memory (kernels read them in
 * place) and die with the step.
 */
export function getBatch(d: Dataset, batchSize: number, index: number, opts: { seed: number; epoch?: number; augment?: Augmentation } = { seed: 0 }): Batch {
  const D = sampleSize(d);
  const start = index * batchSize;
  const end = Math.min(d.size, start + batchSize);
  const n = end - start;
  const order = opts.epoch === undefined ? null : epochOrder(d.size, opts.seed, opts.epoch);
  // Every element is written below.
  const x = emptyData(n * D);
  const T = d.targetDim;
  const classes = d.task === 'classification' ? new Int32Array(n) : null;
  const targets = d.task === 'regression' ? emptyData(n * T) : null;
  const { features, featureScale: scale, norm } = d;
  for (let i = 0; i < n; i++) {
    const r = order ? order[start + i] : start + i;
    const src = r * D, dst = i * D;
    if (norm) {
      // Channel by channel: a group of `group` features shares one mean and deviation.
      const { mean, std, group } = norm;
      for (let c = 0, j0 = 0; j0 < D; c++, j0 += group) {
        const mu = mean[c], sd = std[c];
        for (let j = j0; j < j0 + group; j++) x[dst + j] = (features[src + j] * scale - mu) / sd;
      }
    } else for (let j = 0; j < D; j++) x[dst + j] = features[src + j] * scale;
    if (classes) classes[i] = d.labels[r];
    if (targets) for (let t = 0; t < T; t++) targets[i * T + t] = d.labels[r * T + t];
  }
  if (opts.augment && opts.epoch !== undefined && !d.tokens) augmentInPlace(x, d.inputShape, n, opts.augment, streamFor(opts.seed, AUGMENT_STREAM + 16 * index, opts.epoch));
  return { x: new Tensor(x, [n, ...d.inputShape]), classes, targets: targets ? new Tensor(targets, [n, T]) : null, size: n };
}

/** The last epoch's shuffle, so every batch of an epoch reuses one permutation. */
let lastOrder: { key: string; order: Int32Array } | null = null;

function epochOrder(size: number, seed: number, epoch: number): Int32Array {
  const key = `${size}:${seed}:${epoch}`;
  if (lastOrder?.key !== key) lastOrder = { key, order: streamFor(seed, SHUFFLE_STREAM, epoch).permutation(size) };
  return lastOrder.order;
}
