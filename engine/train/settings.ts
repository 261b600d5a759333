/** Training settings: one validated, versionable object (snake_case as stored in .dlab files). */
import { z } from 'zod';

export const OptimizerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('sgd'), lr: z.number().positive().max(10).default(0.01), momentum: z.number().min(0).max(0.9999).default(0.9), nesterov: z.boolean().default(false) }),
  z.object({ type: z.literal('adam'), lr: z.number().positive().max(10).default(1e-3), betas: z.tuple([z.number().min(0).max(0.9999), z.number().min(0).max(0.99999)]).default([0.9, 0.999]), eps: z.number().positive().default(1e-8) }),
  z.object({ type: z.literal('adamw'), lr: z.number().positive().max(10).default(1e-3), betas: z.tuple([z.number().min(0).max(0.9999), z.number().min(0).max(0.99999)]).default([0.9, 0.999]), eps: z.number().positive().default(1e-8) }),
]);

export const LrScheduleSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('none') }),
  z.object({ type: z.literal('step'), step_size: z.number().int().min(1), gamma: z.number().positive().max(1).default(0.1) }),
  z.object({ type: z.literal('cosine'), t_max: z.number().int().min(1).optional(), eta_min: z.number().min(0).default(0) }),
]);

export const EarlyStoppingSchema = z.object({
  monitor: z.enum(['val_loss', 'val_accuracy']).default('val_loss'),
  patience: z.number().int().min(1).default(5),
  min_delta: z.number().min(0).default(0),
  restore_best: z.boolean().default(true),
});

export const TrainingSettingsSchema = z.object({
  epochs: z.number().int().min(1).max(100_000).default(10),
  batch_size: z.number().int().min(1).max(65_536).default(64),
  optimizer: OptimizerSchema.default({ type: 'adam', lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8 }),
  lr_schedule: LrScheduleSchema.default({ type: 'none' }),
  weight_decay: z.number().min(0).max(1).default(0),
  /** Clip the global gradient L2 norm to this value (torch.nn.utils.clip_grad_norm_). */
  grad_clip: z.number().positive().nullable().default(null),
  seed: z.number().int().min(0).max(2 ** 32 - 1).default(0),
  split: z.object({
    val_fraction: z.number().min(0).max(0.9).default(0.1),
    test_fraction: z.number().min(0).max(0.9).default(0.1),
    train_fraction: z.number().gt(0).max(1).default(1),
  }).default({ val_fraction: 0.1, test_fraction: 0.1, train_fraction: 1 }),
  normalize: z.boolean().default(true),
  /** Training batches only: shift = random crop with this padding (pixels), hflip = flip half the images, noise = Gaussian std. */
  augment: z.object({ shift: z.number().int().min(0).max(8).default(0), hflip: z.boolean().default(false), noise: z.number().min(0).max(5).default(0) }).default({ shift: 0, hflip: false, noise: 0 }),
  early_stopping: EarlyStoppingSchema.nullable().default(null),
  label_smoothing: z.number().min(0).max(0.99).default(0),
});

export type TrainingSettings = z.infer<typeof TrainingSettingsSchema>;

export function defaultSettings(overrides: unknown = {}): TrainingSettings {
  return TrainingSettingsSchema.parse(overrides);
}

/** A zod error as one readable line per problem: "optimizer.lr: Number must be greater than 0". */
export function describeZodError(e: z.ZodError, prefix = ''): string {
  return e.issues.map((i) => `${prefix}${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}
