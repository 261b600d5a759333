/**
 * A training checkpoint as one safetensors file: weights, optimizer buffers and
 * early-stopping best weights as tensors; counters, the dropout RNG state, the
 * history and the request that started the run as JSON metadata. Enough for a
 * fresh engine to continue a run exactly where the last checkpoint left it.
 */
import { z } from 'zod';
import { decodeSafetensors, encodeSafetensors, type NamedTensor } from '../project/safetensors.ts';
import { DatasetChoiceSchema, type DatasetChoice } from '../data/catalog.ts';
import { TrainingSettingsSchema, type TrainingSettings } from '../train/settings.ts';
import type { Checkpoint } from '../train/trainer.ts';
import type { ModelSpec } from '../nn/spec.ts';

export interface RunOrigin {
  run_id: string;
  name: string;
  created: string;
  spec: ModelSpec;
  dataset: DatasetChoice;
  settings: TrainingSettings;
}

const MetaSchema = z.object({
  origin: z.object({
    run_id: z.string(), name: z.string(), created: z.string(),
    spec: z.object({ input_shape: z.array(z.number()), layers: z.array(z.object({ kind: z.string() }).passthrough()) }),
    dataset: DatasetChoiceSchema, settings: TrainingSettingsSchema,
  }),
  epoch: z.number().int(),
  step: z.number().int(),
  optimizer: z.object({ step: z.number(), lr: z.number() }),
  dropoutRng: z.object({ k0: z.number(), k1: z.number(), offset: z.number() }),
  early: z.object({ best: z.number().nullable(), bestEpoch: z.number().nullable(), bad: z.number(), hasBest: z.boolean() }),
  history: z.object({
    epochs: z.array(z.object({ epoch: z.number(), train_loss: z.number(), train_accuracy: z.number().nullable(), train_eval_loss: z.number().nullable().optional(), train_eval_accuracy: z.number().nullable().optional(), val_loss: z.number().nullable(), val_accuracy: z.number().nullable(), lr: z.number(), dropout_p: z.record(z.string(), z.number()), seconds: z.number() })),
    step_losses: z.array(z.number()),
    best_epoch: z.number().nullable(),
    stopped_early: z.boolean(),
  }),
});

const W = 'w.';
const OPT = 'opt.';
const BEST = 'best.';

function flat(d: Float32Array): NamedTensor {
  return { shape: [d.length], data: d };
}

export function encodeCheckpoint(origin: RunOrigin, c: Checkpoint): Uint8Array {
  const t = new Map<string, NamedTensor>();
  for (const [k, d] of c.weights) t.set(W + k, flat(d));
  for (const [k, d] of c.optimizer.buffers) t.set(OPT + k, flat(d));
  if (c.early.bestWeights) for (const [k, d] of c.early.bestWeights) t.set(BEST + k, flat(d));
  const meta = {
    origin, epoch: c.epoch, step: c.step,
    optimizer: { step: c.optimizer.step, lr: c.optimizer.lr },
    dropoutRng: c.dropoutRng,
    early: { best: c.early.best, bestEpoch: c.early.bestEpoch, bad: c.early.bad, hasBest: c.early.bestWeights !== null },
    history: c.history,
  };
  return encodeSafetensors(t, { format: 'dropout-lab-checkpoint', json: JSON.stringify(meta) });
}

export function decodeCheckpoint(bytes: Uint8Array, where: string): { origin: RunOrigin; checkpoint: Checkpoint } {
  const { tensors, metadata } = decodeSafetensors(bytes, where);
  if (metadata.format !== 'dropout-lab-checkpoint' || typeof metadata.json !== 'string') throw new Error(`${where} is not a Dropout Lab checkpoint`);
  const meta = MetaSchema.parse(JSON.parse(metadata.json));
  const weights = new Map<string, Float32Array>();
  const buffers = new Map<string, Float32Array>();
  const best = new Map<string, Float32Array>();
  for (const [k, v] of tensors) {
    if (k.startsWith(W)) weights.set(k.slice(W.length), v.data);
    else if (k.startsWith(OPT)) buffers.set(k.slice(OPT.length), v.data);
    else if (k.startsWith(BEST)) best.set(k.slice(BEST.length), v.data);
  }
  return {
    origin: meta.origin as RunOrigin,
    checkpoint: {
      epoch: meta.epoch,
      step: meta.step,
      weights,
      optimizer: { ...meta.optimizer, buffers },
      dropoutRng: meta.dropoutRng,
      early: { best: meta.early.best, bestEpoch: meta.early.bestEpoch, bad: meta.early.bad, bestWeights: meta.early.hasBest ? best : null },
      history: meta.history,
    },
  };
}
