/**
 * In-memory datasets: a flat feature array (one row per sample) and labels.
 * Images may stay as bytes (scale 1/255) and are converted per batch, so full
 * Fashion-MNIST needs ~47 MB rather than ~190 MB of float32.
 */

export type Task = 'classification' | 'regression';

export interface Dataset {
  /** A stable id, e.g. "spiral" or "idx:/data/fashion". */
  name: string;
  task: Task;
  /** Shape of one sample, e.g. [2], [1, 28, 28], [16] (token ids). */
  inputShape: number[];
  /** Number of samples. */
  size: number;
  /** Row-major features, size × prod(inputShape). */
  features: Float32Array | Uint8Array;
  /** Multiplies features on read (1/255 for byte images). */
  featureScale: number;
  /** Class indices for classification; targets (size × targetDim) for regression. */
  labels: Int32Array | Float32Array;
  classNames: string[];
  /** For regression: values per target. */
  targetDim: number;
  /** True for token-id inputs (never normalised or augmented). */
  tokens?: boolean;
  vocabSize?: number;
  /** Standardisation applied when batches are read (fitted on the training split). */
  norm?: Normalizer | null;
}

/** Per-feature (vectors) or per-channel (images [C, H, W]) standardisation. */
export interface Normalizer {
  mean: Float32Array;
  std: Float32Array;
  /** Features per statistic: 1 for vectors, H·W for images. */
  group: number;
}

export function sampleSize(d: Pick<Dataset, 'inputShape'>): number {
  return d.inputShape.reduce((a, b) => a * b, 1);
}

export function numClasses(d: Dataset): number {
  return d.task === 'classification' ? d.classNames.length : 0;
}

/** The rows at `indices` as a new dataset; byte images stay bytes. */
export function subset(d: Dataset, indices: ArrayLike<number>, name = d.name): Dataset {
  const D = sampleSize(d);
  const features = d.features instanceof Uint8Array ? new Uint8Array(indices.length * D) : new Float32Array(indices.length * D);
  const T = d.task === 'regression' ? d.targetDim : 1;
  const labels = d.labels instanceof Int32Array ? new Int32Array(indices.length * T) : new Float32Array(indices.length * T);
  for (let i = 0; i < indices.length; i++) {
    const r = indices[i];
    features.set(d.features.subarray(r * D, (r + 1) * D), i * D);
    for (let t = 0; t < T; t++) labels[i * T + t] = d.labels[r * T + t];
  }
  return { ...d, name, size: indices.length, features, labels };
}

/** Counts per class, for previews and for refusing single-class data. */
export function classCounts(d: Dataset): number[] {
  const counts = new Array<number>(d.classNames.length).fill(0);
  if (d.task !== 'classification') return counts;
  for (const y of d.labels) counts[y]++;
  return counts;
}

export class DataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataError';
  }
}
