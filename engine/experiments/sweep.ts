/**
 * Sweeps: the article's third section as an experiment — try dropout rates
 * (and placements) on the same model, data and settings, several seeds each,
 * and let the validation set decide.
 *
 * A plan names either existing dropout layers (tied: one p for all;
 * independent: a grid over each) or placements (dropout inserted after each
 * hidden Linear, or Dropout2d / DropBlock2d after each conv stage, or none),
 * crossed with the p values and the seeds. `expandSweep` turns it into
 * concrete variants; `SweepRunner` trains them with the ordinary Trainer,
 * several at once when given a pool of workers (engine/experiments/train-pool.ts),
 * hands each finished run over as it ends (so it can be saved at once), and
 * can be cancelled between and within runs.
 */
import type { z } from 'zod';
import { SweepPlanSchema, type Placement, type SweepVariant } from './sweep-plan.ts';
import { validateSpec, type LayerReport, type LayerSpec, type ModelSpec } from '../nn/spec.ts';
import { traitsOf } from '../nn/registry.ts';
import type { RunHistory } from '../train/trainer.ts';
import { inProcessPool, resultModel, type TrainPool, type VariantResult } from './train-pool.ts';
import type { TrainingSettings } from '../train/settings.ts';
import type { DatasetChoice, LoadedData } from '../data/catalog.ts';
import type { Normalizer } from '../data/pipeline.ts';
import type { Sequential } from '../nn/module.ts';

export { DEFAULT_P, PLACEMENTS, SweepPlanSchema, type Placement, type SweepPlan, type SweepVariant } from './sweep-plan.ts';

export class SweepError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SweepError';
  }
}

/** The argument a sweep sets on a kind, and which a placement sweep removes first: its layer's `sweepable` trait; undefined when it has none. */
export function sweepRate(kind: string): string | undefined {
  const s = traitsOf(kind).stochastic;
  return s?.sweepable ? s.rate : undefined;
}

function flatReports(layers: readonly LayerReport[]): LayerReport[] {
  return layers.flatMap((l) => [l, ...flatReports(l.children ?? [])]);
}

/** The spec with layer `path` (a name, or a dotted path through blocks) changed by `edit`. */
function editLayer(spec: ModelSpec, path: string, edit: (l: LayerSpec) => LayerSpec): ModelSpec {
  const report = validateSpec(spec);
  const walk = (layers: readonly LayerSpec[], reports: readonly LayerReport[]): LayerSpec[] =>
    layers.map((l, i) => (reports[i]?.path === path ? edit(l) : l.layers && reports[i]?.children ? { ...l, layers: walk(l.layers, reports[i].children!) } : l));
  return { ...spec, layers: walk(spec.layers, report.layers) };
}

/** Resolves a user's layer reference to a path: exact path, else a unique plain name anywhere. */
function resolveLayer(spec: ModelSpec, ref: string): string {
  const all = flatReports(validateSpec(spec).layers);
  const hit = all.find((r) => r.path === ref) ?? (all.filter((r) => r.name === ref).length === 1 ? all.find((r) => r.name === ref) : undefined);
  const dropouts = all.filter((r) => sweepRate(r.kind)).map((r) => `'${r.path}' (${r.kind})`);
  if (!hit) throw new SweepError(`no layer '${ref}' in the model; its dropout layers are ${dropouts.join(', ') || 'none — add one, or sweep placements'}`);
  if (!sweepRate(hit.kind)) throw new SweepError(`layer '${ref}' is a ${hit.kind}, which has no dropout rate to sweep; choose one of ${dropouts.join(', ') || 'none (sweep placements instead)'}`);
  return hit.path;
}

function fmtP(p: number): string {
  return String(Math.round(p * 1000) / 1000);
}

/** Every dropout-like layer removed (top level and inside blocks; blocks left empty are dropped too). */
function withoutDropout(layers: readonly LayerSpec[]): LayerSpec[] {
  return layers.flatMap((l): LayerSpec[] => {
    if (sweepRate(l.kind)) return [];
    if (!l.layers) return [l];
    const inner = withoutDropout(l.layers);
    return inner.length ? [{ ...l, layers: inner }] : [];
  });
}

/**
 * Dropout at `placement` (top-level list only): after each hidden Linear (after
 * its activation when one follows, as the article's MLP does), or after each
 * conv stage (after the activation and pooling that follow a Conv2d).
 */
