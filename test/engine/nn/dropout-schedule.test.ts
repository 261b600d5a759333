/** Dropout schedules: values at given epochs/steps from the stated formulas, validation, and applying them to a model. */
import { describe, expect, it } from 'vitest';
import {
  applyDropoutSchedules, buildModel, checkSchedule, Generator, scheduledP, stochasticModules, Tensor, validateSpec, type DropoutSchedule,
} from '../../../engine/index.ts';

const at = (epoch: number, step = 0, stepsPerEpoch?: number) => ({ epoch, step, ...(stepsPerEpoch ? { stepsPerEpoch } : {}) });

describe('scheduledP', () => {
  const table: [string, DropoutSchedule, ReturnType<typeof at>, number][] = [
    ['constant', { type: 'constant', value: 0.3 }, at(7), 0.3],
    // linear 0 → 0.5 over 5 epochs, then hold: p = 0.5·min(e/5, 1)
    ['linear, epoch 0', { type: 'linear', start: 0, end: 0.5, epochs: 5 }, at(0), 0],
    ['linear, epoch 1', { type: 'linear', start: 0, end: 0.5, epochs: 5 }, at(1), 0.1],
    ['linear, epoch 4', { type: 'linear', start: 0, end: 0.5, epochs: 5 }, at(4), 0.4],
    ['linear, epoch 5 (end)', { type: 'linear', start: 0, end: 0.5, epochs: 5 }, at(5), 0.5],
    ['linear, epoch 12 (held)', { type: 'linear', start: 0, end: 0.5, epochs: 5 }, at(12), 0.5],
    ['linear, step 25 of 10/epoch = epoch 2.5', { type: 'linear', start: 0, end: 0.5, epochs: 5 }, at(2, 25, 10), 0.25],
    ['linear over steps, step 30 of 120', { type: 'linear', start: 0.5, end: 0.1, steps: 120 }, at(3, 30), 0.4],
    ['linear decreasing, epoch 2 of 4', { type: 'linear', start: 0.6, end: 0.2, epochs: 4 }, at(2), 0.4],
    // cosine: p = end + (start − end)(1 + cos(π t/T))/2
    ['cosine, t = 0', { type: 'cosine', start: 0.5, end: 0, epochs: 4 }, at(0), 0.5],
    ['cosine, t = 1 of 4', { type: 'cosine', start: 0.5, end: 0, epochs: 4 }, at(1), 0.25 * (1 + Math.SQRT1_2)],
    ['cosine, t = 2 of 4 (midpoint)', { type: 'cosine', start: 0.5, end: 0, epochs: 4 }, at(2), 0.25],
    ['cosine, t = 6 (held at end)', { type: 'cosine', start: 0.5, end: 0.1, epochs: 4 }, at(6), 0.1],
    ['cosine over steps, step 50 of 100', { type: 'cosine', start: 0, end: 0.4, steps: 100 }, at(0, 50), 0.2],
    // step with milestones: the last milestone reached, start before the first
    ['milestones, epoch 1', { type: 'step', start: 0.1, milestones: [[2, 0.3], [5, 0.5]] }, at(1), 0.1],
    ['milestones, epoch 2', { type: 'step', start: 0.1, milestones: [[2, 0.3], [5, 0.5]] }, at(2), 0.3],
    ['milestones, epoch 4', { type: 'step', start: 0.1, milestones: [[2, 0.3], [5, 0.5]] }, at(4), 0.3],
    ['milestones, epoch 9', { type: 'step', start: 0.1, milestones: [[2, 0.3], [5, 0.5]] }, at(9), 0.5],
    ['milestones, epoch 1.9 via steps (floors to 1)', { type: 'step', start: 0.1, milestones: [[2, 0.3]] }, at(1, 19, 10), 0.1],
    ['milestones by step', { type: 'step', start: 0, milestones: [[100, 0.2]], by: 'step' }, at(0, 100), 0.2],
    // step_size/gamma as StepLR: p = start·gamma^⌊t/step_size⌋
    ['step_size 2, gamma 0.5, epoch 1', { type: 'step', start: 0.4, step_size: 2, gamma: 0.5 }, at(1), 0.4],
    ['step_size 2, gamma 0.5, epoch 2', { type: 'step', start: 0.4, step_size: 2, gamma: 0.5 }, at(2), 0.2],
    ['step_size 2, gamma 0.5, epoch 5', { type: 'step', start: 0.4, step_size: 2, gamma: 0.5 }, at(5), 0.1],
  ];
  it.each(table)('%s', (_n, s, progress, expected) => {
    expect(scheduledP(s, progress)).toBeCloseTo(expected, 12);
  });
});

