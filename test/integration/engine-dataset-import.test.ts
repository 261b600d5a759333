/**
 * Importing an image folder through the real engine process: progress events
 * with an ETA while it decodes, a dataset.cancel that fails the pending
 * preview with 'cancelled', the skipped files in the preview, and a second
 * preview served from the engine's cache (no progress, no decoding); a run's
 * results, evaluate and MC-dropout, and predict and inspect on one of its
 * samples, in an engine that has not loaded its folder import it the same way; a
 * project whose folder moved opens whole and names the folder it misses.
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineProcess } from '../../engine/host/node/engine-process.ts';
import type { EngineEvent } from '../../engine/protocol.ts';
import { writeColourFolder } from '../engine/data/image-folder-fixture.ts';

const root = mkdtempSync(join(tmpdir(), 'dlab-import-'));
const COLOURS: Record<string, [number, number, number]> = { red: [220, 30, 30], green: [30, 200, 40], blue: [30, 40, 220] };

type DatasetProgress = Extract<EngineEvent, { type: 'dataset-progress' }>;

/** An engine that has loaded nothing yet, with the events it sends and the import progress among them. */
function freshEngine(checkpoints: string) {
  const fresh = new EngineProcess({ root, checkpointDir: join(root, checkpoints), env: { DLAB_THREADS: '1' } });
  const seen: EngineEvent[] = [];
  fresh.onEvent((e) => seen.push(e));
  const imported = () => seen.filter((e): e is DatasetProgress => e.type === 'dataset-progress');
  return { fresh, seen, imported };
}

/** Each ask imports the large folder with progress (not answered in one blocking read first), and dataset.cancel fails it as cancelled part-way. */
async function expectEachImportsAndCancels(fresh: EngineProcess, asks: Record<string, () => Promise<unknown>>, seen: EngineEvent[], imported: () => DatasetProgress[]): Promise<void> {
  for (const [type, ask] of Object.entries(asks)) {
    seen.length = 0;
    const pending = ask().then(() => null, (e: unknown) => e);
    const importing = new Promise<string>((resolve) => {
      const off = fresh.onEvent((e) => {
        if (e.type === 'dataset-progress') (off(), resolve('importing'));
      });
    });
    expect(await Promise.race([importing, pending.then(() => 'answered')]), type).toBe('importing');
    expect(await fresh.request('dataset.cancel', {}), type).toEqual({ state: 'cancelling' });
    expect(await pending, type).toMatchObject({ code: 'cancelled', message: expect.stringContaining(`import of ${join(root, 'large')} cancelled`) });
    expect(imported().at(-1)!.done, type).toBeLessThan(4500);
  }
}

