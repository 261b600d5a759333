/**
 * `--format pytorch`: everything a user needs to continue in PyTorch, as
 * files (name → bytes) so the CLI, the app and tests write them where they
 * like. model.py and weights.safetensors load with strict=True; train.py runs
 * the run's recipe on the exported split (data.safetensors) from the lab's
 * initial weights (init.safetensors).
 */
import { buildModel, type ModelSpec } from '../nn/spec.ts';
import { stochasticModules } from '../nn/stochastic.ts';
import type { Module } from '../nn/module.ts';
import { loadDataset, type DatasetChoice, type FileSource } from '../data/catalog.ts';
import type { Dataset } from '../data/dataset.ts';
import { fitNormalizer } from '../data/pipeline.ts';
import { splitsOf } from '../train/run-splits.ts';
import type { TrainingSettings } from '../train/settings.ts';
import { getRunWeights, type ProjectBundle, type RunRecord } from '../project/project.ts';
import { normalizerFromJson } from '../project/runs.ts';
import type { Normalizer } from '../data/dataset.ts';
import { encodeTyped, type TypedTensor } from './safetensors-dtypes.ts';
import { modelPy } from './pytorch-model.ts';
import { trainPy, type ScheduledRate } from './train-script.ts';
import { checkCompatible } from '../train/trainer.ts';
import { exportReadme } from './readme.ts';

/** What an export is made from: a trained run, or the project itself before any run. */
export interface ExportSource {
  title: string;
  runId: string | null;
  spec: ModelSpec;
  dataset: DatasetChoice;
  settings: TrainingSettings;
  normalizer: Normalizer | null;
  /** state_dict tensors by name; null exports the initial weights. */
  weights: Map<string, { shape: number[]; data: Float32Array }> | null;
}

export function exportSource(b: ProjectBundle, run: RunRecord | null): ExportSource {
  if (!run) {
    const p = b.project;
    return { title: `${p.name} (untrained)`, runId: null, spec: p.model, dataset: p.dataset, settings: p.training, normalizer: null, weights: null };
  }
  return {
    title: `${b.project.name}, run '${run.name}' (${run.id})`,
    runId: run.id,
    spec: run.spec,
    dataset: run.dataset,
    settings: run.settings,
    normalizer: normalizerFromJson(run.normalizer),
    weights: getRunWeights(b, run).weights,
  };
}

/** torch keeps these buffers as int64; the engine as float32. */
const INT64_BUFFERS = /(^|\.)num_batches_tracked$/;

/** A state_dict in the model's own order, with torch's dtypes. */
export function stateDictFile(model: Module, weights: Map<string, { shape: number[]; data: Float32Array }> | null, metadata: Record<string, string>): Uint8Array {
  const out = new Map<string, TypedTensor>();
  for (const [k, t] of model.stateDict()) {
    const w = weights?.get(k) ?? { shape: [...t.shape], data: t.data };
    out.set(k, { dtype: INT64_BUFFERS.test(k) ? 'I64' : 'F32', shape: [...t.shape], data: w.data });
  }
  return encodeTyped(out, metadata);
}

function scheduledRates(model: Module): ScheduledRate[] {
  return stochasticModules(model)
    .filter(([, m]) => m.schedule !== null)
    .map(([name, m]) => ({ module: name, attr: m.rateName, schedule: m.schedule!, min: m.rateRange.min ?? null, max: m.rateRange.max ?? null, maxExclusive: !!m.rateRange.maxExclusive }));
}

/** The lab's split of the run's dataset (the same seed, fractions and separate test set). */
export function runSplits(source: Pick<ExportSource, 'dataset' | 'settings'>, files: FileSource): { train: Dataset; val: Dataset; test: Dataset } {
  return splitsOf(loadDataset(source.dataset, files), source.settings);
}

/** The split as stored features (bytes stay bytes) and labels (int64 classes, float32 targets). */
export function dataFile(splits: { train: Dataset; val: Dataset; test: Dataset }, title: string): Uint8Array {
  const t = new Map<string, TypedTensor>();
  for (const [name, d] of Object.entries(splits)) {
    t.set(`${name}.x`, { dtype: d.features instanceof Uint8Array ? 'U8' : 'F32', shape: [d.size, ...d.inputShape], data: d.features });
    t.set(`${name}.y`, d.task === 'classification' ? { dtype: 'I64', shape: [d.size], data: d.labels } : { dtype: 'F32', shape: [d.size, d.targetDim], data: Float32Array.from(d.labels) });
  }
  t.set('feature_scale', { dtype: 'F32', shape: [], data: Float32Array.of(splits.train.featureScale) });
  return encodeTyped(t, { format: 'dropout-lab-data', source: title, dataset: splits.train.name, class_names: JSON.stringify(splits.train.classNames) });
}

export interface ExportFiles {
  files: Map<string, Uint8Array>;
  notes: string[];
}

export function exportPytorch(source: ExportSource, files: FileSource): ExportFiles {
  const enc = new TextEncoder();
  const splits = runSplits(source, files);
  const train = splits.train;
  const { model, report } = buildModel(source.spec, { seed: source.settings.seed });
  checkCompatible(source.spec, report.outputShape, train); // train.py would fail on data the model cannot take
  // A run keeps the normaliser it trained with; before any run, fit it as the trainer will.
  const normalizer = source.runId ? source.normalizer : source.settings.normalize ? fitNormalizer(train) : null;
  const out = new Map<string, Uint8Array>();
  const meta = { format: 'pt', source: source.title };
  out.set('model.py', enc.encode(modelPy(source.spec, { title: source.title, normalizer, tokens: !!train.tokens, classNames: train.task === 'classification' ? train.classNames : undefined })));
  out.set('init.safetensors', stateDictFile(model, null, { ...meta, weights: `initial (seed ${source.settings.seed})` }));
  out.set('weights.safetensors', stateDictFile(model, source.weights, { ...meta, weights: source.weights ? 'trained' : 'initial (untrained project)' }));
  out.set('data.safetensors', dataFile(splits, source.title));
  out.set('train.py', enc.encode(trainPy({ title: source.title, settings: source.settings, task: train.task, schedules: scheduledRates(model) })));
  const notes: string[] = [];
  if (source.weights === null) notes.push('the project has no trained run: weights.safetensors holds the initial weights');
  out.set('README.md', enc.encode(exportReadme({ title: source.title, spec: source.spec, settings: source.settings, splits, normalized: !!normalizer, schedules: scheduledRates(model).length })));
  return { files: out, notes };
}
