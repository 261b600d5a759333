/**
 * ReLU followed by MaxPool2d, which a Sequential runs as one pass, against
 * torch: values and gradients exactly (pooling and ReLU only pick values), on
 * inputs full of ties, zeros and windows with nothing positive; the article's
 * conv block within 1e-5. Inputs come from the generator's formulas
 * (test/fixtures/generate_relu_pool.py).
 */
import { describe, it, expect } from 'vitest';
import { Tensor, buildModel } from '../../../engine/index.ts';
import { decodeF32, loadFixture, type F32 } from '../../helpers/fixtures.ts';
import { expectClose } from '../../helpers/compare.ts';
import { hashUniform } from '../../helpers/formula.ts';

interface PoolCase {
  name: string;
  layers: ({ kind: string } & Record<string, unknown>)[];
  input_shape: number[];
  quantized: boolean;
  output: F32;
  gradInput: F32;
  gradWeight?: F32;
  gradBias?: F32;
}

const fixture = loadFixture<{ cases: PoolCase[] }>('relu-pool.json');
const formula = (shape: readonly number[], stream: number, fn = (v: number) => v) =>
  Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => fn(hashUniform(i, stream)));

function run(c: PoolCase, trace = false) {
  const { model } = buildModel({ input_shape: c.input_shape.slice(1), layers: c.layers.map((l, i) => ({ name: `l${i}`, ...l })) });
  const conv = c.layers[0];
  if (conv.kind === 'Conv2d') {
    const [cin, cout] = [Number(conv.in_channels), Number(conv.out_channels)];
    const bound = 1 / Math.sqrt(cin * 9);
    const wShape = [cout, cin, 3, 3];
    model.loadStateDict(new Map([
      ['l0.weight', { shape: wShape, data: formula(wShape, 4001, (v) => bound * v) }],
      ['l0.bias', { shape: [cout], data: formula([cout], 4002, (v) => bound * v) }],
    ]));
  }
  const x = new Tensor(formula(c.input_shape, 4000, c.quantized ? (v) => Math.floor(4 * v) / 2 : undefined), c.input_shape, true);
  const y = trace ? model.forwardTrace(x, () => {}) : model.forward(x);
  const op = y.op;
  y.backward(new Tensor(formula(y.shape, 4003), [...y.shape]));
  return { y, op, x, params: new Map(model.namedParameters()) };
}

describe('ReLU then MaxPool2d matches torch (values and gradients)', () => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const { y, x, params } = run(c);
    expect([...y.shape]).toEqual(c.output.shape);
    // Pooling and ReLU only select values: exact, except after a convolution.
    const tol = c.quantized ? { atol: 0, rtol: 0 } : {};
    expectClose(y.data, decodeF32(c.output), 'output', tol);
    expectClose(x.grad!.data, decodeF32(c.gradInput), 'gradInput', tol);
    if (c.gradWeight) expectClose(params.get('l0.weight')!.grad!.data, decodeF32(c.gradWeight), 'gradWeight');
    if (c.gradBias) expectClose(params.get('l0.bias')!.grad!.data, decodeF32(c.gradBias), 'gradBias');
  });

  it('runs the pair as one op, and layer by layer (every output visible) when traced', () => {
    const c = fixture.cases[0];
    expect(run(c).op).toBe('relu_max_pool2d');
    const traced = run(c, true);
    expect(traced.op).toBe('max_pool2d');
    expectClose(traced.y.data, decodeF32(c.output), 'traced output', { atol: 0, rtol: 0 });
    expectClose(traced.x.grad!.data, decodeF32(c.gradInput), 'traced gradInput', { atol: 0, rtol: 0 });
  });
});
