/**
 * The Train/Eval view's state: the mode switch (train first, as a PyTorch module), one sample traced per change,
 * "Run again" in order, a new model or sample starting a new history, and MC-dropout answers kept to their sample;
 * a dataset the engine no longer holds imports with a bar and Cancel, and a cancelled import waits for Import again.
 */
import { describe, expect, it } from 'vitest';
import { EngineRequestError } from '../../engine/host/client.ts';
import { ModesState } from '../../renderer/src/lib/modes.svelte.ts';
import { quietNoteKey } from '../../renderer/src/lib/noise-note.ts';
import type { Project, RunRecord } from '../../renderer/src/lib/project.svelte.ts';
import { defaultSettings } from '../../engine/train/settings.ts';
import { fakeEngine, settle, type Pending } from './fake-engine.ts';

const model = { input_shape: [2], layers: [{ kind: 'Linear', in_features: 2, out_features: 2 }, { kind: 'Dropout', p: 0.5 }] };
const spiral = { id: 'spiral' as const, samples: 300, seed: 0 };

function run(id: string): RunRecord {
  return {
    id, name: id, created: '2025-01-01T00:00:00Z', status: 'done', spec: model, dataset: spiral, settings: defaultSettings(), test: null, normalizer: null,
    weights: { file: `runs/${id}.safetensors`, crc32: 1 }, note: '', history: { epochs: [], step_losses: [], best_epoch: null, stopped_early: false },
  };
}

function lab(runs: RunRecord[] = [], cancelled: (d: unknown) => boolean = () => false) {
  const f = fakeEngine();
  const project: { doc: Project | null; creating: number } = {
    creating: 0,
    doc: { format: 'dropout-lab-project', version: 1, name: 'p', created: 'c', modified: 'm', model, dataset: spiral, training: defaultSettings(), runs },
  };
  const modes = new ModesState(f.engine as never, project, cancelled);
  return { ...f, modes, project };
}

/** An `inspect` answer whose last layer outputs `out`. */
const traced = (c: Pending, out: number[]) =>
  c.answer({ mode: c.params.mode, input: { shape: [1, 2], data: new Float32Array([1, 2]) }, layers: [{ name: '0', kind: 'Linear', stochastic: false, noise: null, output: { shape: [1, 2], data: new Float32Array(out) } }] });

