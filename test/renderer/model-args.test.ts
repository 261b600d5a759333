import { describe, expect, it } from 'vitest';
import { formatArg, parseArg, sameValue } from '../../renderer/src/lib/arg-input.ts';
import { compactCount, innerDropouts, rateArg, shapeText, summary } from '../../renderer/src/lib/layer-summary.ts';
import type { ArgInfo, LayerInfo } from '../../renderer/src/lib/layer-defaults.ts';

const p: ArgInfo = { name: 'p', type: 'float', default: 0.5, required: false, min: 0, max: 1, doc: 'Probability.', docZh: '' };
const rate: ArgInfo = { ...p, name: 'rate', maxExclusive: true };
const features: ArgInfo = { name: 'out_features', type: 'int', required: true, min: 1, doc: 'Outputs.', docZh: '' };
const kernel: ArgInfo = { name: 'kernel_size', type: 'pair', required: true, min: 1, doc: 'Window.', docZh: '' };
const stride: ArgInfo = { name: 'stride', type: 'pair?', default: null, required: false, min: 1, doc: 'Step.', docZh: '' };
const momentum: ArgInfo = { name: 'momentum', type: 'float?', default: 0.1, required: false, min: 0, max: 1, doc: 'Momentum.', docZh: '' };
const shape: ArgInfo = { name: 'normalized_shape', type: 'ints', required: true, doc: 'Dims.', docZh: '' };

const ok = (value: unknown) => ({ ok: true, value });
const bad = (key: string, vars?: Record<string, number>) => ({ ok: false, problem: vars ? { key, vars } : { key } });

describe('argument boxes', () => {
  it.each([
    [p, '0.3', ok(0.3)],
    [p, '.25', ok(0.25)],
    [p, '0.', ok(0)],
    [p, '1', ok(1)],
    [p, '1.5', bad('model.err.max', { max: 1 })],
    [p, '-0.1', bad('model.err.min', { min: 0 })],
    [p, 'abc', bad('model.err.number')],
    [p, '', ok(undefined)],
    [rate, '1', bad('model.err.maxExclusive', { max: 1 })],
    [features, '128', ok(128)],
    [features, '12.5', bad('model.err.int')],
    [features, '0', bad('model.err.min', { min: 1 })],
    [features, ' ', bad('model.err.required')],
    [kernel, '3', ok(3)],
    [kernel, '3, 5', ok([3, 5])],
    [kernel, '3×3', ok(3)],
    [kernel, '3, 0', bad('model.err.min', { min: 1 })],
    [kernel, '1 2 3', bad('model.err.pair')],
    [stride, '', ok(undefined)],
    [momentum, '', ok(null)],
    [shape, '4, 64', ok([4, 64])],
    [shape, '64', ok([64])],
    [shape, '6.4', bad('model.err.ints')],
  ])('%o %j', (info, text, want) => {
    expect(parseArg(info, text)).toEqual(want);
  });

  it('formats values and knows when the typed text already says them', () => {
    expect(formatArg([3, 5])).toBe('3, 5');
    expect(formatArg(null)).toBe('');
    expect(formatArg(0.5)).toBe('0.5');
    expect(sameValue(p, '0.', 0)).toBe(true);
    expect(sameValue(p, '', undefined)).toBe(true);
    expect(sameValue(p, '', 0.5)).toBe(true); // blank is the default
    expect(sameValue(p, '0.3', 0.5)).toBe(false);
    expect(sameValue(p, '2', 2)).toBe(false); // invalid text never stands for a value
  });
});

const dropout: LayerInfo = { kind: 'Dropout', category: 'Dropout family', nameBase: 'dropout', description: '', descriptionZh: '', traits: { stochastic: { rate: 'p' } }, args: [p, { name: 'schedule', type: 'schedule', default: null, required: false, doc: '', docZh: '' }] };
const gauss: LayerInfo = { kind: 'GaussianNoise', category: 'Dropout family', nameBase: 'gaussian_noise', description: '', descriptionZh: '', traits: { stochastic: { rate: 'stddev' } }, args: [{ ...p, name: 'stddev', default: 0.1 }, { name: 'schedule', type: 'schedule', default: null, required: false, doc: '', docZh: '' }] };
const block: LayerInfo = {
  kind: 'TransformerEncoderBlock', category: 'Attention & sequence', nameBase: 'block', description: '', descriptionZh: '', traits: {},
  args: [{ name: 'dropout', type: 'float', default: 0.1, required: false, doc: '', docZh: '' }, ...['attn_dropout', 'dropout1', 'ffn_dropout', 'dropout2'].map((name) => ({ name, type: 'float?', default: null, required: false, doc: '', docZh: '' }))],
};

describe('card summaries', () => {
  it.each([
    [{ kind: 'Linear', in_features: 784, out_features: 128 }, undefined, '784 → 128'],
    [{ kind: 'Conv2d', in_channels: 3, out_channels: 32, kernel_size: 3, stride: 1, padding: 1 }, undefined, '3 → 32, k3 s1 p1'],
    [{ kind: 'MaxPool2d', kernel_size: 2, stride: null, padding: 0 }, undefined, 'k2 s2'],
    [{ kind: 'Dropout', p: 0.2 }, dropout, 'p = 0.2'],
    [{ kind: 'Dropout' }, dropout, 'p = 0.5'],
    [{ kind: 'GaussianNoise' }, gauss, 'σ = 0.1'],
    [{ kind: 'LayerNorm', normalized_shape: [4, 64] }, undefined, '[4, 64]'],
    [{ kind: 'ReLU' }, undefined, ''],
    [{ kind: 'GroupNorm', num_groups: 8, num_channels: 32 }, undefined, '8 × 4 ch'],
    [{ kind: 'TransformerEncoderBlock', d_model: 32, nhead: 8, dim_feedforward: 128, norm_first: true }, block, 'E = 32, h = 8, ff = 128, pre-norm'],
    [{ kind: 'StochasticDepth', p: 0.1, mode: 'row' }, undefined, 'p = 0.1, row'],
    [{ kind: 'Softmax' }, undefined, 'dim -1'],
  ])('%j', (layer, info, want) => {
    expect(summary(layer, info)).toBe(want);
  });

  it('finds the rate a schedule drives', () => {
    expect(rateArg(dropout)).toBe('p');
    expect(rateArg(gauss)).toBe('stddev');
    expect(rateArg(block)).toBeNull();
  });

  it('lists a Transformer block’s dropouts with overrides resolved', () => {
    expect(innerDropouts({ kind: 'TransformerEncoderBlock', dropout: 0.2, ffn_dropout: 0 }, block)).toEqual([
      { name: 'attn_dropout', p: 0.2 }, { name: 'dropout1', p: 0.2 }, { name: 'ffn_dropout', p: 0 }, { name: 'dropout2', p: 0.2 },
    ]);
    expect(innerDropouts({ kind: 'Dropout' }, dropout)).toEqual([]);
  });

  it('writes shapes and counts compactly', () => {
    expect(shapeText([32, 16, 16])).toBe('[32, 16, 16]');
    expect(shapeText(null)).toBe('?');
    expect(compactCount(999)).toBe('999');
    expect(compactCount(16_640)).toBe('16.6k');
    expect(compactCount(1_234_567)).toBe('1.23M');
  });
});
