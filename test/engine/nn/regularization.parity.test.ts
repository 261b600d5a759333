/** Dropout family and normalization layers against torch / torchvision (test/fixtures/generate_regularization.py). */
import { describe, expect, it } from 'vitest';
import { type Tensor } from '../../../engine/index.ts';
import { decodeF32, loadFixture, toTensor, type F32 } from '../../helpers/fixtures.ts';
import { expectClose } from '../../helpers/compare.ts';
import { buildLayer, runLayerCase, stateOf, type LayerCase } from '../../helpers/layer-parity.ts';

interface BatchNormRun {
  name: string;
  kind: string;
  args: Record<string, unknown>;
  params: Record<string, F32>;
  batches: F32[];
  buffersAfter: Record<string, F32>;
  evalInput: F32;
  gradOutput: F32;
  output: F32;
  gradInput: F32;
  gradParams: Record<string, F32>;
}

const fixture = loadFixture<{ cases: LayerCase[]; batchnorm_runs: BatchNormRun[] }>('regularization.json');
const TOL = { atol: 1e-5, rtol: 1e-5 };

describe('regularization layers match torch/torchvision (forward, gradients, buffers within 1e-5)', () => {
  it.each(fixture.cases.map((c) => [`${c.name}${c.mode === 'train' ? ' train' : ''}`, c] as const))('%s', (_n, c) => runLayerCase(c, TOL));
});

describe("BatchNorm's running statistics after 10 training batches equal torch's; eval then matches", () => {
  it.each(fixture.batchnorm_runs.map((r) => [r.name, r] as const))('%s', (_n, r) => {
    const bn = buildLayer({ kind: r.kind, args: r.args, input: r.evalInput });
    bn.loadStateDict(stateOf(r.params));
    bn.train();
    for (const b of r.batches) bn.forward(toTensor(b));
    const buffers = new Map(bn.namedBuffers());
    expect([...buffers.keys()].sort()).toEqual(Object.keys(r.buffersAfter).sort());
    for (const [k, v] of Object.entries(r.buffersAfter)) expectClose(buffers.get(k)?.data ?? [], decodeF32(v), `${k} after 10 steps`, TOL);

    bn.eval();
    const x: Tensor = toTensor(r.evalInput, true);
    const y = bn.forward(x);
    expectClose(y.data, decodeF32(r.output), 'eval output', TOL);
    y.backward(toTensor(r.gradOutput));
    expectClose(x.grad?.data ?? [], decodeF32(r.gradInput), 'eval input gradient', TOL);
    const params = new Map(bn.namedParameters());
    for (const [k, g] of Object.entries(r.gradParams)) expectClose(params.get(k)?.grad?.data ?? [], decodeF32(g), `eval gradient of ${k}`, TOL);
  });
});
