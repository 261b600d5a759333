/**
 * The real engine process driven through the protocol, as the renderer drives
 * it: catalog, validation, previews, training with streamed events,
 * pause/resume/stop, predict and inspect in both modes, projects, exports
 * confined to the engine's folder, a crash mid-training with resume from the
 * checkpoint, and malformed traffic.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineProcess } from '../../engine/host/node/engine-process.ts';
import { EngineRequestError } from '../../engine/host/client.ts';
import type { EngineEvent } from '../../engine/protocol.ts';

const dir = mkdtempSync(join(tmpdir(), 'dlab-engine-'));
const env = { DLAB_THREADS: '1' };
const MLP = {
  input_shape: [2],
  layers: [
    { kind: 'Linear', name: 'fc1', in_features: 2, out_features: 32 },
    { kind: 'ReLU', name: 'relu' },
    { kind: 'Dropout', name: 'dropout', p: 0.5 },
    { kind: 'Linear', name: 'fc2', in_features: 32, out_features: 2 },
  ],
};
const MOONS = { id: 'moons', samples: 400, seed: 0 } as const;

/** Collects events until `until` says stop; resolves with all of them. */
function collect(engine: EngineProcess, until: (e: EngineEvent, all: EngineEvent[]) => boolean): Promise<EngineEvent[]> {
  const all: EngineEvent[] = [];
  return new Promise((resolve) => {
    const off = engine.onEvent((e) => {
      all.push(e);
      if (until(e, all)) {
        off();
        resolve(all);
      }
    });
  });
}

const finished = (runId?: string) => (e: EngineEvent) => e.type === 'finished' && (runId === undefined || e.run_id === runId);

