/**
 * The generalization gap without dropout's noise. The training loss of the
 * steps is measured in train mode, with dropout on, so it is inflated and the
 * gap it gives (validation − training) is understated, even negative early on.
 * After every epoch the trainer re-measures a fixed sample of the training
 * split in eval mode, as the sweeps do for the whole split (`train_eval`).
 */
import { subset, type Dataset } from '../data/dataset.ts';
import { streamFor } from '../data/pipeline.ts';

/** At most this many training samples are re-measured per epoch: enough for a steady mean, cheap next to an epoch. */
export const TRAIN_EVAL_SAMPLES = 2000;

/** The seed's own random stream for the sample (engine/data/pipeline.ts uses 1–3 and 3 + 16k, dropout 7, MC-dropout 11). */
export const TRAIN_EVAL_STREAM = 5;

/**
 * The samples measured every epoch: the whole training split when it is small
 * enough, else the first TRAIN_EVAL_SAMPLES of a permutation drawn from its own
 * stream, so it is the same sample every epoch and after a resume, and drawing
 * it takes nothing from the streams that shuffle batches or draw dropout masks.
 */
export function trainEvalSample(train: Dataset, seed: number): Dataset {
  if (train.size <= TRAIN_EVAL_SAMPLES) return train;
  const order = streamFor(seed, TRAIN_EVAL_STREAM, 0).permutation(train.size);
  return subset(train, order.subarray(0, TRAIN_EVAL_SAMPLES), `${train.name} (eval-mode sample)`);
}
