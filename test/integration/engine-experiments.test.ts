/**
 * The experiments through the real engine process, as the compare view and
 * the editor will drive them: advice with fixes, a sweep with its streamed
 * runs and recommendation, cancelling a sweep, MC-dropout predictions, the
 * uncertainty grid over the decision-region frame and the most uncertain samples.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineProcess } from '../../engine/host/node/engine-process.ts';
import { EngineRequestError } from '../../engine/host/client.ts';
import type { EngineEvent } from '../../engine/protocol.ts';

const dir = mkdtempSync(join(tmpdir(), 'dlab-engine-exp-'));
const MLP = {
  input_shape: [2],
  layers: [
    { kind: 'Linear', name: 'fc1', in_features: 2, out_features: 32 },
    { kind: 'ReLU', name: 'relu' },
    { kind: 'Dropout', name: 'dropout', p: 0.5 },
    { kind: 'Linear', name: 'fc2', in_features: 32, out_features: 2 },
  ],
};
const MOONS = { id: 'moons', samples: 300, seed: 0 } as const;
const SETTINGS = { epochs: 3, batch_size: 32, optimizer: { type: 'adam', lr: 0.01 } };

function collect(engine: EngineProcess, until: (e: EngineEvent) => boolean): Promise<EngineEvent[]> {
  const all: EngineEvent[] = [];
  return new Promise((resolve) => {
    const off = engine.onEvent((e) => {
      all.push(e);
      if (until(e)) {
        off();
        resolve(all);
      }
    });
  });
}

describe('experiments over the protocol', () => {
  let engine: EngineProcess;
  beforeAll(async () => {
    engine = new EngineProcess({ checkpointDir: join(dir, 'ckpt'), env: { DLAB_THREADS: '1' } });
    await engine.ready();
  });
  afterAll(() => engine.close());

  it('advice: findings with the article heading and a fixed spec; the mode context adds the train-mode warning', async () => {
    const bad = { input_shape: [2], layers: [MLP.layers[0], { kind: 'BatchNorm1d', name: 'bn', num_features: 32 }, { kind: 'Dropout', name: 'drop', p: 0.3 }, { kind: 'ReLU' }, MLP.layers[3]] };
    const { findings } = await engine.request('advice', { spec: bad });
    expect(findings.map((f) => f.id)).toEqual(['dropout-after-batchnorm:drop']);
    expect(findings[0].article_section).toBe('§2.3 BatchNorm 层与 Dropout 的关系');
    const fixed = findings[0].fix!.spec;
    expect((await engine.request('advice', { spec: fixed })).findings).toEqual([]);
    expect((await engine.request('validate', { spec: fixed })).ok).toBe(true);
    const inTrain = await engine.request('advice', { spec: MLP, context: { mode: 'train', action: 'export' } });
    expect(inTrain.findings.map((f) => f.rule)).toEqual(['train-mode-action']);
  });

  let runIds: string[] = [];

  it('sweep.start trains in two workers and streams progress, one sweep-run per finished run with its record, and a recommendation', async () => {
    const done = collect(engine, (e) => e.type === 'sweep-finished');
    const start = await engine.request('sweep.start', { spec: MLP, dataset: MOONS, settings: SETTINGS, plan: { layers: ['dropout'], p: [0, 0.5], seeds: [0, 1] }, metric: 'val_accuracy', workers: 2 });
    expect(start).toMatchObject({ runs_total: 4, workers: 2 });
    const events = await done;
    // In finishing order, which two workers may swap.
    const runs = events.flatMap((e) => (e.type === 'sweep-run' ? [e] : [])).sort((a, b) => a.index - b.index);
    expect(runs.map((e) => [e.label, e.run.spec.layers[2].p, e.run.status, e.run.weights !== null])).toEqual([
      ['p=0 · seed 0', 0, 'done', true], ['p=0 · seed 1', 0, 'done', true], ['p=0.5 · seed 0', 0.5, 'done', true], ['p=0.5 · seed 1', 0.5, 'done', true],
    ]);
    expect(runs.every((e) => e.sweep_id === start.sweep_id && e.run.history.epochs.length === 3)).toBe(true);
    const progress = events.filter((e) => e.type === 'sweep-progress');
    expect(progress.length).toBeGreaterThan(4);
    const fin = events.at(-1)!;
    if (fin.type !== 'sweep-finished') throw new Error('no sweep-finished');
    expect(fin).toMatchObject({ status: 'done', runs: 4, error: null, recommendation: { metric: 'val_accuracy', at: 'best' } });
    expect(fin.recommendation!.table.map((t) => t.group)).toEqual(['p=0', 'p=0.5']);
    expect(fin.recommendation!.reasoning).toMatch(/validation accuracy/);
    runIds = runs.map((e) => e.run.id);
    const listed = (await engine.request('runs.list', {})).runs.map((r) => r.id);
    expect(listed).toEqual(expect.arrayContaining(runIds));
  }, 60_000);

  it('predict with mc: mean probabilities, std, entropy and mutual information per sample, reproducible by seed', async () => {
    const input = { tensor: { shape: [3, 2], data: Float32Array.from([0, 0.5, 1, -0.5, 2, 0.25]) } };
    const a = await engine.request('predict', { model: { run_id: runIds[3] }, input, mc: { passes: 20 }, seed: 3 });
    expect(a.mc).toBeDefined();
    const mc = a.mc!;
    expect(mc.mean.shape).toEqual([3, 2]);
    expect(mc.entropy!.shape).toEqual([3]);
    for (let i = 0; i < 3; i++) {
      expect(mc.mean.data[2 * i] + mc.mean.data[2 * i + 1]).toBeCloseTo(1, 5);
      expect(mc.mutual_information!.data[i]).toBeCloseTo(mc.entropy!.data[i] - mc.expected_entropy!.data[i], 5);
    }
    expect(a.output.data).toEqual(mc.mean.data);
    const b = await engine.request('predict', { model: { run_id: runIds[3] }, input, mc: { passes: 20 }, seed: 3 });
    expect(b.mc!.mean.data).toEqual(mc.mean.data);
    expect((await engine.request('predict', { model: { run_id: runIds[3] }, input })).mc).toBeUndefined();
    await expect(engine.request('predict', { model: { run_id: runIds[3] }, input, mc: { passes: 0 } })).rejects.toThrow(/mc\.passes/);
  });

  it('mc.grid: mean probabilities, entropy and MI over the same grid as the results boundary', async () => {
    const g = await engine.request('mc.grid', { run_id: runIds[3], grid: 12, passes: 8 });
    const r = await engine.request('results', { run_id: runIds[3], grid: 12 });
    expect([g.x_min, g.x_max, g.y_min, g.y_max, g.size]).toEqual([r.boundary!.x_min, r.boundary!.x_max, r.boundary!.y_min, r.boundary!.y_max, 12]);
    expect(g.mean.shape).toEqual([12, 12, 2]);
    expect(g.entropy.shape).toEqual([12, 12]);
    expect(g.mutual_information.data.every((v, i) => v >= 0 && v <= g.entropy.data[i] + 1e-6)).toBe(true);
    expect(Math.max(...g.mutual_information.data)).toBeGreaterThan(0); // p = 0.5: the masks disagree somewhere
    expect(g.points.shape).toEqual(r.boundary!.points.shape);
  });

  it('mc.samples: the most uncertain samples of a split by mutual information, with their inputs', async () => {
    const m = await engine.request('mc.samples', { run_id: runIds[3], passes: 10, samples: 5 });
    expect(m.samples).toHaveLength(5);
    expect(m.inputs.shape).toEqual([5, 2]);
    const mi = m.samples.map((s) => s.mutual_information);
    expect(mi).toEqual([...mi].sort((a, b) => b - a));
    expect(m.samples.every((s) => s.entropy >= s.mutual_information && s.predicted === s.probs.indexOf(Math.max(...s.probs)))).toBe(true);
    expect(m.class_names).toHaveLength(2);
  });

  it('MC-dropout reports progress with an ETA, runs one at a time, and mc.cancel stops it; the next job is unaffected', async () => {
    const before = await engine.request('mc.samples', { run_id: runIds[3], passes: 10, samples: 5 });
    expect(await engine.request('mc.cancel', {})).toEqual({ state: 'idle' });
    const progress = collect(engine, (e) => e.type === 'mc-progress');
    // 40,000 grid cells × 1,000 passes: far longer than the cancel takes to arrive.
    const long = engine.request('mc.grid', { run_id: runIds[3], grid: 200, passes: 1000 });
    const first = (await progress).at(-1)!;
    if (first.type !== 'mc-progress') throw new Error('expected mc-progress');
    expect(first.fraction).toBeGreaterThan(0);
    expect(first.fraction).toBeLessThan(1);
    expect(first.eta_s).toBeGreaterThan(0);
    await expect(engine.request('mc.samples', { run_id: runIds[3], passes: 10, samples: 5 })).rejects.toMatchObject({ code: 'busy' });
    expect(await engine.request('mc.cancel', {})).toEqual({ state: 'cancelling' });
    await expect(long).rejects.toMatchObject({ code: 'cancelled', message: expect.stringMatching(/cancelled/) });
    // The cancelled job left the model's random stream and modes as they were: the same request gives the same answer.
    expect(await engine.request('mc.samples', { run_id: runIds[3], passes: 10, samples: 5 })).toEqual(before);
  });

  it('sweep.cancel drops the runs in progress at once, keeps the finished ones; training waits for the sweep', async () => {
    const firstRun = collect(engine, (e) => e.type === 'sweep-run');
    const done = collect(engine, (e) => e.type === 'sweep-finished');
    const start = await engine.request('sweep.start', { spec: MLP, dataset: MOONS, settings: { ...SETTINGS, epochs: 200 }, plan: { layers: ['dropout'], p: [0, 0.2, 0.4], seeds: [0, 1, 2] } });
    await expect(engine.request('train.start', { spec: MLP, dataset: MOONS, settings: SETTINGS })).rejects.toThrow(/sweep .* is running; cancel it first/);
    await expect(engine.request('sweep.start', { spec: MLP, dataset: MOONS, plan: { layers: ['dropout'] } })).rejects.toBeInstanceOf(EngineRequestError);
    await firstRun;
    const t0 = performance.now();
    expect(await engine.request('sweep.cancel', {})).toEqual({ state: 'cancelling' });
    const fin = (await done).at(-1)!;
    expect(performance.now() - t0).toBeLessThan(2000); // not the 200 epochs of the runs in progress
    expect(fin).toMatchObject({ type: 'sweep-finished', sweep_id: start.sweep_id, status: 'cancelled' });
    if (fin.type !== 'sweep-finished') return;
    expect(fin.runs).toBeGreaterThanOrEqual(1);
    expect(fin.runs).toBeLessThan(9);
    await expect(engine.request('sweep.cancel', {})).rejects.toThrow(/no sweep is running/);
  }, 60_000);

  it('refuses a plan that names a layer the model lacks, saying which it has', async () => {
    await expect(engine.request('sweep.start', { spec: MLP, dataset: MOONS, plan: { layers: ['drop'] } })).rejects.toThrow(/no layer 'drop' in the model; its dropout layers are 'dropout' \(Dropout\)/);
  });
});
