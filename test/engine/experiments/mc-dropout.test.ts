/**
 * MC-dropout against closed forms: a 2-input model whose four possible
 * dropout masks are forced one per pass, so the predictive mean, std,
 * entropy and mutual information are plain sums the test writes out itself.
 */
import { describe, expect, it } from 'vitest';
import { buildModel, Generator, Tensor, type ModelSpec } from '../../../engine/index.ts';
import { mcPredict, mostUncertain, withDropoutActive } from '../../../engine/experiments/mc-dropout.ts';
import type { Dropout } from '../../../engine/nn/layers/dropout.ts';
import type { Module } from '../../../engine/nn/module.ts';

const MASKS = [[1, 1], [1, 0], [0, 1], [0, 0]];
const W = [[1, -2], [0.5, 3]];
const B = [0.25, -0.5];
const X = [[1, 2], [-1, 0.5]];

function tinyModel(out: 1 | 2): { model: Module; drop: Dropout } {
  const spec: ModelSpec = { input_shape: [2], layers: [{ kind: 'Dropout', name: 'drop', p: 0.5 }, { kind: 'Linear', name: 'fc', in_features: 2, out_features: out }] };
  const { model } = buildModel(spec);
  model.loadStateDict(new Map([
    ['fc.weight', { shape: [out, 2], data: Float32Array.from(W.slice(0, out).flat()) }],
    ['fc.bias', { shape: [out], data: Float32Array.from(B.slice(0, out)) }],
  ]));
  model.eval();
  return { model, drop: model.namedModules().find(([n]) => n === 'drop')![1] as Dropout };
}

/** Pass t keeps MASKS[t] for every sample; survivors scaled by 1/(1 − 0.5) = 2. */
const forceMasks = (drop: Dropout) => (t: number) => {
  drop.forcedMask = Float32Array.from(X.flatMap(() => MASKS[t]));
};

/** The layer by hand: W·(2·m⊙x) + b. */
const logits = (x: number[], m: number[], rows: number) => W.slice(0, rows).map((w, k) => w[0] * 2 * m[0] * x[0] + w[1] * 2 * m[1] * x[1] + B[k]);
const softmax = (z: number[]) => z.map((v) => Math.exp(v) / z.reduce((s, u) => s + Math.exp(u), 0));
const H = (p: number[]) => -p.reduce((s, v) => s + (v > 0 ? v * Math.log(v) : 0), 0);
const meanOf = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const stdOf = (v: number[]) => Math.sqrt(meanOf(v.map((u) => (u - meanOf(v)) ** 2)));

describe('MC-dropout matches closed forms over the four masks of a 2-unit Dropout(0.5)', () => {
  it('classification: mean softmax, per-class std, H[mean], E[H] and MI = H[mean] − E[H]', () => {
    const { model, drop } = tinyModel(2);
    const s = mcPredict(model, new Tensor(Float32Array.from(X.flat()), [2, 2]), { passes: 4, task: 'classification', batchSize: 2, beforePass: forceMasks(drop) });
    expect(s).toMatchObject({ samples: 2, width: 2, passes: 4 });
    X.forEach((x, i) => {
      const ps = MASKS.map((m) => softmax(logits(x, m, 2)));
      const mean = [0, 1].map((k) => meanOf(ps.map((p) => p[k])));
      const std = [0, 1].map((k) => stdOf(ps.map((p) => p[k])));
      const expected = meanOf(ps.map(H));
      for (let k = 0; k < 2; k++) {
        expect(s.mean[i * 2 + k]).toBeCloseTo(mean[k], 6);
        expect(s.std[i * 2 + k]).toBeCloseTo(std[k], 6);
      }
      expect(s.entropy![i]).toBeCloseTo(H(mean), 6);
      expect(s.expected_entropy![i]).toBeCloseTo(expected, 6);
      expect(s.mutual_information![i]).toBeCloseTo(H(mean) - expected, 6);
      expect(s.mutual_information![i]).toBeGreaterThan(0.01);
    });
  });

  it('regression: mean and std of the outputs over passes', () => {
    const { model, drop } = tinyModel(1);
    const s = mcPredict(model, new Tensor(Float32Array.from(X.flat()), [2, 2]), { passes: 4, task: 'regression', beforePass: forceMasks(drop) });
    X.forEach((x, i) => {
      const ys = MASKS.map((m) => logits(x, m, 1)[0]);
      expect(s.mean[i]).toBeCloseTo(meanOf(ys), 6);
      expect(s.std[i]).toBeCloseTo(stdOf(ys), 6);
    });
    expect(s.entropy).toBeNull();
    expect(s.mutual_information).toBeNull();
  });
});

