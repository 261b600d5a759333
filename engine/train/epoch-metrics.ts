/**
 * One epoch's metrics: what the trainer reports, a project's run history
 * keeps and the `epoch` event carries. One schema, so the three cannot drift.
 */
import { z } from 'zod';

export const EpochMetricsSchema = z.object({
  epoch: z.number().int(),
  train_loss: z.number(),
  train_accuracy: z.number().nullable(),
  /** Training loss and accuracy re-measured in eval mode (dropout off) on a fixed sample of the training split (train-eval.ts); absent in runs saved before the lab measured it. */
  train_eval_loss: z.number().nullable().optional(),
  train_eval_accuracy: z.number().nullable().optional(),
  val_loss: z.number().nullable(),
  val_accuracy: z.number().nullable(),
  lr: z.number(),
  /** Dropout rates in force at the end of the epoch, by module name (scheduled layers only). */
  dropout_p: z.record(z.string(), z.number()).default({}),
  seconds: z.number(),
});

export type EpochMetrics = z.output<typeof EpochMetricsSchema>;
