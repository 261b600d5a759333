/**
 * The `results` request through the real engine process: the confusion matrix,
 * the examples (confident mistakes first) and the decision regions agree with
 * `evaluate` and `predict` on the same run, and images come back raw.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineProcess } from '../../../engine/host/node/engine-process.ts';
import type { EngineEvent, ParamsOf, ResultOf } from '../../../engine/protocol.ts';

const SPIRAL = { id: 'spiral', samples: 600, classes: 3, seed: 0 } as const;
const MLP = {
  input_shape: [2],
  layers: [
    { kind: 'Linear', in_features: 2, out_features: 32 },
    { kind: 'ReLU' },
    { kind: 'Dropout', p: 0.2 },
    { kind: 'Linear', in_features: 32, out_features: 3 },
  ],
};

const softmax = (z: ArrayLike<number>) => {
  const m = Math.max(...Array.from(z));
  const e = Array.from(z, (v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
};
const argmax = (v: readonly number[]) => v.indexOf(Math.max(...v));

describe('results over the protocol', () => {
  let engine: EngineProcess;
  beforeAll(async () => {
    engine = new EngineProcess({ checkpointDir: mkdtempSync(join(tmpdir(), 'dlab-results-')), env: { DLAB_THREADS: '1' } });
    await engine.ready();
  });
  afterAll(() => engine.close());

  async function train(p: ParamsOf<'train.start'>): Promise<string> {
    const done = new Promise<EngineEvent>((resolve) => {
      const off = engine.onEvent((e) => e.type === 'finished' && (off(), resolve(e)));
    });
    const { run_id } = await engine.request('train.start', p);
    const fin = await done;
    if (fin.type !== 'finished' || fin.status !== 'done') throw new Error(`run ${run_id} did not finish: ${JSON.stringify(fin)}`);
    return run_id;
  }

  describe('a classifier on 2-D points', () => {
    let run: string;
    let test: ResultOf<'results'>;
    let trainRes: ResultOf<'results'>;
    beforeAll(async () => {
      run = await train({ spec: MLP, dataset: SPIRAL, settings: { epochs: 4, batch_size: 32, seed: 3, optimizer: { type: 'adam', lr: 0.01 } } });
      test = await engine.request('results', { run_id: run, split: 'test', samples: 256, grid: 20 });
      trainRes = await engine.request('results', { run_id: run, split: 'train', samples: 256, grid: 20 });
    });

    it('counts every sample of the split once in the confusion matrix, and its diagonal is the accuracy evaluate reports', async () => {
      const ev = await engine.request('evaluate', { run_id: run, split: 'test' });
      expect(test).toMatchObject({ run_id: run, split: 'test', task: 'classification', size: ev.samples });
      expect(test.class_names).toHaveLength(3);
      expect(test.confusion.map((r) => r.length)).toEqual([3, 3, 3]);
      const total = test.confusion.flat().reduce((a, b) => a + b, 0);
      const diagonal = test.confusion.reduce((a, r, i) => a + r[i], 0);
      expect(total).toBe(ev.samples);
      expect(test.accuracy).toBeCloseTo(diagonal / total, 12);
      expect(test.accuracy).toBeCloseTo(ev.accuracy!, 12);
      expect(test.loss).toBeCloseTo(ev.loss, 5);
      // Few epochs on a spiral: some mistakes to look at.
      expect(diagonal).toBeLessThan(total);
    });

    it('lists confident mistakes first, then correct predictions, each predicted = argmax(probs)', () => {
      const s = test.samples;
      expect(s).toHaveLength(test.size); // 256 asked, the whole split given
      const wrong = s.map((x) => x.predicted !== x.label);
      const firstRight = wrong.indexOf(false);
      expect(firstRight).toBeGreaterThan(0);
      expect(wrong.slice(firstRight).every((w) => !w)).toBe(true);
      expect(firstRight).toBe(test.size - test.confusion.reduce((a, r, i) => a + r[i], 0));
      for (let i = 1; i < firstRight; i++) expect(s[i].confidence!).toBeLessThanOrEqual(s[i - 1].confidence!);
      for (const x of s) {
        expect(x.predicted).toBe(argmax(x.probs));
        expect(x.confidence).toBe(x.probs[x.predicted]);
        expect(x.probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      }
      expect(new Set(s.map((x) => x.index)).size).toBe(s.length);
      // Rows are true classes, columns predictions: the matrix tallied from the examples.
      const tally = test.class_names.map(() => test.class_names.map(() => 0));
      for (const x of s) tally[x.label][x.predicted]++;
      expect(test.confusion).toEqual(tally);
      expect(test.inputs.shape).toEqual([s.length, 2]);
    });

    it('gives each sample its raw inputs and label, the ones the overlay points hold', () => {
      const b = trainRes.boundary!;
      for (const [n, x] of trainRes.samples.entries()) {
        expect(x.label).toBe(b.point_labels[x.index]);
        expect([trainRes.inputs.data[2 * n], trainRes.inputs.data[2 * n + 1]]).toEqual([b.points.data[2 * x.index], b.points.data[2 * x.index + 1]]);
      }
    });

    it('predicts each sample as predict does from its raw inputs (the run normalises both)', async () => {
      const some = trainRes.samples.slice(0, 12);
      const inputs = { shape: [some.length, 2], data: trainRes.inputs.data.slice(0, some.length * 2) };
      const p = await engine.request('predict', { model: { run_id: run }, input: { tensor: inputs } });
      expect(p.predicted).toEqual(some.map((x) => x.predicted));
      some.forEach((x, n) => softmax(p.output.data.subarray(3 * n, 3 * n + 3)).forEach((q, k) => expect(x.probs[k]).toBeCloseTo(q, 5)));
    });

    it('covers the data with a grid of class probabilities that sum to 1', () => {
      const b = test.boundary!;
      expect(b.size).toBe(20);
      expect(b.probs.shape).toEqual([20, 20, 3]);
      for (let c = 0; c < 400; c++) expect(b.probs.data[3 * c] + b.probs.data[3 * c + 1] + b.probs.data[3 * c + 2]).toBeCloseTo(1, 5);
      const xs = Array.from({ length: b.points.shape[0] }, (_, i) => b.points.data[2 * i]);
      const ys = Array.from({ length: b.points.shape[0] }, (_, i) => b.points.data[2 * i + 1]);
      expect(b.points.shape).toEqual([test.size, 2]);
      expect(b.point_labels).toHaveLength(test.size);
      // 10% margin around the data; every split shares the frame of the whole dataset.
      expect(b.x_min).toBeLessThan(Math.min(...xs));
      expect(b.x_max).toBeGreaterThan(Math.max(...xs));
      expect(b.y_min).toBeLessThan(Math.min(...ys));
      expect(b.y_max).toBeGreaterThan(Math.max(...ys));
      expect([b.x_min, b.x_max, b.y_min, b.y_max]).toEqual([trainRes.boundary!.x_min, trainRes.boundary!.x_max, trainRes.boundary!.y_min, trainRes.boundary!.y_max]);
    });

    it('draws the regions where predict puts them: row 0 at y_min, column 0 at x_min', async () => {
      const b = trainRes.boundary!;
      const n = b.size;
      const cellOf = (x: number, y: number) => [Math.floor(((y - b.y_min) / (b.y_max - b.y_min)) * n), Math.floor(((x - b.x_min) / (b.x_max - b.x_min)) * n)];
      const centre = (row: number, col: number) => [b.x_min + ((col + 0.5) * (b.x_max - b.x_min)) / n, b.y_min + ((row + 0.5) * (b.y_max - b.y_min)) / n];
      const cellProbs = (row: number, col: number) => Array.from(b.probs.data.subarray((row * n + col) * 3, (row * n + col + 1) * 3));
      // The grid's probabilities are predict's at the cell centres, exactly up to float error.
      const cells = [[0, 0], [0, n - 1], [n - 1, 0], [7, 12], [12, 7], ...Array.from({ length: 6 }, (_, i) => cellOf(b.points.data[2 * i], b.points.data[2 * i + 1]))];
      const at = await engine.request('predict', { model: { run_id: run }, input: { tensor: { shape: [cells.length, 2], data: Float32Array.from(cells.flatMap(([r, c]) => centre(r, c))) } } });
      cells.forEach(([r, c], i) => softmax(at.output.data.subarray(3 * i, 3 * i + 3)).forEach((q, k) => expect(cellProbs(r, c)[k]).toBeCloseTo(q, 5)));
      // And a training point's cell mostly predicts the point's own class (not all: cells are coarse near the boundary).
      const m = b.points.shape[0];
      const own = await engine.request('predict', { model: { run_id: run }, input: { tensor: b.points } });
      let agree = 0;
      for (let i = 0; i < m; i++) {
        const [r, c] = cellOf(b.points.data[2 * i], b.points.data[2 * i + 1]);
        if (argmax(cellProbs(r, c)) === own.predicted![i]) agree++;
      }
      expect(agree / m).toBeGreaterThan(0.85);
    });

    it('leaves the regions out unless asked, and says what is wrong with a bad request', async () => {
      const r = await engine.request('results', { run_id: run, samples: 5 });
      expect(r.boundary).toBeNull();
      expect(r.samples).toHaveLength(5);
      expect(r.split).toBe('test');
      await expect(engine.request('results', { run_id: 'no-such-run' })).rejects.toMatchObject({ code: 'not-found' });
      await expect(engine.request('results', { run_id: run, samples: 257 })).rejects.toMatchObject({ code: 'bad-params' });
    });
  });

  it('returns images raw in [0, 1] with their shape, and no regions for images', async () => {
    const spec = { input_shape: [1, 28, 28], layers: [{ kind: 'Flatten' }, { kind: 'Linear', in_features: 784, out_features: 10 }] };
    const run = await train({ spec, dataset: { id: 'mnist' }, settings: { epochs: 1, batch_size: 64, seed: 0, split: { val_fraction: 0.1, test_fraction: 0.1, train_fraction: 0.05 } } });
    const r = await engine.request('results', { run_id: run, split: 'test', samples: 8, grid: 20 });
    expect(r.inputs.shape).toEqual([8, 1, 28, 28]);
    expect(r.inputs.data.length).toBe(8 * 784);
    expect(Math.min(...r.inputs.data)).toBe(0);
    expect(Math.max(...r.inputs.data)).toBeLessThanOrEqual(1);
    expect(Math.max(...r.inputs.data)).toBeGreaterThan(0.9);
    expect(r.boundary).toBeNull();
    expect(r.confusion.flat().reduce((a, b) => a + b, 0)).toBe(r.size);
    expect(r.size).toBe(1000);
  });

  it('orders regression samples by squared error, largest first', async () => {
    const spec = { input_shape: [1], layers: [{ kind: 'Linear', in_features: 1, out_features: 16 }, { kind: 'Tanh' }, { kind: 'Linear', in_features: 16, out_features: 1 }] };
    const run = await train({ spec, dataset: { id: 'sine', samples: 200, seed: 0 }, settings: { epochs: 3, batch_size: 16, seed: 0 } });
    const r = await engine.request('results', { run_id: run, split: 'val', samples: 256, grid: 20 });
    expect(r).toMatchObject({ task: 'regression', accuracy: null, confusion: [], boundary: null });
    const err = r.samples.map((s) => (s.predicted - s.label) ** 2);
    for (let i = 1; i < err.length; i++) expect(err[i]).toBeLessThanOrEqual(err[i - 1] * (1 + 1e-6));
    expect(r.loss).toBeCloseTo(err.reduce((a, b) => a + b, 0) / r.size, 4);
    expect(r.samples.every((s) => s.confidence === null && s.probs.length === 0)).toBe(true);
  });
});
