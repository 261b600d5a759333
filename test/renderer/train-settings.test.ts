import { describe, expect, it } from 'vitest';
import { checkSettings, dropoutLayers, scheduleText, setAt, withEarlyStopping, withOptimizer, withSchedule } from '../../renderer/src/lib/train-settings.ts';
import { defaultSettings } from '../../engine/train/settings.ts';
import type { Catalog } from '../../renderer/src/lib/engine.svelte.ts';
import { durationUnits, formatDuration } from '../../renderer/src/lib/eta.ts';
import { checkNumber } from '../../renderer/src/lib/number-input.ts';

const arg = (name: string, d?: number) => ({ name, type: 'float', required: false, doc: '', docZh: '', ...(d === undefined ? {} : { default: d }) });
const catalog = {
  protocol: 1, backend: 'js', datasets: [],
  layers: [
    { kind: 'Linear', category: 'Core', nameBase: 'fc', description: '', descriptionZh: '', traits: {}, args: [arg('in_features'), arg('out_features')] },
    { kind: 'Dropout', category: 'Dropout family', nameBase: 'dropout', description: '', descriptionZh: '', traits: { stochastic: { rate: 'p' } }, args: [arg('p', 0.5), arg('schedule')] },
    { kind: 'GaussianNoise', category: 'Dropout family', nameBase: 'gaussian_noise', description: '', descriptionZh: '', traits: { stochastic: { rate: 'stddev' } }, args: [arg('stddev', 0.1)] },
    { kind: 'TransformerEncoderLayer', category: 'Attention & sequence', nameBase: 'block', description: '', descriptionZh: '', traits: {}, args: [arg('d_model'), arg('dropout', 0.1)] },
    { kind: 'Residual', category: 'Blocks', nameBase: 'res', description: '', descriptionZh: '', traits: {}, args: [] },
  ],
} as Catalog;

describe('training settings form', () => {
  it('edits one field without touching the original', () => {
    const s = defaultSettings();
    const next = setAt(s, ['optimizer', 'lr'], 0.05);
    expect(next.optimizer.lr).toBe(0.05);
    expect(s.optimizer.lr).toBe(0.001);
    expect(setAt(s, ['split', 'val_fraction'], 0.2).split.test_fraction).toBe(0.1);
    expect(setAt({ betas: [0.9, 0.999] }, ['betas', 1], 0.98).betas).toEqual([0.9, 0.98]);
  });

  it('reports invalid fields by path, as the engine would refuse them', () => {
    const bad = setAt(setAt(defaultSettings(), ['optimizer', 'lr'], -1), ['epochs'], 2.5);
    const r = checkSettings(bad);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(Object.keys(r.errors).sort()).toEqual(['epochs', 'optimizer.lr']);
    const good = checkSettings(setAt(defaultSettings(), ['epochs'], 3));
    expect(good.ok && good.value.epochs).toBe(3);
  });

  it('switches optimizer keeping the learning rate, and schedules and early stopping with defaults', () => {
    const s = setAt(defaultSettings(), ['optimizer', 'lr'], 0.02);
    expect(withOptimizer(s, 'sgd').optimizer).toEqual({ type: 'sgd', lr: 0.02, momentum: 0.9, nesterov: false });
    expect(checkSettings(withOptimizer(s, 'adamw')).ok).toBe(true);
    expect(withSchedule(setAt(s, ['epochs'], 30), 'step').lr_schedule).toEqual({ type: 'step', step_size: 10, gamma: 0.1 });
    expect(checkSettings(withSchedule(s, 'cosine')).ok).toBe(true);
    expect(withEarlyStopping(s, true).early_stopping?.patience).toBe(5);
    expect(withEarlyStopping(s, false).early_stopping).toBeNull();
  });
});

describe('dropout summary', () => {
  it('lists dropout-like layers inside blocks too, with rates, defaults and schedules', () => {
    const spec = {
      input_shape: [2],
      layers: [
        { kind: 'Linear', in_features: 2, out_features: 8 },
        { kind: 'Dropout', name: 'drop', p: 0.3, schedule: { type: 'linear', start: 0, end: 0.3, epochs: 5 } },
        { kind: 'Residual', name: 'res', layers: [{ kind: 'Linear' }, { kind: 'GaussianNoise' }] },
        { kind: 'TransformerEncoderLayer', d_model: 8, dropout: 0.2 },
      ],
    };
    const got = dropoutLayers(spec, catalog);
    expect(got.map((l) => [l.path, l.name, l.rateName, l.rate])).toEqual([
      [[1], 'drop', 'p', 0.3],
      [[2, 1], 'res.1', 'stddev', 0.1],
      [[3], '3', 'dropout', 0.2],
    ]);
    expect(scheduleText(got[0].schedule!)).toEqual({ key: 'train.sched.linear', vars: { start: 0, end: 0.3, n: 5, unit: 'epochs' } });
    expect(got[1].schedule).toBeNull();
  });
});

describe('durations', () => {
  it('reads like a progress line', () => {
    expect(formatDuration(83)).toBe('1m 23s');
    expect(formatDuration(4.6)).toBe('5s');
    expect(formatDuration(7500)).toBe('2h 05m');
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(65, durationUnits('zh'))).toBe('1分 5秒');
    expect(formatDuration(65, durationUnits('en'))).toBe('1m 5s');
  });
});

describe('number fields', () => {
  it('accept what the rules allow and say why they refuse the rest', () => {
    expect(checkNumber(' 500 ', { min: 4, int: true })).toEqual({ ok: true, value: 500 });
    expect(checkNumber('1.5', { int: true })).toEqual({ ok: false, key: 'train.err.int' });
    expect(checkNumber('2', { min: 4, max: 10 })).toEqual({ ok: false, key: 'train.err.range', vars: { min: '4', max: '10' } });
    expect(checkNumber('0', { min: 0, minExclusive: true, max: 10 })).toEqual({ ok: false, key: 'train.err.rangeOpen', vars: { min: '0', max: '10' } });
    expect(checkNumber('1e-3', { min: 0, minExclusive: true })).toEqual({ ok: true, value: 0.001 });
    expect(checkNumber('', {})).toEqual({ ok: false, key: 'train.err.required' });
    expect(checkNumber('', { optional: true })).toEqual({ ok: true, value: null });
    expect(checkNumber('abc', {})).toEqual({ ok: false, key: 'train.err.number' });
  });
});