describe('Train/Eval state', () => {
  it('starts in train mode and traces the sample of the latest run with weights', async () => {
    const { modes, of } = lab([run('r1'), run('r2')]);
    expect(modes.mode).toBe('train');
    modes.follow();
    await settle();
    expect(of('inspect')).toHaveLength(1);
    expect(of('inspect')[0].params).toMatchObject({ model: { run_id: 'r2' }, input: { dataset: spiral, index: 0 }, mode: 'train', seed: 0 });
    expect(of('dataset.preview')[0].params).toEqual({ dataset: spiral, count: 1 });
    traced(of('inspect')[0], [0.25, 0.75]);
    await settle();
    expect(modes.trace?.mode).toBe('train');
    expect(modes.entries.map((e) => e.text)).toHaveLength(1);
  });

  it('asks nothing about a dataset whose import the user cancelled (it is not imported behind their back), and catches up once it is imported', async () => {
    let cancelled = true;
    const asked: unknown[] = [];
    const { modes, calls, of } = lab([], (d) => (asked.push(d), cancelled));
    modes.follow();
    await settle();
    modes.runAgain();
    await modes.predictMc();
    expect([modes.importCancelled, calls.length, asked[0]]).toEqual([true, 0, spiral]);
    cancelled = false;
    modes.follow();
    await settle();
    expect(modes.importCancelled).toBe(false);
    expect([of('dataset.preview').length, of('inspect').length]).toEqual([1, 1]);
  });

  it('shows the dataset’s import while the trace waits for it, with Cancel; a cancelled import asks nothing until Import again, which traces anew', async () => {
    const { modes, of, emit } = lab([run('r1')]);
    modes.follow();
    await settle();
    emit({ type: 'dataset-progress', source: '/data/pets', done: 5, total: 50, fraction: 0.1, elapsed_s: 1, eta_s: 9 });
    expect(modes.importing.progress).toMatchObject({ done: 5, total: 50, eta_s: 9 });
    modes.importing.cancel();
    expect(of('dataset.cancel')).toHaveLength(1);
    // The info preview and the trace both waited for the one import: both fail with 'cancelled'.
    for (const c of [of('dataset.preview')[0], of('inspect')[0]]) c.fail(new EngineRequestError('cancelled', 'import of /data/pets cancelled', c.type));
    await settle();
    expect([modes.importCancelled, modes.error, modes.trace, modes.importing.progress]).toEqual([true, null, null, null]);
    // Not imported behind the user's back: nothing is asked, whatever is pressed.
    modes.runAgain();
    modes.follow();
    await modes.predictMc();
    expect([of('dataset.preview').length, of('inspect').length, of('predict').length]).toEqual([1, 1, 0]);
    // Import again: the size and the trace are asked anew, and the import shows again.
    modes.retry();
    await settle();
    expect([modes.importCancelled, of('dataset.preview').length, of('inspect').length]).toEqual([false, 2, 2]);
    expect(of('inspect')[1].params).toMatchObject({ model: { run_id: 'r1' }, input: { dataset: spiral, index: 0 } });
    emit({ type: 'dataset-progress', source: '/data/pets', done: 20, total: 50, fraction: 0.4, elapsed_s: 2, eta_s: 3 });
    expect(modes.importing.progress?.done).toBe(20);
    of('dataset.preview')[1].answer({ size: 50, task: 'classification', class_names: ['cat', 'dog'], name: 'pets' });
    traced(of('inspect')[1], [0.5, 0.5]);
    await settle();
    expect([modes.size, modes.trace?.mode, modes.entries.length, modes.importing.progress]).toEqual([50, 'train', 1, null]);
  });

  it('MC-dropout on the sample waits for the import too: a cancel there is the import’s, not an error; other failures say what went wrong', async () => {
    const { modes, of, emit } = lab([run('r1')]);
    const asked = modes.predictMc(30);
    emit({ type: 'dataset-progress', source: '/data/pets', done: 5, total: 50, fraction: 0.1, elapsed_s: 1, eta_s: 9 });
    expect(modes.importing.progress?.done).toBe(5);
    of('predict')[0].fail(new EngineRequestError('cancelled', 'import of /data/pets cancelled', 'predict'));
    await asked;
    expect([modes.mcBusy, modes.mcError, modes.importCancelled, modes.importing.progress]).toEqual([false, null, true, null]);
    modes.retry();
    await settle();
    of('inspect')[0].fail(new EngineRequestError('data-missing', '/data/pets: no such folder', 'inspect'));
    await settle();
    expect([modes.error, modes.importCancelled]).toEqual(['/data/pets: no such folder', false]);
  });

  it('shows no bar for an import nothing here waits for, nor for one a New waits for (the New’s bar shows it)', async () => {
    const { modes, of, emit, project } = lab([run('r1')]);
    const progress = { type: 'dataset-progress', source: '/data/pets', done: 5, total: 50, fraction: 0.1, elapsed_s: 1, eta_s: 9 } as const;
    emit(progress);
    expect(modes.importing.progress).toBeNull();
    project.creating = 1;
    modes.follow();
    await settle();
    emit(progress);
    expect(modes.importing.progress).toBeNull();
    project.creating = 0;
    emit({ ...progress, done: 6 });
    expect(modes.importing.progress?.done).toBe(6);
    of('dataset.preview')[0].answer({ size: 50, task: 'classification', class_names: ['cat', 'dog'], name: 'pets' });
    traced(of('inspect')[0], [1, 0]);
    await settle();
    expect(modes.importing.progress).toBeNull();
    emit({ ...progress, done: 7 });
    expect(modes.importing.progress).toBeNull();
  });

  it('without a trained run, traces the untrained spec', async () => {
    const { modes, of } = lab();
    modes.follow();
    await settle();
    expect(of('inspect')[0].params.model).toEqual({ spec: model, seed: 0 });
  });

  it('"Run again" draws a new seed, and the runs land in the history in the order they were asked', async () => {
    const { modes, of } = lab([run('r1')]);
    modes.follow();
    modes.runAgain();
    modes.runAgain();
    await settle();
    // Queued: the second is asked only once the first has answered.
    expect(of('inspect')).toHaveLength(1);
    traced(of('inspect')[0], [1, 0]);
    await settle();
    expect(of('inspect')).toHaveLength(2);
    expect(of('inspect')[1].params.seed).toBe(1);
    traced(of('inspect')[1], [0, 1]);
    await settle();
    traced(of('inspect')[2], [0, 1]);
    await settle();
    expect(modes.entries.map((e) => [e.n, e.seed])).toEqual([[1, 0], [2, 1], [3, 2]]);
    expect(modes.comparison).toMatchObject({ kind: 'identical' });
  });

  it('a new mode traces again; coming back to the view with nothing changed does not', async () => {
    const { modes, of } = lab([run('r1')]);
    modes.follow();
    await settle();
    traced(of('inspect')[0], [1, 0]);
    await settle();
    modes.follow();
    await settle();
    expect(of('inspect')).toHaveLength(1);
    modes.setMode('eval');
    modes.follow();
    await settle();
    expect(of('inspect')).toHaveLength(2);
    expect(of('inspect')[1].params.mode).toBe('eval');
  });

  it('another sample starts a new history, and an answer about the old sample is dropped', async () => {
    const { modes, of } = lab([run('r1')]);
    modes.follow();
    await settle();
    traced(of('inspect')[0], [1, 0]);
    await settle();
    modes.info = { size: 10 } as never;
    modes.setIndex(3);
    modes.follow();
    expect(modes.entries).toEqual([]);
    modes.setIndex(4);
    modes.follow();
    await settle();
    traced(of('inspect')[1], [9, 9]);
    await settle();
    expect(modes.trace).toBeNull();
    traced(of('inspect')[2], [0, 1]);
    await settle();
    expect(of('inspect')[2].params.input).toEqual({ dataset: spiral, index: 4 });
    expect(modes.entries.map((e) => e.output)).toEqual([[0, 1]]);
  });

  it('keeps the sample index inside the dataset', () => {
    const { modes } = lab();
    modes.info = { size: 5 } as never;
    modes.setIndex(12.4);
    expect(modes.index).toBe(4);
    modes.setIndex(-3);
    expect(modes.index).toBe(0);
  });

  it('shows an MC-dropout answer only while its sample is the one shown', async () => {
    const { modes, of } = lab([run('r1')]);
    const asked = modes.predictMc(30);
    expect(modes.mcBusy).toBe(true);
    expect(of('predict')[0].params).toEqual({ model: { run_id: 'r1' }, input: { dataset: spiral, index: 0 }, mc: { passes: 30 } });
    const stats = { passes: 30, seed: 0, task: 'classification', mean: { shape: [1, 2], data: new Float32Array([0.9, 0.1]) }, std: { shape: [1, 2], data: new Float32Array([0.05, 0.05]) }, entropy: null, expected_entropy: null, mutual_information: null };
    of('predict')[0].answer({ mode: 'train', output: stats.mean, predicted: [0], mc: stats });
    await asked;
    expect(modes.mcBusy).toBe(false);
    expect(modes.mcShown?.passes).toBe(30);
    modes.info = { size: 10 } as never;
    modes.setIndex(1);
    expect(modes.mcShown).toBeNull();
  });
});

describe('what a quiet dropout row says', () => {
  it('eval mode: the identity when the numbers pass through unchanged, else only that no noise was drawn', () => {
    expect(quietNoteKey('eval', [1, -2], new Float32Array([1, -2]))).toBe('modes.noise.evalIdentity');
    expect(quietNoteKey('eval', [1, -2], [0.5, -2])).toBe('modes.noise.eval');
  });

  it('train mode at p = 0: the identity too, not "eval mode"', () => {
    expect(quietNoteKey('train', [3, 4], [3, 4])).toBe('modes.noise.zeroRateIdentity');
    expect(quietNoteKey('train', [3, 4], [3, 4, 5])).toBe('modes.noise.zeroRate');
    expect(quietNoteKey('train', null, [3])).toBe('modes.noise.zeroRate');
  });
});
