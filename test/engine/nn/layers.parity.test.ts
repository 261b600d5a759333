/** Every layer kind, built through the registry from torch's constructor arguments, against torch. */
import { describe, it, expect } from 'vitest';
import { buildModel, type Tensor } from '../../../engine/index.ts';
import { Dropout } from '../../../engine/nn/layers/dropout.ts';
import { decodeF32, loadFixture, toTensor, type F32 } from '../../helpers/fixtures.ts';
import { expectClose, expectShape } from '../../helpers/compare.ts';

interface LayerCase {
  name: string;
  kind: string;
  args: Record<string, unknown>;
  mode: 'train' | 'eval';
  input: F32;
  params: Record<string, F32>;
  mask?: F32;
  gradOutput: F32;
  output: F32;
  gradInput: F32;
  gradParams: Record<string, F32>;
}

const { cases } = loadFixture<{ cases: LayerCase[] }>('layers.json');

describe('layers match torch (forward, input and parameter gradients within 1e-5)', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const spec = { input_shape: c.input.shape.slice(1), layers: [{ kind: c.kind, name: 'layer', ...c.args }] };
    const { model } = buildModel(spec);
    const layer = model.namedChildren()[0][1];
    const params = new Map(Object.entries(c.params).map(([k, v]) => [`layer.${k}`, { shape: v.shape, data: decodeF32(v) }]));
    model.loadStateDict(params);
    if (c.mode === 'eval') model.eval();
    if (c.mask && layer instanceof Dropout) layer.forcedMask = decodeF32(c.mask);

    const x: Tensor = toTensor(c.input, true);
    const y = model.forward(x);
    expectShape(y.shape, c.output.shape, 'output');
    expectClose(y.data, decodeF32(c.output), 'output');
    y.backward(toTensor(c.gradOutput));
    expectClose(x.grad?.data ?? [], decodeF32(c.gradInput), 'input gradient');
    const named = new Map(model.namedParameters());
    for (const [k, g] of Object.entries(c.gradParams)) expectClose(named.get(`layer.${k}`)?.grad?.data ?? [], decodeF32(g), `gradient of ${k}`);
    expect(named.size).toBe(Object.keys(c.params).length);
  });
});
