/** Turning trainer output into run records inside a project, and runs back into models. */
import { buildModel, type ModelSpec } from '../nn/spec.ts';
import type { Sequential } from '../nn/module.ts';
import type { Normalizer } from '../data/pipeline.ts';
import type { Checkpoint, RunHistory } from '../train/trainer.ts';
import type { TrainingSettings } from '../train/settings.ts';
import type { DatasetChoice } from '../data/catalog.ts';
import { getRunWeights, normalizerProblem, ProjectError, putRunWeights, type ProjectBundle, type RunRecord } from './project.ts';

export function newRunId(now = new Date()): string {
  return `run-${now.toISOString().replace(/[-:.TZ]/g, '').slice(0, 14)}-${Math.floor(Math.random() * 0xffff).toString(16).padStart(4, '0')}`;
}

export function normalizerToJson(n: Normalizer | null): RunRecord['normalizer'] {
  return n && { mean: [...n.mean], std: [...n.std], group: n.group };
}

export function normalizerFromJson(n: RunRecord['normalizer']): Normalizer | null {
  return n && { mean: Float32Array.from(n.mean), std: Float32Array.from(n.std), group: n.group };
}

/** Adds or replaces a run record (and its weights) in the bundle. */
export function recordRun(
  b: ProjectBundle,
  r: { id: string; name: string; created: string; status: RunRecord['status']; spec: ModelSpec; dataset: DatasetChoice; settings: TrainingSettings; history: RunHistory; test: RunRecord['test']; normalizer: Normalizer | null; checkpoint: Checkpoint | { weights: Map<string, Float32Array>; optimizer: Checkpoint['optimizer'] } | null; model: Sequential; train_eval?: RunRecord['train_eval'] },
): RunRecord {
  let weights: RunRecord['weights'] = null;
  if (r.checkpoint) {
    const shapes = new Map([...r.model.stateDict()].map(([k, t]) => [k, [...t.shape]]));
    const named = new Map([...r.checkpoint.weights].map(([k, d]) => [k, { shape: shapes.get(k) ?? [d.length], data: d }]));
    weights = putRunWeights(b, r.id, named, r.checkpoint.optimizer);
  }
  const record: RunRecord = {
    id: r.id,
    name: r.name,
    created: r.created,
    status: r.status,
    spec: r.spec,
    dataset: r.dataset,
    settings: r.settings,
    history: { epochs: r.history.epochs.map((e) => ({ ...e })), step_losses: [...r.history.step_losses], best_epoch: r.history.best_epoch, stopped_early: r.history.stopped_early },
    test: r.test,
    normalizer: normalizerToJson(r.normalizer),
    weights,
    note: '',
    ...(r.train_eval ? { train_eval: r.train_eval } : {}),
  };
  const i = b.project.runs.findIndex((x) => x.id === r.id);
  if (i >= 0) b.project.runs[i] = record;
  else b.project.runs.push(record);
  return record;
}

export function findRun(b: ProjectBundle, id?: string): RunRecord {
  const runs = b.project.runs.filter((r) => r.weights);
  if (runs.length === 0) throw new Error('this project has no trained runs yet; run `dlab train` first');
  if (id === undefined) return runs[runs.length - 1];
  const r = b.project.runs.find((x) => x.id === id || x.name === id);
  if (!r) throw new Error(`no run '${id}' (runs: ${b.project.runs.map((x) => x.id).join(', ')})`);
  return r;
}

/** The run's model with its saved weights, in eval mode. */
export function loadRunModel(b: ProjectBundle, run: RunRecord): { model: Sequential; normalizer: Normalizer | null } {
  const normalizer = normalizerProblem(run);
  if (normalizer) throw new ProjectError(`${normalizer}; train the run again or delete it`);
  const { model } = buildModel(run.spec, { seed: run.settings.seed });
  const { weights } = getRunWeights(b, run);
  // Every stored tensor by name and shape, against the model the run's spec builds.
  const fit = model.loadStateDict(weights, false);
  const wrong = [
    ...fit.wrongShape.map((w) => `'${w.name}' is stored as ${w.got.join('×') || 'a scalar'} but the model has ${w.expected.join('×') || 'a scalar'}`),
    ...fit.missing.map((k) => `'${k}' is missing`),
    ...fit.unexpected.map((k) => `'${k}' is not in the model`),
  ];
  if (wrong.length) throw new ProjectError(`the weights of run '${run.name}' (${run.weights?.file}) do not fit its model: ${wrong.slice(0, 5).join('; ')}${wrong.length > 5 ? `; and ${wrong.length - 5} more` : ''}; train the run again or delete it`);
  model.eval();
  return { model, normalizer: normalizerFromJson(run.normalizer) };
}
