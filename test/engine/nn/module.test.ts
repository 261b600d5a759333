/** Module behaviour as torch.nn.Module: names, modes, state dicts, gradients. */
import { describe, expect, it } from 'vitest';
import * as ops from '../../../engine/index.ts';
import { buildModel, crossEntropy, Generator, Tensor } from '../../../engine/index.ts';

const mlp = {
  input_shape: [6],
  layers: [
    { kind: 'Linear', name: 'fc1', in_features: 6, out_features: 8 },
    { kind: 'ReLU' },
    { kind: 'Dropout', p: 0.3 },
    { kind: 'Linear', in_features: 8, out_features: 3, bias: false },
  ],
};

describe('Module', () => {
  it('names parameters like a torch nn.Sequential state_dict', () => {
    const { model } = buildModel(mlp);
    expect([...model.stateDict().keys()]).toEqual(['fc1.weight', 'fc1.bias', '3.weight']);
    expect(model.parameters().every((p) => p.requiresGrad)).toBe(true);
  });

  it('initialises weights in U(±1/√fan_in) from the seed, deterministically', () => {
    const a = buildModel(mlp, { seed: 5 }).model.stateDict();
    const b = buildModel(mlp, { seed: 5 }).model.stateDict();
    const c = buildModel(mlp, { seed: 6 }).model.stateDict();
    const w = a.get('fc1.weight')!;
    expect(w.data).toEqual(b.get('fc1.weight')!.data);
    expect(w.data).not.toEqual(c.get('fc1.weight')!.data);
    const bound = 1 / Math.sqrt(6);
    expect(Math.max(...w.data.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...w.data.map(Math.abs))).toBeGreaterThan(bound * 0.8);
  });

  it('train()/eval() reach every submodule', () => {
    const { model } = buildModel(mlp);
    model.eval();
    expect(model.namedModules().map(([, m]) => m.training)).toEqual([false, false, false, false, false]);
    model.train();
    expect(model.namedModules().every(([, m]) => m.training)).toBe(true);
  });

  it('loadStateDict copies by name and reports every mismatch', () => {
    const src = buildModel(mlp, { seed: 1 }).model;
    const dst = buildModel(mlp, { seed: 2 }).model;
    dst.loadStateDict(src.stateDict());
    expect(dst.stateDict().get('fc1.weight')!.data).toEqual(src.stateDict().get('fc1.weight')!.data);

    const bad = new Map(src.stateDict());
    bad.delete('fc1.bias');
    bad.set('extra.weight', new Tensor(new Float32Array(2), [2]));
    bad.set('3.weight', new Tensor(new Float32Array(8), [1, 8]));
    expect(() => dst.loadStateDict(bad)).toThrow(/missing fc1\.bias; unexpected extra\.weight; 3\.weight has shape \[1, 8\] but the model needs \[3, 8\]/);
    const report = dst.loadStateDict(bad, false);
    expect(report).toEqual({ missing: ['fc1.bias'], unexpected: ['extra.weight'], wrongShape: [{ name: '3.weight', expected: [3, 8], got: [1, 8] }] });
  });

  it('backward fills .grad for every parameter; zeroGrad clears them; grads accumulate like torch', () => {
    const { model } = buildModel(mlp, { seed: 3 });
    model.eval();
    const x = new Tensor(new Generator(0).normal(4 * 6), [4, 6]);
    const y = Int32Array.from([0, 1, 2, 0]);
    crossEntropy(model.forward(x), y).backward();
    const g1 = model.parameters().map((p) => p.grad!.data.slice());
    crossEntropy(model.forward(x), y).backward();
    model.parameters().forEach((p, i) => expectDoubled(p.grad!.data, g1[i]));
    model.zeroGrad();
    expect(model.parameters().every((p) => p.grad === null)).toBe(true);
  });

  it('a tensor used twice receives the sum of both gradients', () => {
    const x = new Tensor(Float32Array.from([1, 2, 3]), [3], true);
    const { mul, add, sum } = ops;
    sum(add(mul(x, x), x)).backward();
    expect([...x.grad!.data]).toEqual([3, 5, 7]); // d/dx (x² + x) = 2x + 1
  });
});

describe('noGrad', () => {
  it('records no graph inside, and restores recording after (even on throw)', () => {
    const x = new Tensor(Float32Array.from([1, 2]), [2], true);
    const y = ops.noGrad(() => ops.mul(x, x));
    expect(y.requiresGrad).toBe(false);
    expect(() => ops.noGrad(() => { throw new Error('boom'); })).toThrow('boom');
    expect(ops.mul(x, x).requiresGrad).toBe(true);
  });
});

function expectDoubled(now: Float32Array, once: Float32Array): void {
  now.forEach((v, i) => expect(v).toBeCloseTo(2 * once[i], 6));
}


