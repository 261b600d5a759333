/**
 * Where a sweep's variants train. `SweepRunner` hands each variant to a
 * `TrainPool` and keeps up to `size` of them training at once; the pool says
 * how. This file is plain TypeScript: `inProcessPool` trains on this thread,
 * one variant at a time (tests, the reference host); the Node hosts give a pool
 * of worker threads (engine/host/node/worker-train-pool.ts), each running
 * `trainVariant` below, so a variant trains the same way wherever it runs.
 */
import { buildModel } from '../nn/spec.ts';
import type { Sequential } from '../nn/module.ts';
import { evaluate, snapshotWeights, Trainer, type RunHistory } from '../train/trainer.ts';
import type { LoadedData } from '../data/catalog.ts';
import type { Normalizer } from '../data/pipeline.ts';
import type { SweepVariant } from './sweep-plan.ts';

export interface VariantJob {
  variant: SweepVariant;
  data: LoadedData;
}

/** A finished variant. `model` is there when it trained on this thread; otherwise the runner rebuilds it from `weights`. */
export interface VariantResult {
  history: RunHistory;
  test: { loss: number; accuracy: number | null } | null;
  normalizer: Normalizer | null;
  weights: Map<string, Float32Array>;
  /** Loss and accuracy on the training split in eval mode after the last epoch (the history's numbers were taken with dropout on). */
  train_eval: { loss: number; accuracy: number | null };
  seconds: number;
  model?: Sequential;
}

export interface TrainPool {
  /** How many variants may train at once. */
  readonly size: number;
  /** Trains one variant; `onProgress` hears its fraction done (0..1). Resolves null when the pool was cancelled first. */
  train(job: VariantJob, onProgress: (fraction: number) => void): Promise<VariantResult | null>;
  /** Stops every variant in progress at once (their `train` resolves null) and starts no more. */
  cancel(): void;
  /** Frees what the pool holds (worker threads); finished results stay valid. */
  close(): Promise<void>;
}

/** A pool that can be opened for a sweep: the host's worker threads. */
export interface TrainPoolFactory {
  /** Variants at once when the request does not say (e.g. the core count, or DLAB_SWEEP_WORKERS). */
  defaultSize: number;
  open(size: number): TrainPool;
}

/** One variant ready to train on this thread; `cancel` works from the first progress event on. */
export interface VariantTraining {
  /** Trains, then measures the training split in eval mode; null when cancelled. */
  run(): Promise<VariantResult | null>;
  cancel(): void;
}

/** Sets up one variant with the ordinary Trainer (model, splits, optimizer). */
export function trainVariant(job: VariantJob, onProgress: (fraction: number) => void, yieldEveryMs?: number): VariantTraining {
  const { variant, data } = job;
  const t0 = performance.now();
  const trainer = new Trainer({
    spec: variant.spec, data, settings: variant.settings, yieldEveryMs,
    onEvent: (e) => e.type === 'progress' && onProgress(e.fraction),
  });
  return {
    async run() {
      const res = await trainer.run();
      if (res.status === 'cancelled') return null;
      const train_eval = evaluate(res.model, trainer.splits.train, Math.max(variant.settings.batch_size, 256));
      return { history: res.history, test: res.test, normalizer: res.normalizer, weights: snapshotWeights(res.model), train_eval, seconds: (performance.now() - t0) / 1000, model: res.model };
    },
    cancel: () => trainer.cancel(),
  };
}

/** The model a result's weights belong to, built as the trainer built it and loaded with them. */
export function resultModel(variant: SweepVariant, r: VariantResult): Sequential {
  if (r.model) return r.model;
  const { model } = buildModel(variant.spec, { seed: variant.settings.seed });
  const shapes = model.stateDict();
  model.loadStateDict(new Map([...r.weights].map(([k, d]) => [k, { shape: shapes.get(k)?.shape ?? [d.length], data: d }])));
  model.eval();
  return model;
}

/** One variant at a time on this thread: the fallback where the host has no workers. */
export function inProcessPool(yieldEveryMs?: number): TrainPool {
  let cancelled = false;
  let current: VariantTraining | null = null;
  return {
    size: 1,
    async train(job, onProgress) {
      if (cancelled) return null;
      current = trainVariant(job, onProgress, yieldEveryMs);
      try {
        return await current.run();
      } finally {
        current = null;
      }
    },
    cancel() {
      cancelled = true;
      current?.cancel();
    },
    close: async () => {},
  };
}
