/** The new layers in specs: palette categories, shape errors that say what to do, parameter counts, PyTorch expressions. */
import { describe, expect, it } from 'vitest';
import { buildModel, Generator, layerDef, layerDefs, resolveArgs, stochasticModules, sum, Tensor, validateSpec } from '../../../engine/index.ts';

const one = (input_shape: number[], layer: Record<string, unknown>) => validateSpec({ input_shape, layers: [{ name: 'x', ...layer }] });

describe('palette categories', () => {
  it('puts each kind in its family', () => {
    const byCat = (c: string) => layerDefs().filter((d) => d.category === c).map((d) => d.kind);
    expect(byCat('Dropout family')).toEqual(expect.arrayContaining([
      'Dropout', 'Dropout1d', 'Dropout2d', 'Dropout3d', 'AlphaDropout', 'FeatureAlphaDropout', 'GaussianDropout', 'GaussianNoise',
      'DropBlock2d', 'StochasticDepth', 'DropPath', 'DropConnect',
    ]));
    expect(byCat('Normalization')).toEqual(expect.arrayContaining(['BatchNorm1d', 'BatchNorm2d', 'LayerNorm', 'GroupNorm']));
  });
});

describe('shape errors name the problem and the fix', () => {
  const cases: [string, number[], Record<string, unknown>, RegExp][] = [
    ['Dropout2d after Linear', [16], { kind: 'Dropout2d' }, /needs per-sample input \[channels, height, width\], but receives \[16\]; use Dropout for feature vectors/],
    ['Dropout1d on an image', [3, 8, 8], { kind: 'Dropout1d' }, /use Dropout2d for this shape/],
    ['Dropout3d on an image', [3, 8, 8], { kind: 'Dropout3d' }, /use Dropout2d/],
    ['DropBlock2d even block', [4, 9, 9], { kind: 'DropBlock2d', block_size: 4 }, /even effective block size 4.*set block_size to 3 or 5/],
    ['DropBlock2d capped to an even map', [4, 6, 8], { kind: 'DropBlock2d', block_size: 7 }, /even effective block size 6.*capped at the 6×8 map/],
    ['DropBlock2d on vectors', [10], { kind: 'DropBlock2d' }, /place it after a Conv2d/],
    ['BatchNorm2d channels', [3, 8, 8], { kind: 'BatchNorm2d', num_features: 4 }, /expects 4 channels but receives 3.*set num_features to 3/],
    ['BatchNorm1d on an image', [3, 8, 8], { kind: 'BatchNorm1d', num_features: 3 }, /use BatchNorm2d after Conv2d/],
    ['BatchNorm2d on vectors', [10], { kind: 'BatchNorm2d', num_features: 10 }, /use BatchNorm1d for feature vectors/],
    ['LayerNorm mismatch', [5, 16], { kind: 'LayerNorm', normalized_shape: [8] }, /normalises over \[8\] but the input's trailing dimensions are \[16\]; set normalized_shape to \[16\]/],
    ['GroupNorm groups', [6, 4, 4], { kind: 'GroupNorm', num_groups: 4, num_channels: 6 }, /not divisible by num_groups 4; choose num_groups among 1, 2, 3, 6/],
    ['DropConnect features', [10], { kind: 'DropConnect', in_features: 12, out_features: 3 }, /expects 12 input features but receives 10/],
    ['p out of range', [10], { kind: 'Dropout1d', p: 1.5 }, /p must be ≤ 1/],
    ['StochasticDepth mode', [10], { kind: 'StochasticDepth', p: 0.1, mode: 'sample' }, /mode must be one of 'row', 'batch'/],
    ['StochasticDepth needs p and mode', [10], { kind: 'StochasticDepth' }, /missing required argument 'p'.*missing required argument 'mode'/],
  ];
  it.each(cases)('%s', (_n, shape, layer, message) => {
    const r = one(shape, layer);
    expect(r.ok).toBe(false);
    expect(r.errors.join('\n')).toMatch(message);
  });

  it('accepts the shapes torch takes', () => {
    for (const [shape, layer] of [
      [[4, 10], { kind: 'Dropout1d' }], [[3, 8, 8], { kind: 'Dropout2d' }], [[3, 10], { kind: 'Dropout2d' }], [[2, 3, 4, 5], { kind: 'Dropout3d' }],
      [[10], { kind: 'AlphaDropout' }], [[3, 4, 4], { kind: 'FeatureAlphaDropout' }], [[10], { kind: 'GaussianDropout' }], [[10], { kind: 'GaussianNoise' }],
      [[3, 8, 8], { kind: 'DropBlock2d', block_size: 5 }], [[3, 5, 6], { kind: 'DropBlock2d', block_size: 7 }], [[10], { kind: 'DropPath' }],
      [[10], { kind: 'BatchNorm1d', num_features: 10 }], [[4, 7], { kind: 'BatchNorm1d', num_features: 4 }], [[5, 16], { kind: 'LayerNorm', normalized_shape: [5, 16] }],
    ] as [number[], Record<string, unknown>][]) {
      expect(one(shape, layer).errors).toEqual([]);
    }
  });
});

describe('parameter counts and PyTorch expressions', () => {
  const table: [Record<string, unknown>, number[], number, string][] = [
    [{ kind: 'Dropout2d', p: 0.3 }, [3, 8, 8], 0, 'nn.Dropout2d(p=0.3)'],
    [{ kind: 'AlphaDropout', p: 0.1 }, [10], 0, 'nn.AlphaDropout(p=0.1)'],
    [{ kind: 'FeatureAlphaDropout', p: 0.2 }, [3, 4], 0, 'nn.FeatureAlphaDropout(p=0.2)'],
    [{ kind: 'GaussianDropout', rate: 0.2 }, [10], 0, 'GaussianDropout(rate=0.2)'],
    [{ kind: 'GaussianNoise', stddev: 0.1 }, [10], 0, 'GaussianNoise(stddev=0.1)'],
    [{ kind: 'DropBlock2d', p: 0.1, block_size: 3 }, [3, 8, 8], 0, 'torchvision.ops.DropBlock2d(p=0.1, block_size=3)'],
    [{ kind: 'StochasticDepth', p: 0.2, mode: 'batch' }, [10], 0, 'torchvision.ops.StochasticDepth(p=0.2, mode="batch")'],
    [{ kind: 'DropConnect', in_features: 10, out_features: 4, p: 0.5 }, [10], 44, 'DropConnectLinear(10, 4, p=0.5)'],
    [{ kind: 'BatchNorm2d', num_features: 3 }, [3, 8, 8], 6, 'nn.BatchNorm2d(3)'],
    [{ kind: 'BatchNorm1d', num_features: 5, momentum: null, affine: false }, [5], 0, 'nn.BatchNorm1d(5, momentum=None, affine=False)'],
    [{ kind: 'LayerNorm', normalized_shape: [4, 6], eps: 1e-6 }, [4, 6], 48, 'nn.LayerNorm((4, 6), eps=0.000001)'],
    [{ kind: 'GroupNorm', num_groups: 2, num_channels: 6 }, [6, 4, 4], 12, 'nn.GroupNorm(2, 6)'],
  ];
  it.each(table.map((t) => [t[3], ...t] as const))('%s', (_n, layer, shape, params, torch) => {
    const r = one(shape, layer);
    expect(r.errors).toEqual([]);
    expect(r.totalParams).toBe(params);
    const def = layerDef(layer.kind as string);
    if (!def) throw new Error('unknown kind');
    const { args } = resolveArgs(def, layer);
    if (!args) throw new Error('bad args');
    expect(def.torch(args, { shape })).toBe(torch);
  });
});

describe('a CNN using every new layer trains and evaluates end to end', () => {
  const spec = {
    input_shape: [3, 9, 9],
    layers: [
      { kind: 'Conv2d', in_channels: 3, out_channels: 8, kernel_size: 3, padding: 1 },
      { kind: 'BatchNorm2d', num_features: 8 },
      { kind: 'GroupNorm', num_groups: 2, num_channels: 8 },
      { kind: 'ReLU' },
      { kind: 'DropBlock2d', p: 0.2, block_size: 3 },
      { kind: 'Dropout2d', p: 0.1 },
      { kind: 'FeatureAlphaDropout', p: 0.1 },
      { kind: 'GaussianNoise', stddev: 0.05 },
      { kind: 'Flatten' },
      { kind: 'LayerNorm', normalized_shape: [648] },
      { kind: 'DropConnect', in_features: 648, out_features: 16, p: 0.3 },
      { kind: 'BatchNorm1d', num_features: 16, momentum: null },
      { kind: 'GaussianDropout', rate: 0.2 },
      { kind: 'AlphaDropout', p: 0.1 },
      { kind: 'DropPath', p: 0.2 },
      { kind: 'Linear', in_features: 16, out_features: 3 },
    ],
  };

  it('every parameter gets a gradient in training; eval is deterministic and records no noise', () => {
    const { model } = buildModel(spec, { seed: 2 });
    model.setGenerator(new Generator(5));
    const x = new Tensor(new Generator(1).normal(4 * 3 * 9 * 9), [4, 3, 9, 9]);
    sum(model.forward(x)).backward();
    for (const [name, p] of model.namedParameters()) expect(p.grad, name).not.toBeNull();
    expect(stochasticModules(model).every(([, m]) => m.lastNoise !== null || m.p === 0)).toBe(true);
    model.eval();
    expect(model.forward(x).data).toEqual(model.forward(x).data);
    expect(stochasticModules(model).every(([, m]) => m.lastNoise === null)).toBe(true);
  });
});
