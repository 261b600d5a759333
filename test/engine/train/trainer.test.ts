/** The training loop: reproducible, eval-mode validation, early stopping, pause/resume and checkpoints that change nothing. */
import { describe, expect, it } from 'vitest';
import { Trainer, type Checkpoint, type TrainEvent } from '../../../engine/train/trainer.ts';
import { defaultSettings } from '../../../engine/train/settings.ts';
import { makeCurve, makeTwoD } from '../../../engine/data/synthetic.ts';
import type { ModelSpec } from '../../../engine/nn/spec.ts';

const spec: ModelSpec = {
  input_shape: [2],
  layers: [
    { kind: 'Linear', name: 'fc1', in_features: 2, out_features: 32 },
    { kind: 'ReLU' },
    { kind: 'Dropout', name: 'drop', p: 0.3 },
    { kind: 'Linear', name: 'fc2', in_features: 32, out_features: 2 },
  ],
};
const data = { data: makeTwoD('moons', { samples: 240, seed: 1 }) };
const settings = (o: Record<string, unknown> = {}) => defaultSettings({ epochs: 6, batch_size: 16, optimizer: { type: 'adam', lr: 0.01 }, seed: 5, ...o });
const weights = (t: Trainer) => [...t.model.stateDict()].map(([k, v]) => [k, [...v.data]]);
/** Metrics without wall-clock seconds, which no two runs share. */
const numbers = (h: { epochs: { seconds: number }[] }) => ({ ...h, epochs: h.epochs.map(({ seconds: _s, ...m }) => m) });

