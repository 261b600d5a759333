/**
 * Model size against the machine's memory (issue #17, item 8):
 * Linear(100000, 100000) validated as fine with 1e10 parameters and failed
 * later in V8; Linear(20000, 20000) held 1.6 GB for a prediction. Spec
 * validation now refuses them in the layer's own error, with the numbers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { budgetFor, setMachineMemory } from '../../../engine/nn/budget.ts';
import { validateSpec } from '../../../engine/nn/spec.ts';

const GiB = 2 ** 30;
const linear = (i: number, o: number) => ({ input_shape: [i], layers: [{ kind: 'Linear', name: 'fc', in_features: i, out_features: o }] });

afterEach(() => setMachineMemory(8 * GiB));

describe('the budget', () => {
  it('is a quarter of the memory, at most 2 GiB: 16 bytes a parameter, a batch of 16 samples of activations', () => {
    expect(budgetFor(4 * GiB)).toEqual({ bytes: GiB, params: 67_108_864, activations: 16_777_216 });
    expect(budgetFor(8 * GiB)).toEqual({ bytes: 2 * GiB, params: 134_217_728, activations: 33_554_432 });
    expect(budgetFor(64 * GiB)).toEqual(budgetFor(8 * GiB));
  });
});

describe('spec validation against the budget', () => {
  it('refuses Linear(100000, 100000) in its own error, with the numbers', () => {
    const r = validateSpec(linear(100_000, 100_000));
    expect(r.ok).toBe(false);
    expect(r.totalParams).toBe(10_000_100_000);
    expect(r.layers[0].outputShape).toEqual([100_000]);
    expect(r.errors).toEqual(["layer 0 'fc' (Linear) has 10,000,100,000 parameters, which bring the model to 10,000,100,000: more than the 134,217,728 this machine can train (2.15 GB at 16 bytes a parameter); make the layer smaller"]);
  });

  it('refuses Linear(20000, 20000) (400 million parameters) and accepts Linear(8000, 8000)', () => {
    expect(validateSpec(linear(20_000, 20_000)).layers[0].error).toMatch(/^has 400,020,000 parameters, /);
    expect(validateSpec(linear(8_000, 8_000)).ok).toBe(true);
  });

  it('charges the layer that crosses the budget, inside blocks too, and keeps inferring shapes after it', () => {
    const spec = {
      input_shape: [10_000],
      layers: [
        { kind: 'Linear', name: 'a', in_features: 10_000, out_features: 5_000 },
        { kind: 'Sequential', name: 'blk', layers: [{ kind: 'Linear', name: 'b', in_features: 5_000, out_features: 5_000 }] },
        { kind: 'Linear', name: 'c', in_features: 5_000, out_features: 2 },
      ],
    };
    setMachineMemory(4 * GiB); // 67,108,864 parameters
    const r = validateSpec(spec);
    expect(r.errors).toEqual(["layer 1 'blk' › layer 0 'b' (Linear) has 25,005,000 parameters, which bring the model to 75,010,000: more than the 67,108,864 this machine can train (1.07 GB at 16 bytes a parameter); make the layer smaller"]);
    expect(r.outputShape).toEqual([2]);
    setMachineMemory(8 * GiB); // 134,217,728
    expect(validateSpec(spec).ok).toBe(true);
  });

  it('refuses layer outputs that would not fit a batch of 16, with the numbers', () => {
    const r = validateSpec({ input_shape: [1, 2000, 2000], layers: [{ kind: 'Conv2d', name: 'conv', in_channels: 1, out_channels: 16, kernel_size: 3, padding: 1 }] });
    expect(r.errors).toEqual(["layer 0 'conv' (Conv2d) outputs 64,000,000 values per sample, which bring one sample's activations to 68,000,000: more than the 33,554,432 this machine allows (a batch of 16 in 2.15 GB); make its output smaller"]);
  });

  it('refuses an input too large for one sample', () => {
    expect(validateSpec({ input_shape: [8192, 8192], layers: [] }).errors).toEqual(['input_shape [8192, 8192] holds 67,108,864 values per sample: more than the 33,554,432 this machine allows (a batch of 16 in 2.15 GB); use smaller samples']);
  });
});