describe('MC-dropout modes and seeds', () => {
  const spec: ModelSpec = {
    input_shape: [4],
    layers: [
      { kind: 'Linear', name: 'fc1', in_features: 4, out_features: 16 },
      { kind: 'BatchNorm1d', name: 'bn', num_features: 16 },
      { kind: 'ReLU' },
      { kind: 'Dropout', name: 'drop', p: 0.5 },
      { kind: 'Linear', name: 'fc2', in_features: 16, out_features: 3 },
    ],
  };
  const x = new Tensor(new Generator(2).normal(5 * 4), [5, 4]);

  it('keeps BatchNorm in eval (running stats untouched) while dropout draws, and restores every mode', () => {
    const { model } = buildModel(spec, { seed: 1 });
    model.train();
    const bn = model.namedModules().find(([n]) => n === 'bn')![1];
    const before = [...model.stateDict()].map(([k, t]) => [k, [...t.data]]);
    const modes: Record<string, boolean> = {};
    withDropoutActive(model, () => {
      for (const [n, m] of model.namedModules()) modes[n || 'root'] = m.training;
    });
    expect(modes).toMatchObject({ root: false, fc1: false, bn: false, drop: true, fc2: false });
    const s = mcPredict(model, x, { passes: 8, task: 'classification', seed: 3 });
    expect([...model.stateDict()].map(([k, t]) => [k, [...t.data]])).toEqual(before);
    expect(model.namedModules().every(([, m]) => m.training)).toBe(true);
    expect(bn.training).toBe(true);
    expect(Math.max(...s.mutual_information!)).toBeGreaterThan(0);
  });

  it('same seed and passes give the same numbers; another seed gives others', () => {
    const { model } = buildModel(spec, { seed: 1 });
    model.eval();
    const a = mcPredict(model, x, { passes: 6, task: 'classification', seed: 4 });
    expect(mcPredict(model, x, { passes: 6, task: 'classification', seed: 4, batchSize: 5 })).toEqual(a);
    expect(mcPredict(model, x, { passes: 6, task: 'classification', seed: 5 }).mean).not.toEqual(a.mean);
  });

  it('a model without dropout gives zero std and zero mutual information', () => {
    const { model } = buildModel({ ...spec, layers: spec.layers.filter((l) => l.kind !== 'Dropout') }, { seed: 1 });
    model.eval();
    const s = mcPredict(model, x, { passes: 5, task: 'classification' });
    expect(Math.max(...s.std)).toBeLessThan(1e-6);
    expect(Math.max(...s.mutual_information!)).toBeLessThan(1e-6);
    expect(s.entropy).toEqual(s.expected_entropy);
  });
});

describe('mostUncertain', () => {
  it('ranks samples by mutual information or entropy, highest first, ties by index', () => {
    const stats = { task: 'classification' as const, passes: 2, samples: 4, width: 2, mean: new Float32Array(8), std: new Float32Array(8), entropy: Float32Array.from([0.1, 0.6, 0.6, 0.3]), expected_entropy: new Float32Array(4), mutual_information: Float32Array.from([0.2, 0.05, 0.3, 0.2]) };
    expect(mostUncertain(stats, 'mutual_information', 3)).toEqual([2, 0, 3]);
    expect(mostUncertain(stats, 'entropy', 10)).toEqual([1, 2, 3, 0]);
  });
});
