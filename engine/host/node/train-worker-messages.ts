/**
 * What the engine and its sweep workers (train-worker.ts) say to each other
 * over worker_threads, validated on arrival like every other message.
 */
import { z } from 'zod';
import type { LoadedData } from '../../data/catalog.ts';
import type { SweepVariant } from '../../experiments/sweep.ts';
import type { VariantResult } from '../../experiments/train-pool.ts';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export const ToWorkerSchema = z.discriminatedUnion('type', [
  /** `data` comes with a worker's first job on a dataset; later jobs name it by `data_id` only. */
  z.object({
    type: z.literal('train'), job: z.number().int(), data_id: z.number().int(),
    variant: z.custom<SweepVariant>((v) => isRecord(v) && isRecord(v.spec) && isRecord(v.settings) && typeof v.label === 'string'),
    data: z.custom<LoadedData>((v) => isRecord(v) && isRecord(v.data)).optional(),
  }),
]);
export type ToWorker = z.infer<typeof ToWorkerSchema>;

const F32 = z.custom<Float32Array>((v) => v instanceof Float32Array);
const Metrics = z.object({ loss: z.number(), accuracy: z.number().nullable() });

export const FromWorkerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('progress'), job: z.number().int(), fraction: z.number() }),
  z.object({
    type: z.literal('done'), job: z.number().int(),
    result: z.object({
      history: z.custom<VariantResult['history']>((v) => isRecord(v) && Array.isArray(v.epochs)),
      test: Metrics.nullable(),
      normalizer: z.object({ mean: F32, std: F32, group: z.number() }).nullable(),
      weights: z.map(z.string(), F32),
      train_eval: Metrics,
      seconds: z.number(),
    }),
  }),
  z.object({ type: z.literal('failed'), job: z.number().int(), message: z.string() }),
]);
export type FromWorker = z.infer<typeof FromWorkerSchema>;
