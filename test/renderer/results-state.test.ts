/**
 * The Results view's states: `results` for the shown run and split (only the latest answer kept), MC-dropout with
 * progress and cancel (its dataset's import first, where the engine no longer holds it), and export; and the Data
 * view's preview, asked a beat after the last change.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EngineRequestError } from '../../engine/host/client.ts';
import { ResultsState, RESULTS_GRID } from '../../renderer/src/lib/results.svelte.ts';
import { McDropoutState } from '../../renderer/src/lib/mc-dropout.svelte.ts';
import { ExportState } from '../../renderer/src/lib/export.svelte.ts';
import { DatasetPreviewState } from '../../renderer/src/lib/dataset-preview.svelte.ts';
import type { Project, RunRecord } from '../../renderer/src/lib/project.svelte.ts';
import { defaultSettings } from '../../engine/train/settings.ts';
import { fakeEngine, settle } from './fake-engine.ts';

const spiral = { id: 'spiral' as const, samples: 300, seed: 0 };

function run(id: string, weights = true): RunRecord {
  return {
    id, name: id, created: '2025-01-01T00:00:00Z', status: 'done', spec: { input_shape: [2], layers: [] }, dataset: spiral, settings: defaultSettings(), test: null,
    normalizer: null, weights: weights ? { file: `runs/${id}.safetensors`, crc32: 1 } : null, note: '', history: { epochs: [], step_losses: [], best_epoch: null, stopped_early: false },
  };
}

function doc(runs: RunRecord[], dataset: Project['dataset'] = spiral): Project {
  return { format: 'dropout-lab-project', version: 1, name: 'p', created: 'c', modified: 'm', model: { input_shape: [2], layers: [] }, dataset, training: defaultSettings(), runs };
}

const answer = (runId: string, split: string) => ({ run_id: runId, split, task: 'classification', class_names: ['a', 'b'], size: 60, loss: 0.5, accuracy: 0.8, confusion: [[1]], samples: [], inputs: { shape: [0], data: new Float32Array() }, boundary: null });

describe('Results state', () => {
  it('asks about the newest run with weights, and keeps only the answer for the latest run and split', async () => {
    const f = fakeEngine();
    const r = new ResultsState(f.engine as never, { doc: doc([run('old'), run('new'), run('curves-only', false)]), creating: 0 });
    expect(r.run?.id).toBe('new');
    r.follow();
    expect(f.of('results')[0].params).toEqual({ run_id: 'new', split: 'test', samples: 48, grid: RESULTS_GRID });
    expect(r.loading).toBe(true);
    r.split = 'val';
    r.follow();
    f.of('results')[1].answer(answer('new', 'val'));
    f.of('results')[0].answer(answer('new', 'test'));
    await settle();
    expect(r.results?.split).toBe('val');
    expect(r.loading).toBe(false);
    // Back on the view with the same choice: the answer is already here.
    r.follow();
    expect(f.of('results')).toHaveLength(2);
  });

  it('shows the error for the current choice and asks again when the view comes back', async () => {
    const f = fakeEngine();
    const r = new ResultsState(f.engine as never, { doc: doc([run('a')]), creating: 0 });
    r.follow();
    f.of('results')[0].fail(new Error('run a has no weights in the engine'));
    await settle();
    expect([r.results, r.error, r.loading]).toEqual([null, 'run a has no weights in the engine', false]);
    r.follow();
    expect(f.of('results')).toHaveLength(2);
  });

  it('shows the import of the run’s dataset while it waits, with Cancel; a cancelled import is not asked again until Import again', async () => {
    const f = fakeEngine();
    const pets = { id: 'images', path: 'pets' } as never;
    const r = new ResultsState(f.engine as never, { doc: doc([{ ...run('a'), dataset: pets }]), creating: 0 });
    r.follow();
    f.emit({ type: 'dataset-progress', source: 'pets', done: 5, total: 50, fraction: 0.1, elapsed_s: 1, eta_s: 9 });
    expect(r.importing.progress?.done).toBe(5);
    r.importing.cancel();
    expect(f.of('dataset.cancel')).toHaveLength(1);
    f.of('results')[0].fail(new EngineRequestError('cancelled', 'import of pets cancelled', 'results'));
    await settle();
    expect([r.importing.progress, r.importCancelled, r.error, r.loading]).toEqual([null, true, null, false]);
    // The view coming back does not import it behind the user's back.
    r.follow();
    expect(f.of('results')).toHaveLength(1);
    r.retry();
    expect([f.of('results').length, r.importCancelled, r.loading]).toEqual([2, false, true]);
    f.of('results')[1].answer(answer('a', 'test'));
    await settle();
    expect(r.results?.run_id).toBe('a');
  });

  it('asks nothing about a run whose dataset the user cancelled in the Data view, and catches up once it is imported', async () => {
    const f = fakeEngine();
    let cancelled = true;
    const asked: unknown[] = [];
    const r = new ResultsState(f.engine as never, { doc: doc([run('a')]), creating: 0 }, (d) => (asked.push(d), cancelled));
    r.follow();
    expect([r.importCancelled, f.of('results').length, asked[0]]).toEqual([true, 0, spiral]);
    cancelled = false;
    r.follow();
    expect([r.importCancelled, f.of('results').length]).toEqual([false, 1]);
  });

  it('leaves an import a New waits for to the New’s bar', () => {
    const f = fakeEngine();
    const project = { doc: doc([run('a')]), creating: 1 };
    const r = new ResultsState(f.engine as never, project);
    r.follow();
    f.emit({ type: 'dataset-progress', source: 'pets', done: 5, total: 50, fraction: 0.1, elapsed_s: 1, eta_s: 9 });
    expect(r.importing.progress).toBeNull();
    project.creating = 0;
    f.emit({ type: 'dataset-progress', source: 'pets', done: 6, total: 50, fraction: 0.12, elapsed_s: 1, eta_s: 9 });
    expect(r.importing.progress?.done).toBe(6);
  });
});

describe('MC-dropout state', () => {
  const stats = { run_id: 'a', passes: 30, x_min: 0, x_max: 1, y_min: 0, y_max: 1, size: 2, mean: { shape: [0], data: new Float32Array() }, entropy: { shape: [0], data: new Float32Array() }, mutual_information: { shape: [0], data: new Float32Array() }, points: { shape: [0], data: new Float32Array() }, point_labels: [] };

  it('runs the grid with the chosen passes, follows mc-progress while busy, and says when it was cancelled', async () => {
    const f = fakeEngine();
    const mc = new McDropoutState(f.engine as never, { creating: 0 });
    mc.show({ runId: 'a', split: 'test', kind: 'grid', grid: 50 });
    mc.passes = 12;
    const going = mc.run();
    expect(f.of('mc.grid')[0].params).toEqual({ run_id: 'a', split: 'test', grid: 50, passes: 12 });
    f.emit({ type: 'mc-progress', fraction: 0.25, elapsed_s: 1, eta_s: 3 });
    expect(mc.progress).toEqual({ fraction: 0.25, eta_s: 3 });
    void mc.cancel();
    expect(f.of('mc.cancel')).toHaveLength(1);
    f.of('mc.grid')[0].fail(new EngineRequestError('cancelled', 'MC-dropout cancelled', 'mc.grid'));
    await going;
    expect([mc.busy, mc.cancelled, mc.error]).toEqual([false, true, null]);
  });

  it('refuses passes outside 1…1000, and drops what it showed when the run or split changes', async () => {
    const f = fakeEngine();
    const mc = new McDropoutState(f.engine as never, { creating: 0 });
    mc.show({ runId: 'a', split: 'test', kind: 'grid', grid: 50 });
    for (const bad of [0, 1001, 2.5, null]) {
      mc.passes = bad;
      expect(mc.passesOk).toBe(false);
      await mc.run();
    }
    expect(f.calls).toHaveLength(0);
    mc.passes = 30;
    const going = mc.run();
    mc.show({ runId: 'a', split: 'val', kind: 'grid', grid: 50 });
    expect(mc.busy).toBe(false);
    f.of('mc.grid')[0].answer(stats);
    await going;
    expect(mc.grid).toBeNull();
  });

  it('shows the import of the run’s dataset before the passes, with the import’s Cancel; a cancelled import says so and runs again on Import again', async () => {
    const f = fakeEngine();
    const mc = new McDropoutState(f.engine as never, { creating: 0 });
    mc.show({ runId: 'a', split: 'test', kind: 'samples', grid: 50 });
    const going = mc.run();
    f.emit({ type: 'dataset-progress', source: '/data/pets', done: 5, total: 50, fraction: 0.1, elapsed_s: 1, eta_s: 9 });
    expect(mc.importing.progress).toMatchObject({ done: 5, total: 50, eta_s: 9 });
    mc.cancelImport();
    expect([f.of('dataset.cancel').length, f.of('mc.cancel').length]).toEqual([1, 0]);
    f.of('mc.samples')[0].fail(new EngineRequestError('cancelled', 'import of /data/pets cancelled', 'mc.samples'));
    await going;
    expect([mc.busy, mc.importCancelled, mc.cancelled, mc.error, mc.importing.progress]).toEqual([false, true, false, null, null]);
    // Import again: asks anew.
    const again = mc.run();
    expect([f.of('mc.samples').length, mc.importCancelled, mc.busy]).toEqual([2, false, true]);
    f.emit({ type: 'dataset-progress', source: '/data/pets', done: 50, total: 50, fraction: 1, elapsed_s: 4, eta_s: 0 });
    expect(mc.importing.progress).toBeNull(); // imported: the passes' own bar shows
    f.of('mc.samples')[1].answer({ run_id: 'a', split: 'test', passes: 30, class_names: [], size: 10, samples: [], inputs: { shape: [0], data: new Float32Array() } });
    await again;
    expect([mc.samples?.size, mc.importCancelled]).toEqual([10, false]);
  });

  it('tells an import stopped before any pass from passes cancelled with the Cancel of MC-dropout', async () => {
    const f = fakeEngine();
    const mc = new McDropoutState(f.engine as never, { creating: 0 });
    mc.show({ runId: 'a', split: 'test', kind: 'grid', grid: 50 });
    // Another import took over (no Cancel pressed here, no pass reported): the data was not read.
    const first = mc.run();
    f.of('mc.grid')[0].fail(new EngineRequestError('cancelled', 'import of /data/pets cancelled', 'mc.grid'));
    await first;
    expect([mc.importCancelled, mc.cancelled]).toEqual([true, false]);
    // MC-dropout's Cancel pressed before its first progress: the passes were cancelled.
    const second = mc.run();
    void mc.cancel();
    f.of('mc.grid')[1].fail(new EngineRequestError('cancelled', 'MC-dropout was cancelled', 'mc.grid'));
    await second;
    expect([mc.importCancelled, mc.cancelled]).toEqual([false, true]);
  });

  it('leaves an import a New waits for to the New’s bar', () => {
    const f = fakeEngine();
    const project = { creating: 1 };
    const mc = new McDropoutState(f.engine as never, project);
    mc.show({ runId: 'a', split: 'test', kind: 'samples', grid: 50 });
    void mc.run();
    f.emit({ type: 'dataset-progress', source: '/data/pets', done: 5, total: 50, fraction: 0.1, elapsed_s: 1, eta_s: 9 });
    expect(mc.importing.progress).toBeNull();
    project.creating = 0;
    f.emit({ type: 'dataset-progress', source: '/data/pets', done: 6, total: 50, fraction: 0.12, elapsed_s: 1, eta_s: 9 });
    expect(mc.importing.progress?.done).toBe(6);
  });

  it('ranks samples by the chosen measure: switching it asks again', async () => {
    const f = fakeEngine();
    const mc = new McDropoutState(f.engine as never, { creating: 0 });
    mc.show({ runId: 'a', split: 'test', kind: 'samples', grid: 50 });
    const first = mc.run();
    f.of('mc.samples')[0].answer({ run_id: 'a', split: 'test', passes: 30, class_names: [], size: 10, samples: [], inputs: { shape: [0], data: new Float32Array() } });
    await first;
    expect(mc.samples?.by).toBe('mutual_information');
    mc.setMetric('entropy');
    expect(f.of('mc.samples')[1].params).toMatchObject({ by: 'entropy', samples: 24 });
  });
});

describe('export state', () => {
  it('writes the chosen format into the folder and keeps the engine\'s list, or its error', async () => {
    const f = fakeEngine();
    const ex = new ExportState(f.engine as never);
    ex.format = 'onnx';
    const going = ex.run('r1', 'out');
    expect(f.of('export')[0].params).toEqual({ run_id: 'r1', format: 'onnx', dir: 'out' });
    f.of('export')[0].answer({ dir: '/p/out', files: ['/p/out/model.onnx'], notes: [] });
    await going;
    expect(ex.done?.files).toEqual(['/p/out/model.onnx']);
    const again = ex.run('r1', '/etc');
    f.of('export')[1].fail(new Error('/etc is outside the project folder'));
    await again;
    expect([ex.done, ex.error, ex.busy]).toEqual([null, '/etc is outside the project folder', false]);
  });
});

describe('data preview state', () => {
  afterEach(() => vi.useRealTimers());

  it('asks once a burst of changes pauses, for the latest choice only', async () => {
    vi.useFakeTimers();
    const f = fakeEngine();
    const project = { doc: doc([]), setDataset: () => {}, creating: 0 };
    const d = new DatasetPreviewState(f.engine as never, project, 200);
    d.follow();
    project.doc = doc([], { ...spiral, samples: 400 });
    d.follow();
    project.doc = { ...doc([], { ...spiral, samples: 400 }), name: 'renamed' };
    d.follow();
    expect(d.loading).toBe(true);
    await vi.advanceTimersByTimeAsync(200);
    expect(f.of('dataset.preview').map((c) => c.params)).toEqual([{ dataset: { ...spiral, samples: 400 }, count: 1024 }]);
  });

  it('shows the import progress while it waits, and after a cancel offers to import again', async () => {
    const f = fakeEngine();
    const project = { doc: doc([], { id: 'images', path: 'pets' } as never), setDataset: () => {}, creating: 0 };
    const d = new DatasetPreviewState(f.engine as never, project, 0);
    d.follow();
    await settle();
    f.emit({ type: 'dataset-progress', source: 'pets', done: 5, total: 50, fraction: 0.1, elapsed_s: 1, eta_s: 9 });
    expect(d.importing.progress?.done).toBe(5);
    d.importing.cancel();
    expect(f.of('dataset.cancel')).toHaveLength(1);
    f.of('dataset.preview')[0].fail(new EngineRequestError('cancelled', 'import cancelled', 'dataset.preview'));
    await settle();
    expect([d.cancelled, d.error, d.importing.progress, d.loading]).toEqual([true, null, null, false]);
    d.retry();
    await settle();
    expect(f.of('dataset.preview')).toHaveLength(2);
    expect(d.cancelled).toBe(false);
  });

  it('after a cancel, the view coming back does not import again; the choice is cancelled for other views until Import again', async () => {
    const f = fakeEngine();
    const pets = { id: 'images', path: 'pets' } as never;
    const project = { doc: doc([], pets), setDataset: () => {}, creating: 0 };
    const d = new DatasetPreviewState(f.engine as never, project, 0);
    d.follow();
    await settle();
    f.of('dataset.preview')[0].fail(new EngineRequestError('cancelled', 'import cancelled', 'dataset.preview'));
    await settle();
    d.follow();
    await settle();
    expect(f.of('dataset.preview')).toHaveLength(1);
    expect([d.cancelledFor(pets), d.cancelledFor({ id: 'images', path: 'other' } as never), d.cancelledFor(spiral)]).toEqual([true, false, false]);
    d.retry();
    expect(d.cancelledFor(pets)).toBe(false);
  });

  it('leaves an import a New waits for too to the New’s bar: one import, one bar', async () => {
    const f = fakeEngine();
    const project = { doc: doc([], { id: 'images', path: 'pets' } as never), setDataset: () => {}, creating: 0 };
    const d = new DatasetPreviewState(f.engine as never, project, 0);
    d.follow();
    await settle();
    const progress = (done: number) => f.emit({ type: 'dataset-progress', source: 'pets', done, total: 50, fraction: done / 50, elapsed_s: 1, eta_s: 9 });
    progress(5);
    expect(d.importing.progress?.done).toBe(5);
    project.creating = 1;
    progress(6);
    expect(d.importing.progress).toBeNull();
    project.creating = 0;
    progress(7);
    expect(d.importing.progress?.done).toBe(7);
  });

  it('turns a moved folder into the banner, and a folder chosen again into the project or a new look', async () => {
    const f = fakeEngine();
    const chosen: unknown[] = [];
    const project = { doc: doc([], { id: 'images', path: 'pets' } as never), setDataset: (c: unknown) => void chosen.push(c), creating: 0 };
    const d = new DatasetPreviewState(f.engine as never, project, 0);
    d.follow();
    await settle();
    const gone = { source: 'images', path: '/data/pets', missing: 'folder' as const, files: [] };
    f.of('dataset.preview')[0].fail(new EngineRequestError('data-missing', 'the folder /data/pets is gone', 'dataset.preview', gone));
    await settle();
    expect([d.missing, d.error, d.loading]).toEqual([gone, null, false]);
    d.chooseAgain('/data/new-pets', (p) => `path ${p}`);
    expect(chosen).toEqual([{ id: 'images', path: '/data/new-pets' }]);
    d.chooseAgain('pets', (p) => `path ${p}`); // put back where it was: looked at anew
    await settle();
    expect(f.of('dataset.preview')).toHaveLength(2);
    f.of('dataset.preview')[1].answer({ shape: [3, 8, 8] });
    await settle();
    expect(d.missing).toBeNull();
  });
});
