/**
 * The article's third section as an experiment that must come out its way:
 * a wide MLP on 300 noisy spiral points, trained well past its best epoch with
 * no early stopping, swept over p = 0, 0.3, 0.6, 0.9 with three fixed seeds.
 * - the train−validation loss gap (final epoch, training loss from an
 *   eval-mode pass) shrinks as p grows, for every seed;
 * - the final validation loss at the best p > 0 is clearly below p = 0's
 *   (mean over seeds, by more than 0.05 nats and in every seed);
 * - p = 0.9 is worse than the best p (it underfits).
 * Runs on the WebAssembly kernels (as `dlab` does), one thread, in about 30 s on a 2-core machine.
 */
import { describe, expect, it } from 'vitest';
import { useBackend } from '../../../engine/kernels/registry.ts';
import { installWasmBackend } from '../../../engine/kernels/wasm/node/load.ts';
import { expandSweep, SweepRunner } from '../../../engine/experiments/sweep.ts';
import { recommend, type SweepEntry } from '../../../engine/experiments/recommend.ts';
import { defaultSettings } from '../../../engine/train/settings.ts';
import { makeTwoD } from '../../../engine/data/synthetic.ts';
import type { ModelSpec } from '../../../engine/nn/spec.ts';

installWasmBackend({ threads: 1 }); // one thread: the same sums in the same order on every machine
useBackend('wasm');

const spec: ModelSpec = {
  input_shape: [2],
  layers: [
    { kind: 'Linear', name: 'fc1', in_features: 2, out_features: 256 },
    { kind: 'ReLU' },
    { kind: 'Dropout', name: 'drop1', p: 0 },
    { kind: 'Linear', name: 'fc2', in_features: 256, out_features: 256 },
    { kind: 'ReLU' },
    { kind: 'Dropout', name: 'drop2', p: 0 },
    { kind: 'Linear', name: 'out', in_features: 256, out_features: 2 },
  ],
};
// 600 spiral points with noise 0.1: 300 to train on, 300 to validate; 120 epochs is far past p = 0's best (epoch 25–75).
const dataset = { id: 'spiral' as const, samples: 600, noise: 0.1, seed: 0 };
const settings = defaultSettings({ epochs: 120, batch_size: 32, optimizer: { type: 'adam', lr: 0.003 }, split: { val_fraction: 0.5, test_fraction: 0, train_fraction: 1 } });
const P = [0, 0.3, 0.6, 0.9];
const SEEDS = [0, 1, 2];

describe("the article's pattern: raise p against overfitting, but not too far", () => {
  it('gap shrinks as p grows; the best p > 0 beats p = 0 on validation loss; p = 0.9 underfits', async () => {
    const entries: SweepEntry[] = [];
    const runner = new SweepRunner({
      variants: expandSweep(spec, settings, { layers: ['drop1', 'drop2'], p: P, seeds: SEEDS }),
      data: { data: makeTwoD('spiral', dataset) }, dataset,
      onRun: (r) => void entries.push({ group: r.variant.group, p: r.variant.p, placement: null, seed: r.variant.seed, history: r.history, train_eval: r.train_eval }),
    });
    await runner.run();
    const final = recommend(entries, 'val_loss', { at: 'final' });
    const byP = new Map(final.table.map((row) => [row.strength, row]));
    const run = (p: number, seed: number) => entries.find((e) => e.p.drop1 === p && e.seed === seed)!;
    const gap = (e: SweepEntry) => e.history.epochs.at(-1)!.val_loss! - e.train_eval!.loss;
    const finalVal = (e: SweepEntry) => e.history.epochs.at(-1)!.val_loss!;

    for (const seed of SEEDS) {
      const gaps = P.map((p) => gap(run(p, seed)));
      expect(gaps, `seed ${seed}`).toEqual([...gaps].sort((a, b) => b - a)); // strictly shrinking
      expect(gaps[0] - gaps[2], `seed ${seed}`).toBeGreaterThan(0.1);
    }
    const bestDrop = [0.3, 0.6].reduce((b, p) => (byP.get(p)!.mean < byP.get(b)!.mean ? p : b));
    expect(byP.get(0)!.mean - byP.get(bestDrop)!.mean).toBeGreaterThan(0.05);
    for (const seed of SEEDS) expect(finalVal(run(bestDrop, seed))).toBeLessThan(finalVal(run(0, seed)));
    expect(byP.get(0.9)!.mean - byP.get(bestDrop)!.mean).toBeGreaterThan(0.05);
    expect(final.best?.strength).toBe(bestDrop);
  }, 120_000);
});
