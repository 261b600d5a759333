/**
 * Sweeps over worker threads (engine/host/node/worker-train-pool.ts): the same
 * numbers as training in turn, every run handed over once, overall progress
 * that only grows, a cancel that stops all workers at once, errors as values.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandSweep, SweepRunner, type FinishedRun, type SweepProgress } from '../../../engine/experiments/sweep.ts';
import { WorkerTrainPool } from '../../../engine/host/node/worker-train-pool.ts';
import { kernels, useBackend } from '../../../engine/kernels/registry.ts';
import { installWasmBackend } from '../../../engine/kernels/wasm/node/load.ts';
import { defaultSettings } from '../../../engine/train/settings.ts';
import { makeTwoD } from '../../../engine/data/synthetic.ts';
import type { ModelSpec } from '../../../engine/nn/spec.ts';

const mlp: ModelSpec = {
  input_shape: [2],
  layers: [
    { kind: 'Linear', name: 'fc1', in_features: 2, out_features: 24 },
    { kind: 'ReLU', name: 'relu1' },
    { kind: 'Dropout', name: 'drop', p: 0.5 },
    { kind: 'Linear', name: 'out', in_features: 24, out_features: 2 },
  ],
};
const spiral = (samples: number) => ({ data: { data: makeTwoD('spiral', { samples, seed: 3 }) }, dataset: { id: 'spiral' as const, samples, seed: 3 } });
const { data, dataset } = spiral(200);
const variantsFor = (epochs: number) => expandSweep(mlp, defaultSettings({ epochs, batch_size: 32, optimizer: { type: 'adam', lr: 0.01 } }), { layers: ['drop'], p: [0, 0.3, 0.6], seeds: [0, 1] });
/** The workers use the kernels this process uses, as the engine's do. */
const pool = (size: number) => new WorkerTrainPool(size, kernels().name);

async function sweep(workers: number | 'in-process', epochs = 4, samples = 200) {
  const runs: FinishedRun[] = [];
  const progress: SweepProgress[] = [];
  const on = spiral(samples);
  const runner = new SweepRunner({
    variants: variantsFor(epochs), ...on, pool: workers === 'in-process' ? undefined : pool(workers),
    onRun: (r) => void runs.push(r), onProgress: (p) => progress.push(p),
  });
  return { result: await runner.run(), runs, progress };
}

/** What must not depend on where or alongside what a run trained. */
const outcome = (runs: FinishedRun[]) =>
  [...runs].sort((a, b) => a.index - b.index).map((r) => ({
    label: r.variant.label, history: r.history.epochs.map(({ seconds: _, ...m }) => m), steps: r.history.step_losses, test: r.test, train_eval: r.train_eval,
    weights: [...r.checkpoint.weights], state: [...r.model.stateDict()].map(([k, t]) => [k, t.shape, t.data]),
  }));

describe('parallel sweeps', () => {
  it('give bit-identical histories and weights with 1 worker, 2 workers and in turn in this process', async () => {
    const [one, two, here] = [await sweep(1), await sweep(2), await sweep('in-process')];
    expect(two.result).toEqual({ status: 'done', finished: 6 });
    expect(outcome(two.runs)).toEqual(outcome(one.runs));
    expect(outcome(two.runs)).toEqual(outcome(here.runs));
    expect(two.runs.every((r) => r.normalizer === null || r.normalizer.mean instanceof Float32Array)).toBe(true);
  }, 120_000);

  it('hand every run over once, and overall progress sums the runs in progress and only grows to 1', async () => {
    // Runs of ~0.5 s each (12,000 steps), much longer than a worker takes to start, so two really overlap.
    const { runs, progress } = await sweep(2, 30, 3000);
    expect(runs.map((r) => r.index).sort()).toEqual([0, 1, 2, 3, 4, 5]);
    const fractions = progress.map((p) => p.fraction);
    expect(fractions.every((f, i) => i === 0 || f >= fractions[i - 1] - 1e-12)).toBe(true);
    expect(fractions.at(-1)).toBe(1);
    // Two runs trained side by side: run 1 reported progress before run 0 was handed over.
    const run0Done = progress.findIndex((p) => p.run_index === 0 && p.run_fraction === 1);
    expect(progress.slice(0, run0Done).some((p) => p.run_index === 1 && p.run_fraction > 0)).toBe(true);
  }, 120_000);

  it('cancel stops the other worker mid-run at once and keeps the finished run', async () => {
    // Run 0 is short; run 1, alongside it, is far from done when run 0 is handed over and cancels.
    const variants = variantsFor(3000).map((v, i) => (i === 0 ? { ...v, settings: { ...v.settings, epochs: 20 } } : v));
    const runs: FinishedRun[] = [];
    let run1AtCancel = -1;
    let run1 = 0;
    let cancelledAt = 0;
    const runner: SweepRunner = new SweepRunner({
      variants, data, dataset, pool: pool(2),
      onProgress: (p) => void (p.run_index === 1 && (run1 = p.run_fraction)),
      onRun: (r) => {
        runs.push(r);
        run1AtCancel = run1;
        cancelledAt = performance.now();
        runner.cancel();
      },
    });
    const res = await runner.run();
    const stopMs = performance.now() - cancelledAt;
    expect(res).toEqual({ status: 'cancelled', finished: 1 });
    expect(runs.map((r) => r.variant.label)).toEqual(['p=0 · seed 0']);
    expect(run1AtCancel).toBeLessThan(0.5);
    expect(stopMs).toBeLessThan(1000);
    expect(runner.state).toBe('cancelled');
  }, 120_000);

  it('a run that fails in a worker fails the sweep with its message, as it would in turn', async () => {
    const wrong = { data: makeTwoD('spiral', { samples: 60, seed: 0, classes: 3 }) };
    const variants = expandSweep({ ...mlp, input_shape: [3], layers: [{ ...mlp.layers[0], in_features: 3 }, ...mlp.layers.slice(1)] }, defaultSettings({ epochs: 1 }), { layers: ['drop'], p: [0, 0.5], seeds: [0] });
    const fail = (p?: WorkerTrainPool) => new SweepRunner({ variants, data: wrong, dataset, pool: p }).run().then(() => 'finished', (e: Error) => e.message);
    const inTurn = await fail();
    expect(inTurn).toMatch(/input|shape|feature/i);
    expect(await fail(pool(2))).toBe(inTurn);
  }, 60_000);
});

describe('parallel sweeps on the wasm kernels', () => {
  let previous = '';
  beforeAll(() => {
    installWasmBackend({ threads: 2 });
    previous = useBackend('wasm');
  });
  afterAll(() => void useBackend(previous));

  it('workers on one kernel thread each give the numbers this process gives on two', async () => {
    const [two, here] = [await sweep(2), await sweep('in-process')];
    expect(outcome(two.runs)).toEqual(outcome(here.runs));
  }, 120_000);
});
