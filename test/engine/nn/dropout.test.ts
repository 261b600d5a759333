/** The article's Dropout, made checkable: the worked example, the rates, the scaling, train vs eval. */
import { describe, expect, it } from 'vitest';
import { Generator, buildModel, tensor, Tensor } from '../../../engine/index.ts';
import { Dropout } from '../../../engine/nn/layers/dropout.ts';

describe("the article's worked example (p = 0.5, x = [2, 4, 6, 8])", () => {
  it('training with the 2nd and 4th dropped gives [4, 0, 12, 0]', () => {
    const d = new Dropout(0.5);
    d.forcedMask = Float32Array.from([1, 0, 1, 0]);
    const y = d.forward(tensor([2, 4, 6, 8]));
    expect([...y.data]).toEqual([4, 0, 12, 0]);
  });

  it('eval mode gives [2, 4, 6, 8] unchanged, every time', () => {
    const d = new Dropout(0.5).eval();
    for (let i = 0; i < 3; i++) expect([...d.forward(tensor([2, 4, 6, 8])).data]).toEqual([2, 4, 6, 8]);
  });
});

describe('inverted dropout statistics over 10^6 elements', () => {
  const n = 1_000_000;
  const x = new Tensor(new Generator(11).uniform(n, 0.5, 2), [n]);
  it.each([0.1, 0.5, 0.9])('p = %s: drop rate within 0.3%% of p, survivors exactly x/(1-p)', (p) => {
    const d = new Dropout(p).setGenerator(new Generator(5));
    const y = d.forward(x);
    let dropped = 0;
    let wrong = 0;
    const scale = Math.fround(1 / (1 - p));
    for (let i = 0; i < n; i++) {
      if (y.data[i] === 0) dropped++;
      else if (y.data[i] !== Math.fround(x.data[i] * scale)) wrong++;
    }
    expect(Math.abs(dropped / n - p)).toBeLessThan(0.003);
    expect(wrong).toBe(0);
    expect(d.lastMask?.reduce((a, b) => a + b, 0)).toBe(n - dropped);
  });

  it('p = 0 is the identity and p = 1 gives zeros (as torch)', () => {
    expect(new Dropout(0).forward(x)).toBe(x);
    const y = new Dropout(1).forward(x);
    expect(y.data.every((v) => v === 0)).toBe(true);
  });

  it('rejects p outside [0, 1] like torch', () => {
    expect(() => new Dropout(1.5)).toThrow(/between 0 and 1/);
    expect(() => new Dropout(-0.1)).toThrow(/between 0 and 1/);
  });
});

describe('train() and eval() switch dropout through the whole model', () => {
  const spec = { input_shape: [16], layers: [{ kind: 'Linear', in_features: 16, out_features: 32 }, { kind: 'ReLU' }, { kind: 'Dropout', p: 0.5 }, { kind: 'Linear', in_features: 32, out_features: 4 }] };
  const x = new Tensor(new Generator(1).normal(8 * 16), [8, 16]);

  it('train mode: two passes differ; eval mode: two passes are identical', () => {
    const { model } = buildModel(spec, { seed: 3 });
    model.setGenerator(new Generator(99));
    const a = model.forward(x).data;
    const b = model.forward(x).data;
    expect(a).not.toEqual(b);
    model.eval();
    expect(model.namedModules().every(([, m]) => !m.training)).toBe(true);
    expect(model.forward(x).data).toEqual(model.forward(x).data);
  });

  it('the same seeds give the same weights and masks, run after run', () => {
    const run = () => {
      const { model } = buildModel(spec, { seed: 3 });
      model.setGenerator(new Generator(99));
      return [model.forward(x).data, model.forward(x).data];
    };
    expect(run()).toEqual(run());
  });
});
