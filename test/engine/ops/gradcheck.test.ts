/** Finite-difference checks for every primitive: each op that states its own backward rule. */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as E from '../../../engine/index.ts';
import { Generator, Tensor } from '../../../engine/index.ts';
import { gradcheck } from '../../helpers/gradcheck.ts';

const gen = new Generator(2024);
const randn = (...shape: number[]) => new Tensor(gen.normal(shape.reduce((a, b) => a * b, 1)), shape);
/** Values at least 0.1 away from 0, so kinks (relu, abs, max) stay outside ±ε. */
const awayFromZero = (...shape: number[]) => {
  const t = randn(...shape);
  t.data.forEach((v, i) => (t.data[i] = v + (v >= 0 ? 0.1 : -0.1)));
  return t;
};
const positive = (...shape: number[]) => new Tensor(gen.uniform(shape.reduce((a, b) => a * b, 1), 0.5, 2), shape);
/** Distinct values (spaced > 2ε) so max and max-pooling have no ties under perturbation. */
const distinct = (...shape: number[]) => {
  const n = shape.reduce((a, b) => a * b, 1);
  const perm = gen.permutation(n);
  return new Tensor(Float32Array.from(perm, (p) => p * 0.05 - n * 0.025), shape);
};

type Case = [name: string, fn: (...xs: Tensor[]) => Tensor, inputs: () => Tensor[]];

const cases: Case[] = [
  ...(['neg', 'exp', 'tanh', 'sigmoid', 'erf', 'softplus'] as const).map((op): Case => [op, (x) => E.unary(op, x), () => [randn(3, 4)]]),
  ['log', (x) => E.log(x), () => [positive(3, 4)]],
  ['sqrt', (x) => E.sqrt(x), () => [positive(3, 4)]],
  ['relu', (x) => E.relu(x), () => [awayFromZero(3, 4)]],
  ['abs', (x) => E.abs(x), () => [awayFromZero(3, 4)]],
  ['pow', (x) => E.pow(x, 3), () => [randn(3, 4)]],
  ['affine', (x) => E.affine(x, -1.5, 0.25), () => [randn(3, 4)]],
  ['add (broadcast)', (a, b) => E.add(a, b), () => [randn(2, 3, 4), randn(3, 1)]],
  ['sub (broadcast)', (a, b) => E.sub(a, b), () => [randn(3, 4), randn(4)]],
  ['mul (broadcast)', (a, b) => E.mul(a, b), () => [randn(2, 1, 3), randn(4, 1)]],
  ['div (broadcast)', (a, b) => E.div(a, b), () => [randn(3, 4), positive(1, 4)]],
  ['maximum', (a, b) => E.maximum(a, b), () => { const a = distinct(3, 4); return [a, new Tensor(a.data.map((v, i) => v + (i % 2 ? 0.5 : -0.5)), [3, 4])]; }],
  ['where', (a, b) => E.where(new Tensor(Float32Array.from({ length: 12 }, (_, i) => (i % 3 === 0 ? 1 : 0)), [3, 4]), a, b), () => [randn(3, 4), randn(4)]],
  ['sum', (x) => E.sum(x, [0, 2], true), () => [randn(2, 3, 4)]],
  ['sum (all)', (x) => E.sum(x), () => [randn(2, 3)]],
  ['max', (x) => E.max(x, 1), () => [distinct(3, 5, 2)]],
  ['softmax', (x) => E.softmax(x, 1), () => [randn(2, 4, 3)]],
  ['log_softmax', (x) => E.logSoftmax(x, -1), () => [randn(3, 5)]],
  ['layer_norm', (x, w, b) => E.layerNorm(x, 6, w, b), () => [randn(3, 2, 3), randn(6), randn(6)]],
  ['layer_norm without affine', (x) => E.layerNorm(x, 4, null, null, 1e-3), () => [randn(3, 4)]],
  ['reshape', (x) => E.reshape(x, [6, -1]), () => [randn(2, 3, 4)]],
  ['permute', (x) => E.permute(x, [2, 0, 1]), () => [randn(2, 3, 4)]],
  ['expand', (x) => E.expand(x, [2, 3, 4]), () => [randn(3, 1)]],
  ['slice', (x) => E.slice(x, 1, 1, 3), () => [randn(2, 4, 3)]],
  ['concat', (a, b) => E.concat([a, b], 1), () => [randn(2, 3), randn(2, 2)]],
  ['pad2d', (x) => E.pad2d(x, [1, 0, 2, 1]), () => [randn(1, 2, 3, 3)]],
  ['gather', (x) => E.gather(x, 1, Int32Array.from([0, 2, 2, 1, 3, 0]), [3, 2]), () => [randn(3, 4)]],
  ['index_select', (x) => E.indexSelect(x, 0, Int32Array.from([2, 0, 2])), () => [randn(3, 4)]],
  ['matmul', (a, b) => E.matmul(a, b), () => [randn(3, 4), randn(4, 5)]],
  ['matmul transA', (a, b) => E.matmul(a, b, { transA: true }), () => [randn(4, 3), randn(4, 5)]],
  ['matmul transB', (a, b) => E.matmul(a, b, { transB: true }), () => [randn(3, 4), randn(5, 4)]],
  ['matmul transA transB', (a, b) => E.matmul(a, b, { transA: true, transB: true }), () => [randn(4, 3), randn(5, 4)]],
  ['matmul batched, shared b', (a, b) => E.matmul(a, b, { transB: true }), () => [randn(2, 3, 4), randn(5, 4)]],
  ['linear', (x, w, b) => E.linear(x, w, b), () => [randn(2, 3, 4), randn(5, 4), randn(5)]],
  ['matmul batched', (a, b) => E.matmul(a, b), () => [randn(2, 3, 4), randn(2, 4, 2)]],
  ['conv2d', (x, w, b) => E.conv2d(x, w, b), () => [randn(2, 2, 5, 4), randn(3, 2, 3, 3), randn(3)]],
  ['conv2d stride/pad/dilation/groups', (x, w) => E.conv2d(x, w, null, { stride: [2, 1], padding: [1, 2], dilation: [1, 2], groups: 2 }), () => [randn(1, 4, 6, 5), randn(4, 2, 3, 2)]],
  ['max_pool2d', (x) => E.maxPool2d(x, { kernelSize: [2, 2], padding: [1, 1], stride: [2, 1] }), () => [distinct(1, 2, 4, 5)]],
  ['avg_pool2d', (x) => E.avgPool2d(x, { kernelSize: [3, 3], stride: [2, 2], padding: [1, 1], ceilMode: true, countIncludePad: false }), () => [randn(1, 2, 6, 5)]],
  ['adaptive_avg_pool2d', (x) => E.adaptiveAvgPool2d(x, [2, 3]), () => [randn(1, 2, 5, 7)]],
];

const covered = new Set<string>();

describe('autograd agrees with finite differences', () => {
  it.each(cases)('%s', (_name, fn, inputs) => {
    for (const op of gradcheck(fn, inputs())) covered.add(op);
  });
});

describe('coverage', () => {
  it('every primitive declared in engine/ops has a finite-difference case', () => {
    const dir = fileURLToPath(new URL('../../../engine/ops/', import.meta.url));
    const declared = new Set<string>([...Object.keys(E.unaryRules), ...E.binaryOps]);
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.ts'))) {
      for (const m of readFileSync(dir + f, 'utf8').matchAll(/fromOp\('([a-z_0-9]+)'/g)) declared.add(m[1]);
    }
    expect(declared.size).toBeGreaterThan(25);
    expect([...declared].filter((op) => !covered.has(op))).toEqual([]);
  });
});
