/**
 * 3×3 stride-1 convolutions with many channels against torch (forward, input,
 * weight and bias gradients within 1e-5): the WebAssembly kernels take them
 * through Winograd, whose transforms round differently from direct
 * convolution. Inputs come from the generator's formulas; the fixture keeps
 * every `sample`-th value of each result (test/fixtures/generate_conv_wide.py).
 */
import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { Tensor, buildModel } from '../../../engine/index.ts';
import { FIXTURE_DIR, loadFixture } from '../../helpers/fixtures.ts';
import { expectClose } from '../../helpers/compare.ts';
import { hashUniform } from '../../helpers/formula.ts';

type Result = 'output' | 'gradInput' | 'gradWeight' | 'gradBias';
interface WideCase {
  name: string;
  args: { in_channels: number; out_channels: number; kernel_size: number; padding: number };
  input_shape: number[];
  output_shape: number[];
  offsets: Record<Result, number>;
  counts: Record<Result, number>;
}

const fixture = loadFixture<{ sample: number; cases: WideCase[] }>('conv-wide.json');
const bin = readFileSync(`${FIXTURE_DIR}conv-wide.bin`);
const kept = new Float32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength));

const formula = (shape: number[], stream: number, scale = 1) =>
  Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => scale * hashUniform(i, stream));
const sampled = (a: ArrayLike<number>) => Float32Array.from({ length: Math.ceil(a.length / fixture.sample) }, (_, j) => a[j * fixture.sample]);

describe('wide 3×3 convolutions match torch (values and gradients within 1e-5)', () => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const { model } = buildModel({ input_shape: c.input_shape.slice(1), layers: [{ kind: 'Conv2d', name: 'conv', ...c.args }] });
    const bound = 1 / Math.sqrt(c.args.in_channels * 9);
    const wShape = [c.args.out_channels, c.args.in_channels, 3, 3];
    model.loadStateDict(new Map([
      ['conv.weight', { shape: wShape, data: formula(wShape, 3001, bound) }],
      ['conv.bias', { shape: [c.args.out_channels], data: formula([c.args.out_channels], 3002, bound) }],
    ]));
    const x = new Tensor(formula(c.input_shape, 3000), c.input_shape, true);
    const y = model.forward(x);
    expect(y.shape).toEqual(c.output_shape);
    y.backward(new Tensor(formula(c.output_shape, 3003), c.output_shape));
    const params = new Map(model.namedParameters());
    const ours: Record<Result, ArrayLike<number>> = {
      output: y.data, gradInput: x.grad?.data ?? [], gradWeight: params.get('conv.weight')?.grad?.data ?? [], gradBias: params.get('conv.bias')?.grad?.data ?? [],
    };
    for (const key of Object.keys(ours) as Result[]) {
      const theirs = kept.subarray(c.offsets[key], c.offsets[key] + c.counts[key]);
      expectClose(sampled(ours[key]), theirs, key);
    }
  });
});
