import { describe, expect, it } from 'vitest';
import { TrainingState } from '../../renderer/src/lib/training.svelte.ts';
import type { EngineEvent } from '../../engine/protocol.ts';
import type { RunRecord } from '../../renderer/src/lib/project.svelte.ts';
import { defaultSettings } from '../../engine/train/settings.ts';

function run(id: string, losses: number[]): RunRecord {
  return {
    id, name: id, created: '2025-01-01T00:00:00Z', status: 'done', spec: { input_shape: [2], layers: [] }, dataset: { id: 'spiral', samples: 400, seed: 0 },
    settings: defaultSettings(), test: { loss: 0.1, accuracy: 0.9 }, normalizer: null, weights: null, note: '',
    history: { epochs: losses.map((l, i) => ({ epoch: i + 1, train_loss: l, train_accuracy: null, val_loss: null, val_accuracy: null, lr: 0.001, dropout_p: {}, seconds: 1 })), step_losses: losses, best_epoch: null, stopped_early: false },
  };
}

function lab(doc: { created: string; runs: RunRecord[] }) {
  let emit: (e: EngineEvent) => void = () => {};
  const added: RunRecord[] = [];
  const engine = {
    onEvent: (l: (e: EngineEvent) => void) => ((emit = l), () => {}),
    request: async () => ({ run_id: 'r-live', resumed_from_epoch: null, steps_total: 10 }),
  };
  const project = { doc: { ...doc, model: { input_shape: [2], layers: [] }, dataset: { id: 'spiral' }, training: defaultSettings() }, addRun: (r: RunRecord) => added.push(r) };
  const t = new TrainingState(engine as never, project as never);
  return { t, emit: (e: EngineEvent) => emit(e), added };
}

describe('training state', () => {
  it('shows an opened project’s latest run, and nothing for a project without runs', () => {
    const { t } = lab({ created: 'a', runs: [] });
    t.syncWithProject({ created: 'p1', runs: [run('r1', [3]), run('r2', [2, 1])] });
    expect(t.runId).toBe('r2');
    expect(t.epochs).toHaveLength(2);
    t.showRun(run('r1', [3]));
    t.syncWithProject({ created: 'p1', runs: [run('r1', [3]), run('r2', [2, 1])] });
    expect(t.runId).toBe('r1');
    t.syncWithProject({ created: 'p1', runs: [run('r2', [2, 1])] });
    expect(t.runId).toBe('r2');
    t.syncWithProject({ created: 'p2', runs: [] });
    expect(t.runId).toBeNull();
    expect(t.epochs).toEqual([]);
    expect(t.state).toBe('idle');
  });

  it('follows a live run through its events and keeps it when the project is synced', async () => {
    const { t, emit, added } = lab({ created: 'p', runs: [] });
    await t.start();
    expect(t.state).toBe('running');
    t.syncWithProject({ created: 'p', runs: [run('old', [1])] });
    expect(t.runId).toBe('r-live');
    emit({ type: 'progress', run_id: 'r-live', epoch: 0, step: 5, steps_total: 10, fraction: 0.5, elapsed_s: 2, eta_s: 2 });
    emit({ type: 'epoch', run_id: 'other', metrics: { epoch: 1, train_loss: 9, train_accuracy: null, val_loss: null, val_accuracy: null, lr: 1, dropout_p: {}, seconds: 1 } });
    emit({ type: 'epoch', run_id: 'r-live', metrics: { epoch: 1, train_loss: 1, train_accuracy: 0.5, val_loss: 1.1, val_accuracy: 0.4, lr: 1, dropout_p: {}, seconds: 1 } });
    expect(t.progress?.fraction).toBe(0.5);
    expect(t.epochs.map((e) => e.train_loss)).toEqual([1]);
    emit({ type: 'state', run_id: 'r-live', state: 'paused' });
    expect(t.active).toBe(true);
    const rec = run('r-live', [1]);
    emit({ type: 'finished', run_id: 'r-live', status: 'done', test: { loss: 1, accuracy: 0.5 }, error: null, run: rec });
    expect(t.state).toBe('done');
    expect(added.map((r) => r.id)).toEqual(['r-live']);
  });

  it('keeps a failed run’s error on screen until another project opens', async () => {
    const { t, emit } = lab({ created: 'p', runs: [] });
    await t.start();
    emit({ type: 'finished', run_id: 'r-live', status: 'failed', test: null, error: 'loss became NaN', run: null });
    t.syncWithProject({ created: 'p', runs: [run('old', [1])] });
    expect(t.error).toBe('loss became NaN');
    t.syncWithProject({ created: 'q', runs: [run('old', [1])] });
    expect(t.error).toBeNull();
    expect(t.runId).toBe('old');
  });
});