describe('engine process over the protocol', () => {
  let engine: EngineProcess;
  beforeAll(async () => {
    engine = new EngineProcess({ checkpointDir: join(dir, 'ckpt'), env });
    await engine.ready();
  });
  afterAll(() => engine.close());

  it('lists every layer kind with its arguments and every dataset', async () => {
    const c = await engine.request('catalog', {});
    const kinds = c.layers.map((l) => l.kind);
    expect(kinds).toEqual(expect.arrayContaining(['Linear', 'Conv2d', 'Dropout', 'Dropout2d', 'DropBlock2d', 'BatchNorm1d']));
    const dropout = c.layers.find((l) => l.kind === 'Dropout');
    expect(dropout?.category).toBe('Dropout family');
    expect(dropout?.args.find((a) => a.name === 'p')).toMatchObject({ type: 'float', default: 0.5, required: false });
    expect(c.layers.find((l) => l.kind === 'Linear')?.args.find((a) => a.name === 'in_features')?.required).toBe(true);
    expect(c.datasets.map((d) => d.id)).toEqual(expect.arrayContaining(['spiral', 'moons', 'mnist', 'idx', 'csv']));
  });

  it('validates specs: shapes and parameter counts, and per-layer errors with a fix', async () => {
    const ok = await engine.request('validate', { spec: MLP });
    expect(ok.ok).toBe(true);
    expect(ok.layers.map((l) => l.outputShape)).toEqual([[32], [32], [32], [2]]);
    expect(ok.totalParams).toBe(2 * 32 + 32 + 32 * 2 + 2);
    const bad = await engine.request('validate', { spec: { input_shape: [2], layers: [{ kind: 'Linear', name: 'fc1', in_features: 3, out_features: 4 }] } });
    expect(bad.ok).toBe(false);
    expect(bad.layers[0].error).toContain('set in_features to 2');
    // Blocks report their inner layers, with state_dict paths, through the protocol.
    const res = await engine.request('validate', { spec: { input_shape: [4], layers: [{ kind: 'Residual', name: 'res1', layers: [{ kind: 'Linear', in_features: 4, out_features: 4 }, { kind: 'ReLU' }] }] } });
    expect(res.ok).toBe(true);
    expect(res.layers[0].children?.map((l) => [l.path, l.outputShape, l.paramCount])).toEqual([['res1.0', [4], 20], ['res1.1', [4], 0]]);
  });

  it('previews datasets as points or images with class names and counts', async () => {
    const pts = await engine.request('dataset.preview', { dataset: MOONS, count: 10 });
    expect(pts).toMatchObject({ view: 'points', size: 400, input_shape: [2], class_names: expect.any(Array) });
    expect(pts.features.shape).toEqual([10, 2]);
    expect(pts.features.data).toBeInstanceOf(Float32Array);
    expect(pts.labels).toHaveLength(10);
    expect(pts.class_counts.reduce((a, b) => a + b, 0)).toBe(400);
    const img = await engine.request('dataset.preview', { dataset: { id: 'mnist' }, count: 4 });
    expect(img).toMatchObject({ view: 'image', input_shape: [1, 28, 28], class_names: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] });
    expect(img.features.data.length).toBe(4 * 784);
    expect(Math.max(...img.features.data)).toBeLessThanOrEqual(1);
  });

  it('trains with streamed step, progress, epoch and checkpoint events, then predicts and inspects in both modes', async () => {
    const events = collect(engine, (e) => finished()(e));
    const start = await engine.request('train.start', { spec: MLP, dataset: MOONS, settings: { epochs: 4, batch_size: 32, seed: 1, optimizer: { type: 'adam', lr: 0.01 } } });
    const all = await events;
    const mine = all.filter((e) => 'run_id' in e && e.run_id === start.run_id);
    expect(mine.filter((e) => e.type === 'epoch')).toHaveLength(4);
    expect(mine.filter((e) => e.type === 'checkpoint').map((e) => e.type === 'checkpoint' && e.epoch)).toEqual([1, 2, 3, 4]);
    // Every step's loss arrives once, in order, in paced batches that never straddle an epoch.
    const batches = mine.flatMap((e) => (e.type === 'steps' ? [e] : []));
    expect(batches.flatMap((b) => b.losses.map((_, i) => b.first_step + i))).toEqual(Array.from({ length: start.steps_total }, (_, i) => i + 1));
    const perEpoch = start.steps_total / 4;
    for (const b of batches) expect([Math.ceil(b.first_step / perEpoch), Math.ceil((b.first_step + b.losses.length - 1) / perEpoch)], `batch from step ${b.first_step}`).toEqual([b.epoch + 1, b.epoch + 1]);
    expect(batches.every((b) => b.losses.every(Number.isFinite))).toBe(true);
    const progress = mine.filter((e) => e.type === 'progress');
    expect(progress.at(-1)).toMatchObject({ fraction: 1, eta_s: 0 });
    expect(mine.filter((e) => e.type === 'state').map((e) => e.type === 'state' && e.state)).toEqual(['running', 'done']);
    const fin = mine.at(-1);
    expect(fin?.type === 'finished' && fin.status).toBe('done');
    expect(fin?.type === 'finished' && fin.test?.accuracy).toBeGreaterThan(0.7);

    const runs = await engine.request('runs.list', {});
    expect(runs.runs.find((r) => r.id === start.run_id)).toMatchObject({ status: 'done', epochs: 4, has_weights: true });
    const ev = await engine.request('evaluate', { run_id: start.run_id, split: 'test' });
    expect(ev.accuracy).toBe(fin?.type === 'finished' ? fin.test?.accuracy : NaN);

    const x = { tensor: { shape: [3, 2], data: Float32Array.from([0, 0.5, 1, -0.5, 2, 0.25]) } };
    const e1 = await engine.request('predict', { model: { run_id: start.run_id }, input: x, mode: 'eval' });
    const e2 = await engine.request('predict', { model: { run_id: start.run_id }, input: x, mode: 'eval', seed: 9 });
    expect(e1.output.shape).toEqual([3, 2]);
    expect([...e2.output.data]).toEqual([...e1.output.data]); // eval: dropout is the identity
    expect(e1.predicted).toHaveLength(3);
    const t1 = await engine.request('predict', { model: { run_id: start.run_id }, input: x, mode: 'train', seed: 1 });
    const t1again = await engine.request('predict', { model: { run_id: start.run_id }, input: x, mode: 'train', seed: 1 });
    const t2 = await engine.request('predict', { model: { run_id: start.run_id }, input: x, mode: 'train', seed: 2 });
    expect([...t1again.output.data]).toEqual([...t1.output.data]); // same seed, same mask
    expect([...t2.output.data]).not.toEqual([...t1.output.data]);
    expect([...t1.output.data]).not.toEqual([...e1.output.data]);

    const insTrain = await engine.request('inspect', { model: { run_id: start.run_id }, input: { dataset: MOONS, index: 0 }, mode: 'train', seed: 3 });
    expect(insTrain.layers.map((l) => l.name)).toEqual(['fc1', 'relu', 'dropout', 'fc2']);
    const drop = insTrain.layers[2];
    expect(drop.noise).toMatchObject({ kind: 'keep-mask', p: 0.5, scale: 2 });
    const mask = drop.noise!.mask.data;
    const relu = insTrain.layers[1].output.data;
    // inverted dropout: kept activations doubled, dropped ones zero
    for (let i = 0; i < mask.length; i++) expect(drop.output.data[i]).toBeCloseTo(mask[i] * relu[i] * 2, 5);
    expect(mask.some((m) => m === 0) && mask.some((m) => m === 1)).toBe(true);
    const insEval = await engine.request('inspect', { model: { run_id: start.run_id }, input: { dataset: MOONS, index: 0 }, mode: 'eval' });
    expect(insEval.layers[2].noise).toBeNull();
    expect(insEval.layers.map((l) => l.stochastic)).toEqual([false, false, true, false]);
    expect([...insEval.layers[2].output.data]).toEqual([...insEval.layers[1].output.data]);
  });

  it('inspects an untrained spec: the article example p = 0.5 scales survivors by 2', async () => {
    const spec = { input_shape: [4], layers: [{ kind: 'Dropout', name: 'drop', p: 0.5 }] };
    const x = { tensor: { shape: [1, 4], data: Float32Array.from([2, 4, 6, 8]) } };
    const r = await engine.request('inspect', { model: { spec, seed: 0 }, input: x, mode: 'train', seed: 5 });
    const m = r.layers[0].noise!.mask.data;
    expect([...r.layers[0].output.data]).toEqual([2, 4, 6, 8].map((v, i) => v * m[i] * 2));
    const e = await engine.request('inspect', { model: { spec, seed: 0 }, input: x, mode: 'eval' });
    expect([...e.layers[0].output.data]).toEqual([2, 4, 6, 8]);
  });

  it('names each inspected layer by its kind in the spec, not the class that runs it', async () => {
    const spec = { input_shape: [1, 4, 4], layers: [{ kind: 'MaxPool2d', name: 'pool1', kernel_size: 2 }, { kind: 'ReLU' }, { kind: 'AvgPool2d', kernel_size: 2 }] };
    const x = { tensor: { shape: [1, 1, 4, 4], data: new Float32Array(16) } };
    const r = await engine.request('inspect', { model: { spec, seed: 0 }, input: x, mode: 'eval' });
    expect(r.layers.map((l) => [l.name, l.kind])).toEqual([['pool1', 'MaxPool2d'], ['1', 'ReLU'], ['2', 'AvgPool2d']]);
  });

  it('inspects AlphaDropout: a keep-mask but no scale (kept values go through an affine map)', async () => {
    const spec = { input_shape: [4], layers: [{ kind: 'AlphaDropout', name: 'drop', p: 0.5 }] };
    const x = { tensor: { shape: [1, 4], data: Float32Array.from([2, 4, 6, 8]) } };
    const r = await engine.request('inspect', { model: { spec, seed: 0 }, input: x, mode: 'train', seed: 5 });
    expect(r.layers[0]).toMatchObject({ stochastic: true, noise: { kind: 'keep-mask', p: 0.5, scale: null } });
  });

  it('pauses, resumes and stops a run at step boundaries', async () => {
    const started = collect(engine, (e) => e.type === 'steps');
    const start = await engine.request('train.start', { spec: MLP, dataset: { ...MOONS, samples: 2000 }, settings: { epochs: 500, batch_size: 16, seed: 2 } });
    await started;
    const paused = collect(engine, (e) => e.type === 'state' && e.state === 'paused');
    expect((await engine.request('train.pause', {})).state).toBe('paused');
    await paused;
    // While paused nothing trains: no step events arrive across a full request round trip.
    const during: EngineEvent[] = [];
    const off = engine.onEvent((e) => during.push(e));
    await engine.request('runs.list', {});
    await new Promise((r) => setTimeout(r, 200));
    await engine.request('catalog', {});
    off();
    expect(during.filter((e) => e.type === 'steps' || e.type === 'progress')).toEqual([]);
    const more = collect(engine, (_e, all) => all.filter((x) => x.type === 'steps').length >= 3);
    expect((await engine.request('train.resume', {})).state).toBe('running');
    await more;
    const done = collect(engine, finished(start.run_id));
    await engine.request('train.stop', {});
    const end = (await done).at(-1);
    expect(end).toMatchObject({ type: 'finished', status: 'cancelled' });
    await expect(engine.request('train.pause', {})).rejects.toThrow(/nothing is training/);
  });

  it('refuses a second run while one trains, and bad settings with the field named', async () => {
    await expect(engine.request('train.start', { spec: MLP, dataset: MOONS, settings: { epochs: 0 } })).rejects.toThrow(/epochs/);
    const err = await engine.request('train.start', { spec: { input_shape: [2], layers: [{ kind: 'Linear', in_features: 5, out_features: 2 }] }, dataset: MOONS }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineRequestError);
    expect((err as EngineRequestError).code).toBe('bad-params');
  });

  it('creates, saves and reopens a project with its runs', async () => {
    const { doc } = await engine.request('project.new', { template: 'mlp', name: 'P' });
    const runs = await engine.request('runs.list', {});
    expect(runs.runs).toEqual([]);
    expect(doc.model.layers.map((l) => l.kind)).toEqual(['Linear', 'ReLU', 'Dropout', 'Linear']);
    // The spiral's few hundred points get the settings `dlab new` gives them: many short epochs, a larger step.
    expect(doc.training).toMatchObject({ epochs: 100, batch_size: 32, optimizer: { type: 'adam', lr: 0.01 } });
    const ev = collect(engine, (e) => e.type === 'finished');
    await engine.request('train.start', { spec: doc.model, dataset: doc.dataset, settings: { ...doc.training, epochs: 2 } });
    const fin = (await ev).at(-1);
    if (fin?.type !== 'finished') throw new Error('no finished event');
    const path = join(dir, 'p.dlab');
    // The engine recorded the run into its project (the finished event carries the record for the UI to show).
    if (!fin.run) throw new Error('a done run without its record');
    expect((await engine.request('project.current', {})).doc.runs).toEqual([fin.run]);
    const saved = await engine.request('project.save', { path });
    expect(saved.bytes).toBeGreaterThan(1000);
    await engine.request('project.new', {});
    const opened = await engine.request('project.open', { path });
    expect(opened.doc.runs.map((r) => r.id)).toEqual([fin.run_id]);
    const p = await engine.request('predict', { model: { run_id: fin.run_id }, input: { dataset: doc.dataset, index: 1 } });
    expect(p.output.shape).toEqual([1, doc.model.layers.at(-1)?.out_features]);
    await expect(engine.request('project.open', { path: join(dir, 'missing.dlab') })).rejects.toThrow(/no such file/);
  });

  it('answers 1,000 malformed messages with errors and stays alive', async () => {
    const samples: unknown[] = [
      null, 42, 'hello', [], [1, 2], true, {}, { id: 1 }, { type: 'catalog' }, { id: {}, type: 'catalog' },
      { id: 1, type: 7 }, { id: 1, type: 'nope' }, { id: 1, type: 'validate' }, { id: 1, type: 'validate', spec: 3 },
      { id: 1, type: 'validate', spec: { input_shape: [-1], layers: [] } }, { id: 1, type: 'predict', model: {}, input: {} },
      { id: 1, type: 'train.start', spec: {}, dataset: { id: 'nope' } }, { id: 1, type: 'dataset.preview', dataset: { id: 'spiral' }, count: 1e9 },
      { id: 1, type: 'project.open', path: '' }, { id: 1, type: 'inspect', model: { run_id: 'x' }, input: { tensor: { shape: [1], data: [1] } } },
      { id: 1.5, type: 'catalog' }, { id: '', type: 'catalog' }, { id: 'x'.repeat(100), type: 'catalog' }, { id: 1, type: '__proto__' },
      { id: 1, type: 'toString' }, { id: 1, type: 'constructor' }, { id: 1, type: 'evaluate', split: 'nope' }, { id: 1, type: 'train.pause' }, { id: 1, type: 'evaluate', run_id: 'no-such-run' },
    ];
    const seen: unknown[] = [];
    const ids = new Set<number>();
    for (let i = 0; i < 1000; i++) {
      const s = samples[i % samples.length];
      // give record-shaped samples fresh numeric ids so each reply can be matched
      const msg = typeof s === 'object' && s !== null && !Array.isArray(s) && 'id' in s && Number.isInteger((s as { id: unknown }).id) ? { ...s, id: 10_000 + i } : s;
      if (msg !== s) ids.add(10_000 + i);
      seen.push(msg);
    }
    const errors: { id: unknown; code: string }[] = [];
    const child = engine.child;
    const listener = (m: unknown) => {
      if (typeof m === 'object' && m !== null && (m as { type?: unknown }).type === 'error') errors.push({ id: (m as { id: unknown }).id, code: (m as { error: { code: string } }).error.code });
    };
    child.on('message', listener);
    for (const m of seen) engine.sendRaw(m);
    const alive = await engine.request('catalog', {}); // replies are in order: all 1,000 are answered by now
    child.off('message', listener);
    expect(alive.layers.length).toBeGreaterThan(10);
    expect(errors).toHaveLength(1000);
    for (const id of ids) expect(errors.some((e) => e.id === id)).toBe(true);
    expect(new Set(errors.map((e) => e.code))).toEqual(new Set(['bad-message', 'unknown-type', 'bad-params', 'not-found', 'failed']));
    expect(engine.child.pid).toBe(child.pid);
  });
});