describe('Trainer', () => {
  it('is reproducible: same project and seed give identical metrics and weights', async () => {
    const a = new Trainer({ spec, data, settings: settings() });
    const b = new Trainer({ spec, data, settings: settings() });
    const [ra, rb] = [await a.run(), await b.run()];
    expect(numbers(ra.history)).toEqual(numbers(rb.history));
    expect(weights(a)).toEqual(weights(b));
    const c = new Trainer({ spec, data, settings: settings({ seed: 6 }) });
    expect((await c.run()).history.step_losses).not.toEqual(ra.history.step_losses);
  });

  it('learns, reports per-step and per-epoch metrics, and a test score', async () => {
    const events: TrainEvent[] = [];
    const t = new Trainer({ spec, data, settings: settings({ epochs: 20 }), onEvent: (e) => events.push(e) });
    const r = await t.run();
    expect(r.status).toBe('done');
    expect(r.history.epochs).toHaveLength(20);
    expect(r.history.step_losses).toHaveLength(20 * Math.ceil(t.splits.train.size / 16));
    expect(r.history.epochs[19].train_loss).toBeLessThan(r.history.epochs[0].train_loss);
    expect(r.test?.accuracy).toBeGreaterThan(0.8);
    const progress = events.filter((e) => e.type === 'progress');
    expect(progress.at(-1)).toMatchObject({ fraction: 1, eta_s: 0 });
    expect(events.filter((e) => e.type === 'checkpoint')).toHaveLength(20);
  });

  it('validates in eval mode and goes back to train mode (dropout off during validation)', async () => {
    const modes: boolean[] = [];
    const t = new Trainer({ spec, data, settings: settings({ epochs: 2 }) });
    const drop = t.model.namedModules().find(([n]) => n === 'drop')![1];
    const forward = drop.forward.bind(drop);
    drop.forward = (x) => {
      modes.push(drop.training);
      return forward(x);
    };
    await t.run();
    // Every training step, then the validation pass and the eval-mode training sample (one batch each here), per epoch; then the test pass.
    const steps = Math.ceil(t.splits.train.size / 16);
    expect(modes.slice(0, steps + 3)).toEqual([...Array(steps).fill(true), false, false, true]);
    expect(modes.at(-1)).toBe(false);
  });

  it('early stopping stops after `patience` epochs without improvement and restores the best weights', async () => {
    let best: Checkpoint | null = null;
    let bestLoss = Infinity;
    const t = new Trainer({
      spec,
      data,
      settings: settings({ epochs: 200, optimizer: { type: 'sgd', lr: 0.5, momentum: 0.9 }, early_stopping: { monitor: 'val_loss', patience: 3, restore_best: true } }),
      onEvent: (e) => {
        if (e.type === 'checkpoint') {
          const last = e.checkpoint.history.epochs.at(-1)!;
          if (last.val_loss! < bestLoss) {
            bestLoss = last.val_loss!;
            best = e.checkpoint;
          }
        }
      },
    });
    const r = await t.run();
    expect(r.history.stopped_early).toBe(true);
    const n = r.history.epochs.length;
    expect(n).toBeLessThan(200);
    expect(r.history.best_epoch).toBe(n - 3);
    const restored = [...t.model.stateDict()].map(([k, v]) => [k, [...v.data]]);
    expect(restored).toEqual([...best!.weights].map(([k, v]) => [k, [...v]]));
  });

  it('pause and resume give exactly the weights of an uninterrupted run', async () => {
    const straight = new Trainer({ spec, data, settings: settings() });
    await straight.run();
    let paused = 0;
    const t: Trainer = new Trainer({
      spec,
      data,
      settings: settings(),
      yieldEveryMs: 0,
      onEvent: (e) => {
        if (e.type === 'step' && e.step % 10 === 0) {
          t.pause();
          paused++;
          setTimeout(() => t.resume(), 5);
        }
      },
    });
    await t.run();
    expect(paused).toBeGreaterThan(3);
    expect(weights(t)).toEqual(weights(straight));
  });

  it('resuming from an epoch checkpoint (a new process) continues exactly', async () => {
    const straight = new Trainer({ spec, data, settings: settings() });
    const full = await straight.run();
    let third: Checkpoint | null = null;
    const first = new Trainer({ spec, data, settings: settings(), onEvent: (e) => { if (e.type === 'checkpoint' && e.checkpoint.epoch === 3) third = e.checkpoint; } });
    await first.run();
    const resumed = new Trainer({ spec, data, settings: settings(), resumeFrom: third });
    const r = await resumed.run();
    expect(weights(resumed)).toEqual(weights(straight));
    expect(numbers(r.history)).toEqual(numbers(full.history));
  });

  it('with colour images, random crop and flip, pause/resume and an epoch checkpoint both continue exactly', async () => {
    // 60 RGB 6×6 byte images in 3 classes, textured so crops and flips change them.
    const D = 3 * 6 * 6;
    const colour = { data: { name: 'rgb', task: 'classification' as const, inputShape: [3, 6, 6], size: 60, features: Uint8Array.from({ length: 60 * D }, (_, i) => (i * 97 + Math.floor(i / D) * 31) % 256), featureScale: 1 / 255, labels: Int32Array.from({ length: 60 }, (_, i) => i % 3), classNames: ['a', 'b', 'c'], targetDim: 1 } };
    const cnn: ModelSpec = { input_shape: [3, 6, 6], layers: [
      { kind: 'Conv2d', name: 'conv', in_channels: 3, out_channels: 4, kernel_size: 3, padding: 1 },
      { kind: 'ReLU' },
      { kind: 'Dropout2d', name: 'drop', p: 0.2 },
      { kind: 'Flatten' },
      { kind: 'Linear', name: 'fc', in_features: 4 * 36, out_features: 3 },
    ] };
    const augmented = () => settings({ epochs: 4, batch_size: 8, augment: { shift: 2, hflip: true, noise: 0 } });
    const straight = new Trainer({ spec: cnn, data: colour, settings: augmented() });
    await straight.run();
    const plain = new Trainer({ spec: cnn, data: colour, settings: settings({ epochs: 4, batch_size: 8 }) });
    await plain.run();
    expect(weights(plain)).not.toEqual(weights(straight)); // the augmentation is in play
    let second: Checkpoint | null = null;
    let paused = 0;
    const t: Trainer = new Trainer({
      spec: cnn, data: colour, settings: augmented(), yieldEveryMs: 0,
      onEvent: (e) => {
        if (e.type === 'checkpoint' && e.checkpoint.epoch === 2) second = e.checkpoint;
        if (e.type === 'step' && e.step % 7 === 0) { t.pause(); paused++; setTimeout(() => t.resume(), 2); }
      },
    });
    await t.run();
    expect(paused).toBeGreaterThan(2);
    expect(weights(t)).toEqual(weights(straight));
    const resumed = new Trainer({ spec: cnn, data: colour, settings: augmented(), resumeFrom: second });
    await resumed.run();
    expect(weights(resumed)).toEqual(weights(straight));
  });

  it('cancel stops at a step boundary and reports cancelled', async () => {
    const t: Trainer = new Trainer({ spec, data, settings: settings({ epochs: 50 }), onEvent: (e) => { if (e.type === 'step' && e.step === 30) t.cancel(); } });
    const r = await t.run();
    expect(r.status).toBe('cancelled');
    expect(r.history.step_losses).toHaveLength(30);
  });

  it('trains regression with MSE', async () => {
    const reg = { input_shape: [1], layers: [{ kind: 'Linear', in_features: 1, out_features: 32 }, { kind: 'Tanh' }, { kind: 'Linear', in_features: 32, out_features: 1 }] };
    const r = await new Trainer({ spec: reg, data: { data: makeCurve('sine', { samples: 200, noise: 0.05 }) }, settings: settings({ epochs: 40 }) }).run();
    expect(r.test?.accuracy).toBeNull();
    expect(r.test!.loss).toBeLessThan(0.05);
  });

  it('says what to change when model and data do not fit', () => {
    const wrongIn = { ...spec, input_shape: [3], layers: [{ kind: 'Linear', in_features: 3, out_features: 2 }] };
    expect(() => new Trainer({ spec: wrongIn, data, settings: settings() })).toThrow('the model expects inputs of shape 3 but moons (train) gives 2; set the model\'s input_shape to [2]');
    const wrongOut = { ...spec, layers: [{ kind: 'Linear', in_features: 2, out_features: 5 }] };
    expect(() => new Trainer({ spec: wrongOut, data, settings: settings() })).toThrow('the model outputs 5 values per sample but moons (train) has 2 classes; make the last layer produce 2 outputs');
  });
});
