/**
 * What a trained model gets right and wrong on one split: loss, accuracy, the
 * confusion matrix, the examples worth looking at (confident mistakes first)
 * with their raw inputs, and for 2-D points the decision regions. The shape
 * of the answer is the protocol's `results` row.
 */
import type { Module } from '../nn/module.ts';
import { sampleSize, type Dataset, type Normalizer } from '../data/dataset.ts';
import { normalize } from '../data/pipeline.ts';
import type { ResultOf, TensorData } from '../protocol.ts';
import { forwardAll, softmaxRows } from './forward-all.ts';
import { decisionBoundary, isPointData } from './boundary.ts';

type Results = Omit<ResultOf<'results'>, 'run_id' | 'split'>;
type Sample = Results['samples'][number];

export interface ResultsOptions {
  samples: number;
  /** Decision-region grid size; 0 for none. */
  grid: number;
  /** Datasets whose range the decision regions cover (the whole dataset, so every split shares one frame). */
  frame?: readonly Dataset[];
  batchSize?: number;
}

/** `split` un-normalised, as the split function returns it; the run's `normalizer` is applied for the forward passes. */
export async function splitResults(model: Module, split: Dataset, normalizer: Normalizer | null, o: ResultsOptions): Promise<Results> {
  const { outputs, width, loss } = await forwardAll(model, normalize(split, normalizer), { batchSize: o.batchSize });
  const picked = split.task === 'classification' ? classify(split, outputs, width) : regress(split, outputs, width);
  const samples = picked.order.slice(0, o.samples).map((i) => picked.sample(i));
  const boundary = o.grid > 0 && isPointData(split) ? await decisionBoundary(model, normalizer, { points: split, frame: o.frame ?? [split], grid: o.grid, batchSize: o.batchSize }) : null;
  return {
    task: split.task, class_names: split.classNames, size: split.size, loss, accuracy: picked.accuracy, confusion: picked.confusion,
    samples, inputs: rawInputs(split, samples.map((s) => s.index)), boundary,
  };
}

function classify(d: Dataset, logits: Float32Array, K: number) {
  if (K !== d.classNames.length) throw new Error(`the model gives ${K} outputs per sample but ${d.name} has ${d.classNames.length} classes`);
  const probs = softmaxRows(logits, K);
  const predicted = new Int32Array(d.size);
  const confusion = d.classNames.map(() => new Array<number>(K).fill(0));
  let correct = 0;
  for (let i = 0; i < d.size; i++) {
    let best = 0;
    for (let k = 1; k < K; k++) if (probs[i * K + k] > probs[i * K + best]) best = k;
    predicted[i] = best;
    confusion[d.labels[i]][best]++;
    if (best === d.labels[i]) correct++;
  }
  const confidence = (i: number) => probs[i * K + predicted[i]];
  const indices = Array.from({ length: d.size }, (_, i) => i);
  const wrong = indices.filter((i) => predicted[i] !== d.labels[i]).sort((a, b) => confidence(b) - confidence(a) || a - b);
  const right = indices.filter((i) => predicted[i] === d.labels[i]);
  return {
    accuracy: d.size ? correct / d.size : null,
    confusion,
    order: [...wrong, ...right],
    sample: (i: number): Sample => ({ index: i, label: d.labels[i], predicted: predicted[i], confidence: confidence(i), probs: Array.from(probs.subarray(i * K, (i + 1) * K)) }),
  };
}

function regress(d: Dataset, outputs: Float32Array, T: number) {
  if (T !== d.targetDim) throw new Error(`the model gives ${T} outputs per sample but ${d.name} has ${d.targetDim} target(s)`);
  const err = Float64Array.from({ length: d.size }, (_, i) => {
    let s = 0;
    for (let t = 0; t < T; t++) s += (outputs[i * T + t] - d.labels[i * T + t]) ** 2;
    return s;
  });
  return {
    accuracy: null,
    confusion: [],
    order: Array.from({ length: d.size }, (_, i) => i).sort((a, b) => err[b] - err[a] || a - b),
    sample: (i: number): Sample => ({ index: i, label: d.labels[i * T], predicted: outputs[i * T], confidence: null, probs: [] }),
  };
}

/** The rows at `indices` as stored values times the feature scale (images in [0, 1]), stacked. */
export function rawInputs(d: Dataset, indices: readonly number[]): TensorData {
  const D = sampleSize(d);
  const data = new Float32Array(indices.length * D);
  indices.forEach((r, n) => {
    for (let j = 0; j < D; j++) data[n * D + j] = d.features[r * D + j] * d.featureScale;
  });
  return { shape: [indices.length, ...d.inputShape], data };
}
