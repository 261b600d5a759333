/**
 * What a sweep varies, as data: the plan and the variants it expands to.
 * Shared by the engine (engine/experiments/sweep.ts) and the protocol, so it
 * imports nothing at run time but zod.
 */
import { z } from 'zod';
import type { ModelSpec } from '../nn/spec.ts';
import type { TrainingSettings } from '../train/settings.ts';

export const PLACEMENTS = ['none', 'after-linear', 'after-conv-dropout2d', 'after-conv-dropblock'] as const;
export type Placement = (typeof PLACEMENTS)[number];

export const DEFAULT_P = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7];

export const SweepPlanSchema = z.object({
  /** Dropout layers by name or dotted path (e.g. "res1.drop"); empty when sweeping placements. */
  layers: z.array(z.string().min(1)).max(8).default([]),
  /** tied: every named layer gets the same p; independent: every combination. */
  tie: z.enum(['tied', 'independent']).default('tied'),
  p: z.array(z.number().min(0).lt(1)).min(1).max(32).default(DEFAULT_P),
  /** Where to put dropout instead of the model's own dropout layers (which are removed first). */
  placements: z.array(z.enum(PLACEMENTS)).max(4).default([]),
  seeds: z.array(z.number().int().min(0).max(2 ** 32 - 1)).min(1).max(20).default([0, 1, 2]),
  /** Overrides the project's epoch count for every run. */
  epochs: z.number().int().min(1).max(100_000).optional(),
});
export type SweepPlan = z.output<typeof SweepPlanSchema>;

/** One run of a sweep: a setting and a seed (`expandSweep`). */
export interface SweepVariant {
  /** e.g. "p=0.3 · seed 1", "drop1=0.1 drop2=0.3 · seed 0", "after-linear p=0.3 · seed 2". */
  label: string;
  /** The setting without the seed: runs sharing it are averaged in the recommendation. */
  group: string;
  spec: ModelSpec;
  settings: TrainingSettings;
  seed: number;
  /** The rate of every swept layer, by path. */
  p: Record<string, number>;
  placement: Placement | null;
}
