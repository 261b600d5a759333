/** A small real project for tests that damage files: an MLP trained one epoch on 40 spiral points, packed by the engine's own writer. */
import { loadDataset } from '../../../engine/data/catalog.ts';
import { newProject, packProject, type ProjectBundle } from '../../../engine/project/project.ts';
import { recordRun } from '../../../engine/project/runs.ts';
import { snapshotWeights, Trainer } from '../../../engine/train/trainer.ts';
import { TrainingSettingsSchema } from '../../../engine/train/settings.ts';

const SPEC = {
  input_shape: [2],
  layers: [
    { kind: 'Linear', name: 'fc1', in_features: 2, out_features: 4 },
    { kind: 'ReLU', name: 'relu' },
    { kind: 'Dropout', name: 'drop', p: 0.5 },
    { kind: 'Linear', name: 'fc2', in_features: 4, out_features: 2 },
  ],
};

export async function smallProject(): Promise<{ bundle: ProjectBundle; bytes: Uint8Array }> {
  const dataset = { id: 'spiral', samples: 40, seed: 0 } as const;
  const settings = TrainingSettingsSchema.parse({ epochs: 1, batch_size: 16, seed: 1 });
  const bundle = newProject({ name: 'small', model: SPEC, dataset, training: settings }, new Date('2026-01-01T00:00:00Z'));
  const trainer = new Trainer({ spec: SPEC, data: loadDataset(dataset, { read: () => new Uint8Array(), exists: () => false, bundledMnist: () => ({ images: new Uint8Array(), labels: new Uint8Array() }), list: () => [] }), settings });
  const res = await trainer.run();
  recordRun(bundle, {
    id: 'run-1', name: 'run 1', created: '2026-01-01T00:00:00Z', status: res.status, spec: SPEC, dataset, settings, history: res.history, test: res.test,
    normalizer: trainer.normalizer, checkpoint: { weights: snapshotWeights(trainer.model), optimizer: { step: 0, lr: 0, buffers: new Map() } }, model: trainer.model,
  });
  return { bundle, bytes: packProject(bundle) };
}
