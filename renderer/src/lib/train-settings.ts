/**
 * The Train view's form logic: immutable edits of the training settings,
 * checked by the engine's own schema (so the form can never hold settings the
 * engine would refuse), and the list of the model's dropout-like layers with
 * their rates and schedules.
 */
import { TrainingSettingsSchema, type TrainingSettings } from '../../../engine/train/settings.ts';
import type { LayerSpec, ModelSpec } from '../../../engine/nn/spec.ts';
import type { Catalog } from './engine.svelte.ts';

export type { TrainingSettings };
export type Path = (string | number)[];
export type SettingsCheck = { ok: true; value: TrainingSettings } | { ok: false; errors: Record<string, string> };

/** A copy of `obj` with the value at `path` replaced (objects and arrays copied along the way). */
export function setAt<T>(obj: T, path: Path, value: unknown): T {
  if (path.length === 0) return value as T;
  const [head, ...rest] = path;
  const src = (obj ?? {}) as Record<string | number, unknown>;
  const copy = (Array.isArray(src) ? [...src] : { ...src }) as Record<string | number, unknown>;
  copy[head] = setAt(src[head], rest, value);
  return copy as T;
}

/** Validates settings as the engine will; errors are keyed by dotted path ("optimizer.lr"). */
export function checkSettings(s: unknown): SettingsCheck {
  const r = TrainingSettingsSchema.safeParse(s);
  if (r.success) return { ok: true, value: r.data };
  const errors: Record<string, string> = {};
  for (const i of r.error.issues) errors[i.path.join('.') || '(root)'] ??= i.message;
  return { ok: false, errors };
}

export type OptimizerType = TrainingSettings['optimizer']['type'];
export type ScheduleType = TrainingSettings['lr_schedule']['type'];

/** Switching optimizer keeps the learning rate and takes the new one's defaults for the rest. */
export function withOptimizer(s: TrainingSettings, type: OptimizerType): TrainingSettings {
  const lr = s.optimizer.lr;
  const optimizer: TrainingSettings['optimizer'] =
    type === 'sgd' ? { type, lr, momentum: 0.9, nesterov: false } : { type, lr, betas: [0.9, 0.999], eps: 1e-8 };
  return { ...s, optimizer };
}

/** A schedule's defaults: StepLR decays 10× at a third of the run; cosine anneals over the whole run. */
export function withSchedule(s: TrainingSettings, type: ScheduleType): TrainingSettings {
  const lr_schedule: TrainingSettings['lr_schedule'] =
    type === 'step' ? { type, step_size: Math.max(1, Math.round(s.epochs / 3)), gamma: 0.1 } : type === 'cosine' ? { type, eta_min: 0 } : { type: 'none' };
  return { ...s, lr_schedule };
}

export function withEarlyStopping(s: TrainingSettings, on: boolean): TrainingSettings {
  return { ...s, early_stopping: on ? { monitor: 'val_loss', patience: 5, min_delta: 0, restore_best: true } : null };
}

// ------------------------------------------------------------ dropout-like layers

export interface DropoutLayer {
  /** Index path into the spec (what ProjectState.selected holds). */
  path: number[];
  /** state_dict-style name ("dropout", "res1.0"). */
  name: string;
  kind: string;
  rateName: string;
  rate: number | null;
  schedule: Schedule | null;
}

export type Schedule =
  | { type: 'constant'; value: number }
  | { type: 'linear' | 'cosine'; start: number; end: number; epochs?: number; steps?: number }
  | { type: 'step'; start: number; milestones?: [number, number][]; step_size?: number; gamma?: number; by?: 'epoch' | 'step' };

/** Which argument is a kind's dropout rate: a stochastic layer's own (its trait names it), or another layer's `dropout`. */
export function rateArgs(catalog: Catalog | null): Map<string, string> {
  const m = new Map<string, string>();
  for (const l of catalog?.layers ?? []) {
    const rate = l.traits.stochastic?.rate ?? (l.args.some((a) => a.name === 'dropout') ? 'dropout' : undefined);
    if (rate) m.set(l.kind, rate);
  }
  return m;
}

function defaultOf(catalog: Catalog | null, kind: string, arg: string): number | null {
  const d = catalog?.layers.find((l) => l.kind === kind)?.args.find((a) => a.name === arg)?.default;
  return typeof d === 'number' ? d : null;
}

/** Every dropout-like layer in the model, blocks included, in order. */
export function dropoutLayers(spec: ModelSpec, catalog: Catalog | null): DropoutLayer[] {
  const rates = rateArgs(catalog);
  const out: DropoutLayer[] = [];
  const walk = (layers: LayerSpec[], prefix: number[], names: string[]) => {
    layers.forEach((l, i) => {
      const path = [...prefix, i];
      const name = [...names, l.name ?? String(i)].join('.');
      const rateName = rates.get(l.kind);
      if (rateName) {
        const v = l[rateName];
        out.push({ path, name, kind: l.kind, rateName, rate: typeof v === 'number' ? v : defaultOf(catalog, l.kind, rateName), schedule: (l.schedule as Schedule | null | undefined) ?? null });
      }
      if (Array.isArray(l.layers)) walk(l.layers, path, [...names, l.name ?? String(i)]);
    });
  };
  walk(spec.layers, [], []);
  return out;
}

/** A schedule as an i18n key plus values ("train.sched.linear": "{start} → {end} over {n} {unit}"). */
export function scheduleText(s: Schedule): { key: string; vars: Record<string, string | number> } {
  switch (s.type) {
    case 'constant':
      return { key: 'train.sched.constant', vars: { value: s.value } };
    case 'linear':
    case 'cosine':
      return { key: `train.sched.${s.type}`, vars: { start: s.start, end: s.end, n: s.steps ?? s.epochs ?? 1, unit: s.steps !== undefined ? 'steps' : 'epochs' } };
    case 'step':
      return s.milestones
        ? { key: 'train.sched.milestones', vars: { start: s.start, n: s.milestones.length } }
        : { key: 'train.sched.step', vars: { start: s.start, gamma: s.gamma ?? 1, n: s.step_size ?? 1, unit: s.by === 'step' ? 'steps' : 'epochs' } };
  }
}