describe('export over the protocol, confined to the folder the engine was started in', () => {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'dlab-export-root-')));
  let engine: EngineProcess;
  beforeAll(async () => {
    engine = new EngineProcess({ root, checkpointDir: join(dir, 'ckpt-export'), env });
    await engine.ready();
  });
  afterAll(() => engine.close());

  it('refuses before any run, then writes a run as PyTorch, ONNX and CSV into folders under the root', async () => {
    await expect(engine.request('export', { format: 'pytorch', dir: 'out' })).rejects.toMatchObject({ code: 'not-found', message: expect.stringMatching(/no trained runs/) });
    const done = collect(engine, finished());
    const start = await engine.request('train.start', { spec: MLP, dataset: MOONS, settings: { epochs: 2, seed: 6 } });
    await done;

    const pt = await engine.request('export', { format: 'pytorch', dir: 'exports/pt' });
    expect(pt.dir).toBe(join(root, 'exports', 'pt'));
    expect(pt.files.map((f) => f.slice(pt.dir.length + 1))).toEqual(expect.arrayContaining(['model.py', 'weights.safetensors', 'train.py', 'README.md']));
    for (const f of pt.files) expect(existsSync(f)).toBe(true);
    expect(readFileSync(join(pt.dir, 'model.py'), 'utf8')).toContain(start.run_id);

    const onnx = await engine.request('export', { run_id: start.run_id, format: 'onnx', dir: 'exports/onnx' });
    expect(onnx.files).toEqual([join(root, 'exports', 'onnx', 'model.onnx')]);

    const csv = await engine.request('export', { format: 'csv', dir: 'exports/csv' });
    const rows = readFileSync(join(csv.dir, `${start.run_id}.csv`), 'utf8').trim().split('\n');
    expect(rows[0]).toMatch(/^epoch,train_loss,/);
    expect(rows).toHaveLength(3);
  });

  it('refuses paths outside the root, folders that are files, and runs that do not exist', async () => {
    await expect(engine.request('export', { format: 'pytorch', dir: '../elsewhere' })).rejects.toMatchObject({ code: 'forbidden', message: expect.stringContaining('outside the folder') });
    await expect(engine.request('export', { format: 'pytorch', dir: join(tmpdir(), 'dlab-not-here') })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(engine.request('export', { run_id: 'run-nope', format: 'pytorch', dir: 'x' })).rejects.toMatchObject({ code: 'not-found', message: expect.stringContaining("no run 'run-nope'") });
    mkdirSync(join(root, 'taken'));
    await engine.request('export', { format: 'csv', dir: 'taken' }); // an existing folder is fine
    await expect(engine.request('export', { format: 'onnx', dir: 'taken/runs.csv' })).rejects.toThrow(/is not a folder/);
    expect(existsSync(join(root, '..', 'elsewhere'))).toBe(false);
  });

  it.each(['idx', 'csv', 'npz', 'images', 'cifar10', 'cifar100'] as const)('refuses a %s dataset path outside the root before reading it', async (id) => {
    await expect(engine.request('dataset.preview', { dataset: { id, path: '/etc' } })).rejects.toMatchObject({ code: 'forbidden', message: expect.stringContaining('outside the folder') });
  });
});

