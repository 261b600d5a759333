/**
 * TrainingRun, the one "train and record a run" (the engine's train.start and
 * `dlab train`): the record after each epoch and at the end, with the
 * optimizer state the run really reached.
 */
import { describe, expect, it } from 'vitest';
import { TrainingRun } from '../../../engine/host/training-session.ts';
import { loadDataset, type FileSource } from '../../../engine/data/catalog.ts';
import { TrainingSettingsSchema } from '../../../engine/train/settings.ts';
import { getRunWeights, newProject } from '../../../engine/project/project.ts';
import type { Checkpoint } from '../../../engine/train/trainer.ts';

const NO_FILES: FileSource = { read: () => new Uint8Array(), exists: () => false, bundledMnist: () => ({ images: new Uint8Array(), labels: new Uint8Array() }), list: () => [] };
const SPEC = { input_shape: [2], layers: [{ kind: 'Linear', name: 'fc', in_features: 2, out_features: 2 }] };
const DATASET = { id: 'moons', samples: 300, seed: 0 } as const;
// 300 samples, 10% validation and 10% test: 240 to train on, 8 steps of 32 an epoch.
const SETTINGS = TrainingSettingsSchema.parse({ epochs: 2, batch_size: 32, optimizer: { type: 'adam', lr: 0.01 } });

function origin() {
  return { run_id: 'run-1', name: 'one', created: '2026-01-01T00:00:00.000Z', spec: SPEC, dataset: DATASET, settings: SETTINGS };
}

describe('TrainingRun', () => {
  it('records the run as running after each epoch, then done with its final weights and the last epoch\'s optimizer state', async () => {
    const bundle = newProject({ name: 'p', model: SPEC, dataset: DATASET, training: SETTINGS });
    const seen: { status: string; epochs: number }[] = [];
    const run = new TrainingRun(origin(), loadDataset(DATASET, NO_FILES), {
      onEvent: (r, e) => {
        if (e.type !== 'checkpoint') return;
        const rec = r.recordCheckpoint(bundle, e.checkpoint);
        seen.push({ status: rec.status, epochs: rec.history.epochs.length });
      },
    });
    const res = await run.trainer.run();
    const rec = run.recordEnd(bundle, res);
    expect(seen).toEqual([{ status: 'running', epochs: 1 }, { status: 'running', epochs: 2 }]);
    expect(bundle.project.runs.map((r) => [r.id, r.status])).toEqual([['run-1', 'done']]);
    const { weights, optimizer } = getRunWeights(bundle, rec);
    expect(optimizer?.step).toBe(16);
    expect(optimizer?.buffers.size).toBeGreaterThan(0);
    expect([...weights.get('fc.weight')!.data]).toEqual([...run.trainer.model.stateDict().get('fc.weight')!.data]);
  });

  it('records a run stopped before its first epoch ended with its weights and an empty optimizer state', async () => {
    const bundle = newProject({ name: 'p', model: SPEC, dataset: DATASET, training: SETTINGS });
    const checkpoints: Checkpoint[] = [];
    const run = new TrainingRun(origin(), loadDataset(DATASET, NO_FILES), {
      onEvent: (r, e) => {
        if (e.type === 'step') r.trainer.cancel();
        if (e.type === 'checkpoint') checkpoints.push(e.checkpoint);
      },
    });
    const res = await run.trainer.run();
    const rec = run.recordEnd(bundle, res);
    expect([res.status, checkpoints.length, rec.status]).toEqual(['cancelled', 0, 'cancelled']);
    expect(getRunWeights(bundle, rec).optimizer).toEqual({ step: 0, lr: 0, buffers: new Map() });
  });
});
