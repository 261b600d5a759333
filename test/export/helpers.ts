/** Shared by the export tests: a Python with torch, projects with runs, files on disk. */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Generator } from '../../engine/tensor/random.ts';
import { buildModel, type ModelSpec } from '../../engine/nn/spec.ts';
import type { Sequential } from '../../engine/nn/module.ts';
import { newProject, type ProjectBundle } from '../../engine/project/project.ts';
import { recordRun } from '../../engine/project/runs.ts';
import { fitNormalizer } from '../../engine/data/pipeline.ts';
import { nodeFiles } from '../../engine/io/node-files.ts';
import type { DatasetChoice } from '../../engine/data/catalog.ts';
import { TrainingSettingsSchema } from '../../engine/train/settings.ts';
import { runSplits } from '../../engine/export/pytorch.ts';

export const PYTHON = '/usr/bin/python3';

/** Why the torch-side tests cannot run here, or null when python3-torch and torchvision import. */
export const torchMissing: string | null = (() => {
  const r = spawnSync(PYTHON, ['-c', 'import torch, torchvision, numpy'], { encoding: 'utf8' });
  return r.status === 0 ? null : `needs Debian's python3-torch and python3-torchvision for ${PYTHON} (${(r.stderr || r.error?.message || '').trim().split('\n').pop()})`;
})();

if (torchMissing) console.warn(`test/export: skipping the tests that run exported Python: ${torchMissing}`);

export const dlabBin = fileURLToPath(new URL('../../bin/dlab.mjs', import.meta.url));

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `dlab-${prefix}-`));
}

export function dlab(cwd: string, ...args: string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [dlabBin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, DLAB_BACKEND: 'reference' } });
}

export function python(cwd: string, args: string[], timeout = 120_000): SpawnSyncReturns<string> {
  return spawnSync(PYTHON, args, { cwd, encoding: 'utf8', timeout, env: { ...process.env, OMP_NUM_THREADS: '1' } });
}

export function writeFiles(dir: string, files: ReadonlyMap<string, Uint8Array>): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, bytes] of files) writeFileSync(join(dir, name), bytes);
}

/**
 * Every state tensor set to seeded random values at the scale of its
 * initialisation (so activations stay in a trained model's range), running
 * variances positive: no tensor can hide behind its default.
 */
export function randomizeState(model: Sequential, seed: number): void {
  const g = new Generator(seed);
  for (const [k, t] of model.stateDict()) {
    if (k.endsWith('num_batches_tracked')) t.data[0] = 7;
    else if (k.endsWith('running_var')) t.data.set(g.uniform(t.size, 0.5, 1.5));
    else {
      const bound = t.data.reduce((m, v) => Math.max(m, Math.abs(v)), 0) || 0.1;
      t.data.set(g.uniform(t.size, -bound, bound));
    }
  }
}

/** A project whose single run holds random weights and the normaliser the trainer would fit. */
export function projectWithRun(spec: ModelSpec, dataset: DatasetChoice, training: unknown = {}, seed = 1): ProjectBundle {
  const b = newProject({ name: 'export test', model: spec, dataset, training });
  const settings = TrainingSettingsSchema.parse(training);
  const { model } = buildModel(spec, { seed: settings.seed });
  randomizeState(model, seed);
  const normalizer = settings.normalize ? fitNormalizer(runSplits({ dataset, settings }, nodeFiles).train) : null;
  recordRun(b, {
    id: 'run-test', name: 'random weights', created: new Date(0).toISOString(), status: 'done', spec, dataset, settings,
    history: { epochs: [], step_losses: [], best_epoch: null, stopped_early: false }, test: null, normalizer,
    checkpoint: { weights: new Map([...model.stateDict()].map(([k, t]) => [k, t.data.slice()])), optimizer: { step: 0, lr: 0, buffers: new Map() } }, model,
  });
  return b;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