export function placeDropout(spec: ModelSpec, placement: Placement, p: number): { spec: ModelSpec; layers: string[] } {
  const base = withoutDropout(spec.layers);
  if (placement === 'none') return { spec: { ...spec, layers: base }, layers: [] };
  const conv = placement !== 'after-linear';
  const lastLinear = base.map((l) => l.kind).lastIndexOf('Linear');
  const taken = new Set(base.map((l, i) => l.name ?? String(i)));
  const after = new Map<number, LayerSpec>(); // index in `base` → the dropout that follows it
  base.forEach((l, i) => {
    if (!(conv ? l.kind === 'Conv2d' : l.kind === 'Linear' && i !== lastLinear)) return;
    // Past what belongs to this stage: its activation, and for conv its norm and pooling.
    let j = i;
    while (j + 1 < base.length && (traitsOf(base[j + 1].kind).activation || (conv && /Pool2d$|^BatchNorm2d$/.test(base[j + 1].kind)))) j++;
    const name = uniqueName(`sweep_drop_${l.name ?? i}`, taken);
    after.set(j, placement === 'after-conv-dropblock' ? { kind: 'DropBlock2d', name, p, block_size: 3 } : { kind: conv ? 'Dropout2d' : 'Dropout', name, p });
  });
  const layers = base.flatMap((l, i) => (after.has(i) ? [l, after.get(i)!] : [l]));
  return { spec: { ...spec, layers }, layers: [...after.values()].map((l) => l.name as string) };
}

function uniqueName(want: string, taken: Set<string>): string {
  let n = want;
  for (let k = 2; taken.has(n); k++) n = `${want}_${k}`;
  taken.add(n);
  return n;
}

function cartesian(lists: number[][]): number[][] {
  return lists.reduce<number[][]>((acc, l) => acc.flatMap((a) => l.map((v) => [...a, v])), [[]]);
}

