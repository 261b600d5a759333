/**
 * A model over a whole dataset in eval mode, batch by batch, without a graph.
 * It yields to the event loop between batches so a large split does not hold
 * up training steps or other requests; no-grad is entered per batch, never
 * across an await, because the trainer may run in between.
 */
import type { Module } from '../nn/module.ts';
import type { Dataset } from '../data/dataset.ts';
import { batchCount, getBatch } from '../data/pipeline.ts';
import { crossEntropy, mseLoss } from '../losses/losses.ts';
import { noGrad } from '../tensor/grad-mode.ts';
import { withStepMemory } from '../tensor/storage.ts';

export interface ForwardAll {
  /** Raw outputs, size × width, in dataset order. */
  outputs: Float32Array;
  width: number;
  /** Mean loss as `evaluate` computes it (cross-entropy or MSE); NaN when the dataset has no labels to score. */
  loss: number;
}

export async function forwardAll(model: Module, d: Dataset, o: { batchSize?: number; yieldEveryMs?: number; scored?: boolean } = {}): Promise<ForwardAll> {
  const batchSize = o.batchSize ?? 256;
  const yieldEvery = o.yieldEveryMs ?? 25;
  const wasTraining = model.training;
  model.eval();
  let outputs = new Float32Array(0);
  let width = 0;
  let lossSum = 0;
  let lastYield = performance.now();
  try {
    for (let i = 0; i < batchCount(d, batchSize); i++) {
      if (performance.now() - lastYield > yieldEvery) {
        await new Promise<void>((r) => setTimeout(r, 0));
        lastYield = performance.now();
      }
      const b = getBatch(d, batchSize, i);
      // The batch's tensors live in step memory; its outputs are copied into the result.
      withStepMemory(() => noGrad(() => {
        const out = model.forward(b.x);
        if (i === 0) {
          width = out.data.length / b.size;
          outputs = new Float32Array(d.size * width);
        }
        outputs.set(out.data.subarray(0, b.size * width), i * batchSize * width);
        if (o.scored !== false) lossSum += (b.classes ? crossEntropy(out, b.classes) : mseLoss(out, b.targets!)).item() * b.size;
      }));
    }
  } finally {
    model.train(wasTraining);
  }
  return { outputs, width, loss: o.scored === false || d.size === 0 ? NaN : lossSum / d.size };
}

/** Softmax of the row of `K` logits at `off`, in float64 and shifted by the row max as torch does. */
export function softmaxInto(logits: ArrayLike<number>, off: number, K: number, out: Float64Array): void {
  let m = -Infinity;
  for (let k = 0; k < K; k++) m = Math.max(m, logits[off + k]);
  let s = 0;
  for (let k = 0; k < K; k++) s += out[k] = Math.exp(logits[off + k] - m);
  for (let k = 0; k < K; k++) out[k] /= s;
}

/** Row-wise softmax of logits (size × width). */
export function softmaxRows(logits: Float32Array, width: number): Float32Array<ArrayBuffer> {
  const out = new Float32Array(logits.length);
  const row = new Float64Array(width);
  for (let r = 0; r < logits.length / width; r++) {
    softmaxInto(logits, r * width, width, row);
    out.set(row, r * width);
  }
  return out;
}
