/**
 * The Train view's generalization gap: after every epoch the trainer re-measures
 * a fixed sample of the training split in eval mode (dropout off), next to the
 * steps' train-mode loss, without touching the run's random streams.
 */
import { describe, expect, it } from 'vitest';
import { Trainer } from '../../../engine/train/trainer.ts';
import { TRAIN_EVAL_SAMPLES, trainEvalSample } from '../../../engine/train/train-eval.ts';
import { defaultSettings } from '../../../engine/train/settings.ts';
import { makeTwoD } from '../../../engine/data/synthetic.ts';
import type { ModelSpec } from '../../../engine/nn/spec.ts';

const mlp = (p: number): ModelSpec => ({
  input_shape: [2],
  layers: [
    { kind: 'Linear', name: 'fc1', in_features: 2, out_features: 64 },
    { kind: 'ReLU' },
    { kind: 'Dropout', name: 'drop', p },
    { kind: 'Linear', name: 'fc2', in_features: 64, out_features: 2 },
  ],
});
const settings = (o: Record<string, unknown> = {}) => defaultSettings({ epochs: 8, batch_size: 32, optimizer: { type: 'adam', lr: 0.01 }, seed: 3, ...o });

describe('eval-mode training loss per epoch', () => {
  it('with p = 0.9 the train-mode loss exceeds the eval-mode one at every epoch', async () => {
    const data = { data: makeTwoD('spiral', { samples: 600, seed: 2 }) };
    const r = await new Trainer({ spec: mlp(0.9), data, settings: settings() }).run();
    expect(r.history.epochs).toHaveLength(8);
    for (const e of r.history.epochs) {
      expect(e.train_eval_loss, `epoch ${e.epoch}`).toBeTypeOf('number');
      expect(e.train_loss, `epoch ${e.epoch}`).toBeGreaterThan(e.train_eval_loss!);
    }
  });

  it('the eval pass draws no dropout noise: the dropout stream stands still while the layer is in eval mode', async () => {
    const t = new Trainer({ spec: mlp(0.5), data: { data: makeTwoD('moons', { samples: 300, seed: 1 }) }, settings: settings({ epochs: 2 }) });
    const drop = t.model.namedModules().find(([n]) => n === 'drop')![1];
    const forward = drop.forward.bind(drop);
    const calls: { training: boolean; moved: boolean; rows: number }[] = [];
    drop.forward = (x) => {
      const before = drop.generator.state().offset;
      const y = forward(x);
      calls.push({ training: drop.training, moved: drop.generator.state().offset !== before, rows: x.shape[0] });
      return y;
    };
    await t.run();
    const evalCalls = calls.filter((c) => !c.training);
    // Per epoch: validation, then the training sample (the whole split here); then the test pass.
    expect(evalCalls.reduce((n, c) => n + c.rows, 0)).toBe(2 * (t.splits.val.size + t.splits.train.size) + t.splits.test.size);
    expect(evalCalls.some((c) => c.moved)).toBe(false);
    expect(calls.filter((c) => c.training).every((c) => c.moved)).toBe(true);
  });

  it('a large training split is measured on a fixed sample of it: the same rows every time, from the seed', () => {
    const train = makeTwoD('blobs', { samples: 5000, seed: 4 });
    const a = trainEvalSample(train, 7);
    const b = trainEvalSample(train, 7);
    expect(a.size).toBe(TRAIN_EVAL_SAMPLES);
    expect(TRAIN_EVAL_SAMPLES).toBe(2000);
    expect([...a.features]).toEqual([...b.features]);
    expect([...a.features]).not.toEqual([...trainEvalSample(train, 8).features]);
    // Every sampled row is a row of the split, and no row is taken twice.
    const rows = new Set<string>();
    const key = (f: ArrayLike<number>, i: number) => `${f[2 * i]},${f[2 * i + 1]}`;
    for (let i = 0; i < train.size; i++) rows.add(key(train.features, i));
    const seen = new Set<string>();
    for (let i = 0; i < a.size; i++) {
      expect(rows.has(key(a.features, i))).toBe(true);
      seen.add(key(a.features, i));
    }
    expect(seen.size).toBe(TRAIN_EVAL_SAMPLES);
    const small = makeTwoD('blobs', { samples: 300, seed: 4 });
    expect(trainEvalSample(small, 7)).toBe(small); // small splits are measured whole
  });
});