/** The plan as concrete variants, in run order: settings outer, seeds inner. */
export function expandSweep(spec: ModelSpec, settings: TrainingSettings, planIn: z.input<typeof SweepPlanSchema>): SweepVariant[] {
  const parsed = SweepPlanSchema.safeParse(planIn);
  if (!parsed.success) throw new SweepError(`the sweep plan is not valid: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'plan'}: ${i.message}`).join('; ')}`);
  const plan = parsed.data;
  const report = validateSpec(spec);
  if (!report.ok) throw new SweepError(`the model has errors; fix them before sweeping:\n${report.errors.join('\n')}`);
  if (plan.layers.length && plan.placements.length) throw new SweepError('a sweep varies either named dropout layers (--layer) or placements, not both; placements replace the model\'s own dropout layers');
  if (!plan.layers.length && !plan.placements.length) throw new SweepError('name the dropout layers to sweep (e.g. --layer dropout) or choose placements');
  const ps = [...new Set(plan.p)].sort((a, b) => a - b);
  const base = { ...settings, ...(plan.epochs ? { epochs: plan.epochs } : {}) };
  const settingsFor: { group: string; spec: ModelSpec; p: Record<string, number>; placement: Placement | null }[] = [];
  if (plan.layers.length) {
    const paths = [...new Set(plan.layers.map((l) => resolveLayer(spec, l)))];
    const combos = plan.tie === 'tied' || paths.length === 1 ? ps.map((p) => paths.map(() => p)) : cartesian(paths.map(() => ps));
    for (const combo of combos) {
      let s = spec;
      paths.forEach((path, k) => (s = editLayer(s, path, (l) => ({ ...l, [sweepRate(l.kind)!]: combo[k] }))));
      const p = Object.fromEntries(paths.map((path, k) => [path, combo[k]]));
      const group = plan.tie === 'tied' || paths.length === 1 ? `p=${fmtP(combo[0])}` : paths.map((path, k) => `${path}=${fmtP(combo[k])}`).join(' ');
      settingsFor.push({ group, spec: s, p, placement: null });
    }
  } else {
    for (const placement of new Set(plan.placements)) {
      for (const p of placement === 'none' ? [0] : ps) {
        const placed = placeDropout(spec, placement, p);
        if (placement !== 'none' && placed.layers.length === 0) throw new SweepError(`placement '${placement}' finds no ${placement === 'after-linear' ? 'hidden Linear layer' : 'Conv2d layer'} in the model to put dropout after`);
        const check = validateSpec(placed.spec);
        if (!check.ok) throw new SweepError(`placement '${placement}' does not fit this model: ${check.errors[0]}`);
        settingsFor.push({ group: placement === 'none' ? 'none' : `${placement} p=${fmtP(p)}`, spec: placed.spec, p: Object.fromEntries(placed.layers.map((n) => [n, p])), placement });
      }
    }
  }
  return settingsFor.flatMap((v) => plan.seeds.map((seed): SweepVariant => ({ ...v, label: `${v.group} · seed ${seed}`, settings: { ...base, seed }, seed })));
}

// ---------------------------------------------------------------- running

/** What recordRun (engine/project/runs.ts) needs, minus the id, name and creation time the caller picks. */
export interface FinishedRun {
  variant: SweepVariant;
  index: number;
  status: 'done';
  history: RunHistory;
  test: { loss: number; accuracy: number | null } | null;
  normalizer: Normalizer | null;
  model: Sequential;
  checkpoint: { weights: Map<string, Float32Array>; optimizer: { step: number; lr: number; buffers: Map<string, Float32Array> } };
  /** Loss and accuracy on the training split in eval mode after the last epoch (the history's training numbers were taken with dropout on). */
  train_eval: { loss: number; accuracy: number | null };
  seconds: number;
}

export interface SweepProgress {
  /** The run this update is about. */
  run_index: number;
  runs_total: number;
  label: string;
  /** Of that run, 0..1. */
  run_fraction: number;
  /** Of the whole sweep, 0..1: finished runs plus the fractions of the runs in progress. */
  fraction: number;
}

export interface SweepRunnerOptions {
  variants: readonly SweepVariant[];
  data: LoadedData;
  dataset: DatasetChoice;
  /** Where variants train, up to `pool.size` at once (default: one at a time on this thread). */
  pool?: TrainPool;
  /** Called as each run finishes, one at a time in finishing order (save it here). */
  onRun?: (r: FinishedRun) => void | Promise<void>;
  onProgress?: (p: SweepProgress) => void;
  /** For the default in-process pool: milliseconds of training between yields to the event loop. */
  yieldEveryMs?: number;
}

export class SweepRunner {
  private cancelled = false;
  private readonly pool: TrainPool;
  state: 'idle' | 'running' | 'cancelled' | 'done' = 'idle';

  constructor(private readonly o: SweepRunnerOptions) {
    this.pool = o.pool ?? inProcessPool(o.yieldEveryMs);
  }

  /** Stops every run in progress at once (they are not kept) and starts no more. */
  cancel(): void {
    this.cancelled = true;
    this.pool.cancel();
  }

  /**
   * Keeps `pool.size` lanes busy, each taking the next variant in plan order.
   * Finished runs go to `onRun` through one queue, so saves never interleave;
   * a failure stops the other runs and is rethrown once the lanes are idle.
   */
  async run(): Promise<{ status: 'done' | 'cancelled'; finished: number }> {
    const { variants, data } = this.o;
    const total = variants.length;
    const running = new Map<number, number>(); // index → fraction of the runs in progress
    let next = 0;
    let finished = 0;
    const failures: unknown[] = [];
    let handOver: Promise<void> = Promise.resolve();
    const progress = (index: number, run_fraction: number) => {
      let fraction = finished;
      for (const f of running.values()) fraction += f;
      this.o.onProgress?.({ run_index: index, runs_total: total, label: variants[index].label, run_fraction, fraction: fraction / total });
    };
    const finish = async (index: number, r: VariantResult) => {
      const variant = variants[index];
      await this.o.onRun?.({
        variant, index, status: 'done', history: r.history, test: r.test, normalizer: r.normalizer, model: resultModel(variant, r),
        checkpoint: { weights: r.weights, optimizer: { step: 0, lr: 0, buffers: new Map() } },
        train_eval: r.train_eval, seconds: r.seconds,
      });
      running.delete(index);
      finished++;
      progress(index, 1);
    };
    const lane = async () => {
      while (!this.cancelled && !failures.length && next < total) {
        const index = next++;
        running.set(index, 0);
        try {
          const r = await this.pool.train({ variant: variants[index], data }, (f) => {
            if (!running.has(index)) return;
            running.set(index, f);
            progress(index, f);
          });
          if (!r) {
            running.delete(index);
            continue;
          }
          handOver = handOver.then(() => finish(index, r));
          await handOver;
        } catch (error) {
          running.delete(index);
          failures.push(error);
          this.pool.cancel();
        }
      }
    };
    this.state = 'running';
    try {
      await Promise.all(Array.from({ length: Math.max(1, Math.min(this.pool.size, total)) }, lane));
    } finally {
      await this.pool.close();
    }
    if (failures.length) throw failures[0];
    this.state = this.cancelled ? 'cancelled' : 'done';
    return { status: this.cancelled ? 'cancelled' : 'done', finished };
  }
}