describe('engine crash mid-training', () => {
  it('is detected, a fresh engine starts, and the run resumes from its checkpoint with the same numbers', async () => {
    const settings = { epochs: 6, batch_size: 16, seed: 4, optimizer: { type: 'sgd', lr: 0.05, momentum: 0.9 } };
    const data = { ...MOONS, samples: 1200 };
    // The reference: the same run without a crash.
    const ref = new EngineProcess({ checkpointDir: join(dir, 'ckpt-ref'), env, restart: false });
    await ref.ready();
    const refDone = collect(ref, finished());
    await ref.request('train.start', { spec: MLP, dataset: data, settings });
    const refFin = (await refDone).at(-1);
    await ref.close();
    if (refFin?.type !== 'finished') throw new Error('reference run did not finish');

    const losses: { code: number | null; signal: string | null; restarted: boolean }[] = [];
    const engine = new EngineProcess({ checkpointDir: join(dir, 'ckpt-crash'), env, onLost: (i) => losses.push(i) });
    try {
      await engine.ready();
      const firstPid = engine.child.pid;
      const start = await engine.request('train.start', { spec: MLP, dataset: data, settings });
      // Kill it the moment the second checkpoint is on disk, while epoch 3 trains.
      await collect(engine, (e) => e.type === 'checkpoint' && e.epoch === 2);
      engine.child.kill('SIGKILL');
      await expect(engine.request('runs.list', {})).rejects.toThrow();
      await new Promise<void>((r) => {
        const t = setInterval(() => {
          if (losses.length > 0) {
            clearInterval(t);
            r();
          }
        }, 20);
      });
      expect(losses[0]).toMatchObject({ signal: 'SIGKILL', restarted: true });
      await engine.ready();
      expect(engine.child.pid).not.toBe(firstPid);

      const done = collect(engine, finished(start.run_id));
      const resumed = await engine.request('train.start', { spec: MLP, dataset: data, resume_run: start.run_id });
      expect(resumed.run_id).toBe(start.run_id);
      expect(resumed.resumed_from_epoch).toBeGreaterThanOrEqual(2);
      const fin = (await done).at(-1);
      if (fin?.type !== 'finished') throw new Error('resumed run did not finish');
      expect(fin.status).toBe('done');
      const run = fin.run!;
      const refRun = refFin.run!;
      expect(run.history.epochs).toHaveLength(6);
      // Same seed, same checkpointed state: the resumed run retraces the uninterrupted one.
      expect(run.history.step_losses).toEqual(refRun.history.step_losses);
      expect(fin.test).toEqual(refFin.test);
    } finally {
      await engine.close();
    }
  });
});