describe('checkSchedule says what to fix', () => {
  const bad: [unknown, RegExp][] = [
    ['linear', /must be an object/],
    [{ type: 'exponential' }, /type must be one of 'constant', 'linear', 'cosine', 'step'/],
    [{ type: 'linear', start: 0, end: 0.5 }, /exactly one of epochs or steps/],
    [{ type: 'linear', start: 0, end: 0.5, epochs: 3, steps: 9 }, /exactly one of epochs or steps/],
    [{ type: 'linear', start: 0, end: 1.5, epochs: 3 }, /end must be ≤ 1, got 1.5/],
    [{ type: 'linear', start: 0, end: 0.5, epochs: 0 }, /epochs as an integer ≥ 1/],
    [{ type: 'cosine', start: 0, end: 0.5, epochs: 2, warmup: 1 }, /takes start, end, epochs, steps, not warmup/],
    [{ type: 'constant' }, /needs value as a number/],
    [{ type: 'step', start: 0.1 }, /needs milestones .* or step_size and gamma/],
    [{ type: 'step', start: 0.1, milestones: [[3, 0.2], [2, 0.3]] }, /increasing order/],
    [{ type: 'step', start: 0.1, milestones: [[3, 1.2]] }, /milestone \[3,1.2\]: p must be ≤ 1/],
    [{ type: 'step', start: 0.1, step_size: 2 }, /gamma as a number/],
    [{ type: 'step', start: 0.1, step_size: 2, gamma: 0.5, by: 'batch' }, /by must be 'epoch' or 'step'/],
  ];
  it.each(bad)('%j', (s, message) => {
    expect(checkSchedule(s, { min: 0, max: 1 })).toMatch(message);
  });

  it('accepts null and every well-formed type', () => {
    for (const s of [null, { type: 'constant', value: 0.2 }, { type: 'linear', start: 0, end: 0.5, epochs: 5 }, { type: 'cosine', start: 0.5, end: 0, steps: 100 },
      { type: 'step', start: 0.1, milestones: [[2, 0.3]] }, { type: 'step', start: 0.4, step_size: 2, gamma: 0.5, by: 'step' }]) {
      expect(checkSchedule(s, { min: 0, max: 1 })).toBeNull();
    }
  });

  it('the spec validator names the layer; GaussianNoise allows stddev above 1', () => {
    const report = validateSpec({ input_shape: [8], layers: [{ kind: 'Dropout', name: 'drop', p: 0.5, schedule: { type: 'linear', start: 0, end: 2, epochs: 5 } }] });
    expect(report.ok).toBe(false);
    expect(report.errors[0]).toMatch(/layer 0 'drop' \(Dropout\) schedule end must be ≤ 1, got 2/);
    expect(validateSpec({ input_shape: [8], layers: [{ kind: 'GaussianNoise', stddev: 0.5, schedule: { type: 'linear', start: 2, end: 0, epochs: 5 } }] }).ok).toBe(true);
    expect(validateSpec({ input_shape: [8], layers: [{ kind: 'GaussianDropout', rate: 0.5, schedule: { type: 'constant', value: 1 } }] }).errors[0]).toMatch(/value must be < 1/);
  });
});

describe('applyDropoutSchedules sets p of the scheduled modules of a built model', () => {
  const spec = {
    input_shape: [3, 8, 8],
    layers: [
      { kind: 'Conv2d', in_channels: 3, out_channels: 4, kernel_size: 3, padding: 1 },
      { kind: 'DropBlock2d', name: 'block', p: 0.1, block_size: 3, schedule: { type: 'linear', start: 0, end: 0.1, epochs: 10 } },
      { kind: 'Dropout2d', name: 'spatial', p: 0.2 },
      { kind: 'Flatten' },
      { kind: 'Dropout', name: 'drop', p: 0.5, schedule: { type: 'step', start: 0.1, milestones: [[3, 0.5]] } },
      { kind: 'Linear', in_features: 256, out_features: 2 },
    ],
  };

  it('lists every stochastic module and moves only the scheduled ones', () => {
    const { model } = buildModel(spec, { seed: 1 });
    expect(stochasticModules(model).map(([n, m]) => [n, m.constructor.name])).toEqual([['block', 'DropBlock2d'], ['spatial', 'ChannelDropout'], ['drop', 'Dropout']]);
    expect(applyDropoutSchedules(model, { epoch: 0, step: 0 })).toEqual([['block', 0], ['drop', 0.1]]);
    const p = () => Object.fromEntries(stochasticModules(model).map(([n, m]) => [n, m.p]));
    expect(p()).toEqual({ block: 0, spatial: 0.2, drop: 0.1 });
    applyDropoutSchedules(model, { epoch: 5, step: 50 });
    expect(p().block).toBeCloseTo(0.05, 12);
    expect(p()).toMatchObject({ spatial: 0.2, drop: 0.5 });
  });

  it('the forward then drops at the scheduled rate (p = 0 at epoch 0 of a ramp draws nothing)', () => {
    const { model } = buildModel({ input_shape: [1000], layers: [{ kind: 'Dropout', name: 'd', p: 0.5, schedule: { type: 'linear', start: 0, end: 0.5, epochs: 2 } }] });
    model.setGenerator(new Generator(3));
    const x = new Tensor(new Float32Array(100 * 1000).fill(1), [100, 1000]);
    applyDropoutSchedules(model, { epoch: 0, step: 0 });
    expect(model.forward(x)).toBe(x);
    applyDropoutSchedules(model, { epoch: 1, step: 0 });
    const y = model.forward(x);
    const dropped = y.data.filter((v) => v === 0).length / y.size;
    expect(Math.abs(dropped - 0.25)).toBeLessThan(0.01);
  });
});