describe('dataset import over the protocol', () => {
  let engine: EngineProcess;
  /** The project and run trained on the large folder (the results test makes them; the MC-dropout one reads them). */
  let largeRun: { path: string; runId: string } | null = null;
  const events: EngineEvent[] = [];
  beforeAll(async () => {
    writeColourFolder(join(root, 'small'), COLOURS, 150, 24);
    writeFileSync(join(root, 'small', 'red', 'broken.png'), 'not a png');
    writeColourFolder(join(root, 'large'), COLOURS, 1500, 24);
    engine = new EngineProcess({ root, checkpointDir: join(root, 'ckpt'), env: { DLAB_THREADS: '1' } });
    await engine.ready();
    engine.onEvent((e) => events.push(e));
  }, 120_000);
  afterAll(() => engine.close());

  const progress = () => events.filter((e): e is Extract<EngineEvent, { type: 'dataset-progress' }> => e.type === 'dataset-progress');

  it('sends progress with done/total and an ETA while a folder imports, then previews it with its skipped files', async () => {
    events.length = 0;
    const p = await engine.request('dataset.preview', { dataset: { id: 'images', path: join(root, 'small'), size: 16 }, count: 12 });
    const seen = progress();
    expect(seen.length).toBeGreaterThan(0);
    const last = seen[seen.length - 1];
    expect(last.total).toBe(451);
    expect(last.done).toBe(451);
    expect(last.fraction).toBe(1);
    expect(seen.some((e) => e.eta_s !== null && e.eta_s >= 0)).toBe(true);
    expect(p.class_names).toEqual(['blue', 'green', 'red']);
    expect(p.class_counts).toEqual([150, 150, 150]);
    expect(p.input_shape).toEqual([3, 16, 16]);
    // A few pictures of each class, not the first class's only.
    expect(p.labels).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]);
    expect(p.features.shape).toEqual([12, 3, 16, 16]);
    expect(p.skipped_total).toBe(1);
    expect(p.skipped[0].path).toContain('broken.png');
    expect(p.skipped[0].reason.length).toBeGreaterThan(0);
  }, 60_000);

  it('previews the same folder again from the cache: no progress, the same answer', async () => {
    events.length = 0;
    const t0 = performance.now();
    const p = await engine.request('dataset.preview', { dataset: { id: 'images', path: join(root, 'small'), size: 16 }, count: 12 });
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(progress()).toEqual([]);
    expect(p.class_counts).toEqual([150, 150, 150]);
  });

  it('cancels an import in progress: the preview fails with cancelled, the engine answers again, and nothing is cached', async () => {
    events.length = 0;
    const pending = engine.request('dataset.preview', { dataset: { id: 'images', path: join(root, 'large'), size: 16 }, count: 4 });
    const failed = pending.then(() => null, (e: unknown) => e);
    await new Promise<void>((resolve) => {
      const off = engine.onEvent((e) => {
        if (e.type === 'dataset-progress') (off(), resolve());
      });
    });
    expect(await engine.request('dataset.cancel', {})).toEqual({ state: 'cancelling' });
    expect(await failed).toMatchObject({ code: 'cancelled' });
    const beforeDone = progress().at(-1);
    expect(beforeDone && beforeDone.done < beforeDone.total).toBe(true);
    expect(await engine.request('dataset.cancel', {})).toEqual({ state: 'idle' });
    // Not cached: the next preview imports again (progress from the start).
    events.length = 0;
    const again = engine.request('dataset.preview', { dataset: { id: 'images', path: join(root, 'large'), size: 16 }, count: 4 });
    const ok = again.then(() => null, (e: unknown) => e);
    await new Promise<void>((resolve) => {
      const off = engine.onEvent((e) => {
        if (e.type === 'dataset-progress') (off(), resolve());
      });
    });
    await engine.request('dataset.cancel', {});
    expect(await ok).toMatchObject({ code: 'cancelled' });
    expect(progress().length).toBeGreaterThan(0);
  }, 120_000);

  it('joins an import in progress when the same data is asked for again (one import, both answered)', async () => {
    events.length = 0;
    const dataset = { id: 'images', path: join(root, 'large'), size: 12 } as const;
    const [a, b] = await Promise.all([
      engine.request('dataset.preview', { dataset, count: 3 }),
      new Promise((r) => setTimeout(r, 100)).then(() => engine.request('dataset.preview', { dataset, count: 6 })),
    ]);
    expect(a.class_counts).toEqual([1500, 1500, 1500]);
    expect(b.labels).toEqual([0, 0, 1, 1, 2, 2]);
    // One pass over the files: progress only climbs, and ends once at the total.
    const done = progress().map((e) => e.done);
    expect(done).toEqual([...done].sort((x, y) => x - y));
    expect(done.filter((d) => d === 4500)).toHaveLength(1);
  }, 120_000);

  it('lets a newer preview take over from an import in progress: the older one fails with cancelled', async () => {
    const older = engine.request('dataset.preview', { dataset: { id: 'images', path: join(root, 'large'), size: 16 }, count: 4 }).then(() => null, (e: unknown) => e);
    await new Promise<void>((resolve) => {
      const off = engine.onEvent((e) => {
        if (e.type === 'dataset-progress') (off(), resolve());
      });
    });
    const newer = await engine.request('dataset.preview', { dataset: { id: 'images', path: join(root, 'small'), size: 8, gray: true }, count: 3 });
    expect(await older).toMatchObject({ code: 'cancelled' });
    expect(newer.input_shape).toEqual([1, 8, 8]);
    expect(newer.labels).toEqual([0, 1, 2]);
  }, 120_000);

  it('imports the folder of a sweep with progress before the sweep starts, and cancels it there', async () => {
    events.length = 0;
    const spec = { input_shape: [3, 10, 10], layers: [{ kind: 'Flatten' }, { kind: 'Dropout', name: 'dropout', p: 0.5 }, { kind: 'Linear', in_features: 300, out_features: 3 }] };
    const sweep = engine.request('sweep.start', { spec, dataset: { id: 'images', path: join(root, 'large'), size: 10 }, plan: { layers: ['dropout'], p: [0, 0.5], seeds: [0] } }).then(() => null, (e: unknown) => e);
    await new Promise<void>((resolve) => {
      const off = engine.onEvent((e) => {
        if (e.type === 'dataset-progress') (off(), resolve());
      });
    });
    await engine.request('dataset.cancel', {});
    expect(await sweep).toMatchObject({ code: 'cancelled' });
    expect(progress().at(-1)).toMatchObject({ source: join(root, 'large'), total: 4500 });
  }, 120_000);

  /** The next `finished` event. */
  const finishedRun = () => new Promise<Extract<EngineEvent, { type: 'finished' }>>((resolve) => {
    const off = engine.onEvent((e) => {
      if (e.type === 'finished') (off(), resolve(e));
    });
  });

  it('opens a project whose image folder moved with its model, settings, runs and weights, names the folder, and trains once it is chosen again', async () => {
    const folder = writeColourFolder(join(root, 'pets'), COLOURS, 12, 16);
    events.length = 0;
    // project.new imports the folder as previews do: with progress, not in one blocking step.
    const { doc } = await engine.request('project.new', { template: 'cnn', dataset: { id: 'images', path: folder, size: 16 } });
    expect(progress().at(-1)).toMatchObject({ source: folder, done: 36, total: 36 });
    expect(doc.model.input_shape).toEqual([3, 16, 16]);
    const ran = finishedRun();
    await engine.request('train.start', { spec: doc.model, dataset: doc.dataset, settings: { ...doc.training, epochs: 1, batch_size: 8 } });
    const fin = await ran;
    expect(fin.status).toBe('done');
    const run = fin.run!;
    const path = join(root, 'pets.dlab');
    await engine.request('project.save', { path }); // the engine's document, with the run it recorded

    const moved = join(root, 'pets-moved');
    renameSync(folder, moved);
    const opened = await engine.request('project.open', { path });
    expect(opened.data_missing).toEqual({ source: 'images', path: folder, missing: 'folder', files: [] });
    expect(opened.doc.model).toEqual(doc.model);
    expect(opened.doc.training).toEqual(doc.training);
    expect(opened.doc.dataset).toEqual(doc.dataset);
    expect(opened.doc.runs.map((r) => [r.id, r.weights?.crc32, r.history.epochs.length])).toEqual([[run.id, run.weights!.crc32, 1]]);
    expect((await engine.request('runs.list', {})).runs).toMatchObject([{ id: run.id, has_weights: true }]);

    // Reading the data says the same, as a typed error naming the folder.
    for (const ask of [
      () => engine.request('dataset.preview', { dataset: doc.dataset, count: 4 }),
      () => engine.request('train.start', { spec: doc.model, dataset: doc.dataset, settings: { ...doc.training, epochs: 1 } }),
    ]) {
      const err = await ask().then(() => null, (e: unknown) => e);
      expect(err).toMatchObject({ code: 'data-missing', dataMissing: { source: 'images', path: folder, missing: 'folder' } });
      expect((err as Error).message).toContain(`${folder}: no such folder; it may have been moved or renamed`);
    }

    // Chosen again: previews, trains, and the project saves and reopens with nothing missing and its first run kept.
    const again = { ...doc.dataset, path: moved };
    expect((await engine.request('dataset.preview', { dataset: again, count: 3 })).class_counts).toEqual([12, 12, 12]);
    const ran2 = finishedRun();
    await engine.request('train.start', { spec: doc.model, dataset: again, settings: { ...doc.training, epochs: 1, batch_size: 8 } });
    const fin2 = await ran2;
    expect(fin2.status).toBe('done');
    await engine.request('project.edit', { dataset: again });
    await engine.request('project.save', { path });
    const reopened = await engine.request('project.open', { path });
    expect(reopened.data_missing).toBeNull();
    expect((await engine.request('runs.list', {})).runs.map((r) => [r.id, r.has_weights])).toEqual([[run.id, true], [fin2.run_id, true]]);
  }, 180_000);

  it('imports a run’s folder with progress when its results are asked of an engine that has not loaded it, and cancels it there', async () => {
    const dataset = { id: 'images', path: join(root, 'large'), size: 8 } as const;
    const spec = { input_shape: [3, 8, 8], layers: [{ kind: 'Flatten' }, { kind: 'Linear', in_features: 192, out_features: 3 }] };
    const ran = finishedRun();
    await engine.request('train.start', { spec, dataset, settings: { epochs: 1, batch_size: 64 } });
    const fin = await ran;
    expect(fin.status).toBe('done');
    const path = join(root, 'large.dlab');
    await engine.request('project.save', { path });
    largeRun = { path, runId: fin.run_id };

    // Its own checkpoint folder: the decoded pictures cached beside the first engine's are not there.
    const { fresh, seen, imported } = freshEngine('ckpt-fresh');
    try {
      await fresh.ready();
      await fresh.request('project.open', { path });
      const ask = () => fresh.request('results', { run_id: fin.run_id, split: 'test', samples: 4, grid: 20 });
      await expectEachImportsAndCancels(fresh, { results: ask }, seen, imported);
      seen.length = 0;
      const answer = await ask();
      expect(answer.class_names).toEqual(['blue', 'green', 'red']);
      expect(imported().at(-1)).toMatchObject({ source: dataset.path, done: 4500, total: 4500 });
    } finally {
      await fresh.close();
    }
  }, 180_000);

  it('imports a run’s folder with progress for evaluate and MC-dropout asked of an engine that has not loaded it, and cancels it there', async () => {
    expect(largeRun).not.toBeNull();
    const { path, runId } = largeRun!;
    const { fresh, seen, imported } = freshEngine('ckpt-fresh-mc');
    try {
      await fresh.ready();
      await fresh.request('project.open', { path });
      const asks = {
        evaluate: () => fresh.request('evaluate', { run_id: runId, split: 'test' }),
        'mc.samples': () => fresh.request('mc.samples', { run_id: runId, split: 'test', passes: 2, samples: 3, by: 'entropy' }),
      };
      await expectEachImportsAndCancels(fresh, asks, seen, imported);
      seen.length = 0;
      const mc = await asks['mc.samples']();
      expect(mc.samples).toHaveLength(3);
      expect(imported().at(-1)).toMatchObject({ source: join(root, 'large'), done: 4500, total: 4500 });
      expect(imported().some((e) => e.eta_s !== null && e.eta_s > 0)).toBe(true);
      // Imported once: evaluate reads it from the cache.
      seen.length = 0;
      expect((await asks.evaluate()).samples).toBe(mc.size);
      expect(imported()).toEqual([]);
    } finally {
      await fresh.close();
    }
  }, 240_000);

  it('imports a sample’s folder with progress for predict (with and without MC-dropout) and inspect asked of an engine that has not loaded it, and cancels it there', async () => {
    expect(largeRun).not.toBeNull();
    const { path, runId } = largeRun!;
    const { fresh, seen, imported } = freshEngine('ckpt-fresh-sample');
    try {
      await fresh.ready();
      await fresh.request('project.open', { path });
      // As the Train/Eval view asks: one sample of the run's dataset.
      const input = { dataset: { id: 'images', path: join(root, 'large'), size: 8 }, index: 7 } as const;
      const model = { run_id: runId };
      const asks = {
        predict: () => fresh.request('predict', { model, input, mode: 'eval' }),
        'predict with mc': () => fresh.request('predict', { model, input, mc: { passes: 3 } }),
        inspect: () => fresh.request('inspect', { model, input, mode: 'train', seed: 1 }),
        // A tensor input needs no dataset, but MC-dropout reads the run's to know its task.
        'predict with mc on a tensor': () => fresh.request('predict', { model, input: { tensor: { shape: [1, 3, 8, 8], data: new Float32Array(192).fill(0.5) } }, mc: { passes: 3 } }),
      };
      await expectEachImportsAndCancels(fresh, asks, seen, imported);
      seen.length = 0;
      const trace = await asks.inspect();
      expect(imported().at(-1)).toMatchObject({ source: join(root, 'large'), done: 4500, total: 4500 });
      expect(imported().some((e) => e.eta_s !== null && e.eta_s > 0)).toBe(true);
      expect(trace.input.shape).toEqual([1, 3, 8, 8]);
      expect(trace.layers.map((l) => [l.kind, l.output.shape])).toEqual([['Flatten', [1, 192]], ['Linear', [1, 3]]]);
      // Imported once: the others read it from the cache, and answer about the same sample.
      seen.length = 0;
      const eval1 = await asks.predict();
      expect(eval1.output.data).toEqual(trace.layers[1].output.data); // no dropout: train and eval agree
      expect((await asks['predict with mc']()).mc).toMatchObject({ passes: 3, task: 'classification', mean: { shape: [1, 3] } });
      expect((await asks['predict with mc on a tensor']()).predicted).toHaveLength(1);
      expect(imported()).toEqual([]);
    } finally {
      await fresh.close();
    }
  }, 240_000);

  it('says which files a folder that changed no longer holds', async () => {
    const folder = join(root, 'emptied');
    writeColourFolder(folder, COLOURS, 2, 8);
    for (const c of Object.keys(COLOURS)) rmSync(join(folder, c), { recursive: true });
    mkdirSync(join(folder, 'notes'));
    const err = await engine.request('dataset.preview', { dataset: { id: 'images', path: folder }, count: 4 }).then(() => null, (e: unknown) => e);
    expect(err).toMatchObject({ code: 'data-missing', dataMissing: { source: 'images', path: folder, missing: 'contents', files: ['class folders of PNG or JPEG pictures'] } });
    const cifar = await engine.request('dataset.preview', { dataset: { id: 'cifar10', path: folder }, count: 4 }).then(() => null, (e: unknown) => e);
    expect(cifar).toMatchObject({ code: 'data-missing', dataMissing: { source: 'cifar10', path: folder, missing: 'contents', files: ['data_batch_1.bin … data_batch_5.bin'] } });
    const file = await engine.request('dataset.preview', { dataset: { id: 'csv', path: folder }, count: 4 }).then(() => null, (e: unknown) => e);
    expect(file).toMatchObject({ code: 'data-missing', dataMissing: { source: 'csv', path: folder, missing: 'file' } });
  });
});
