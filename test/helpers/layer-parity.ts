/**
 * Runs one layer fixture case through the registry, as the lab would build it,
 * and compares with torch: output, input gradient, parameter gradients, and
 * buffers after the forward. Random layers get the fixture's noise forced in,
 * and the noise shape they would have drawn must equal the fixture's.
 */
import { expect } from 'vitest';
import { buildModel, Generator, layerDef, resolveArgs, StochasticModule, type Module } from '../../engine/index.ts';
import { expectClose, expectShape, type Tolerance } from './compare.ts';
import { decodeF32, toTensor, type F32 } from './fixtures.ts';

export interface LayerCase {
  name: string;
  kind: string;
  args: Record<string, unknown>;
  mode: 'train' | 'eval';
  /** The input has no batch dimension: build the module directly, not through a spec. */
  unbatched?: boolean;
  input: F32;
  params: Record<string, F32>;
  noise?: F32 | null;
  gradOutput: F32;
  output: F32;
  gradInput: F32;
  gradParams: Record<string, F32>;
  buffersAfter?: Record<string, F32>;
}

export function stateOf(entries: Record<string, F32>): Map<string, { shape: number[]; data: Float32Array }> {
  return new Map(Object.entries(entries).map(([k, v]) => [k, { shape: v.shape, data: decodeF32(v) }]));
}

/** The one layer a case describes: through a one-layer spec (validated, shape-inferred) unless unbatched. */
export function buildLayer(c: Pick<LayerCase, 'kind' | 'args' | 'input' | 'unbatched'>): Module {
  if (!c.unbatched) {
    const { model } = buildModel({ input_shape: c.input.shape.slice(1), layers: [{ kind: c.kind, name: 'layer', ...c.args }] });
    return model.namedChildren()[0][1];
  }
  const def = layerDef(c.kind);
  if (!def) throw new Error(`unknown kind ${c.kind}`);
  const { args, problems } = resolveArgs(def, c.args);
  if (!args) throw new Error(problems.join('; '));
  return def.build(args, { shape: c.input.shape }, new Generator(0));
}

export function runLayerCase(c: LayerCase, tol: Tolerance = { atol: 1e-5, rtol: 1e-5 }): void {
  const layer = buildLayer(c);
  expect([...layer.stateDict().keys()], 'state_dict names and order as torch').toEqual(Object.keys(c.params));
  layer.loadStateDict(stateOf(c.params));
  if (c.mode === 'eval') layer.eval();
  if (c.noise) {
    expect(layer, 'a case with noise needs a stochastic layer').toBeInstanceOf(StochasticModule);
    (layer as StochasticModule).forcedNoise = decodeF32(c.noise);
  }

  const x = toTensor(c.input, true);
  const y = layer.forward(x);
  if (layer instanceof StochasticModule) {
    expect(layer.forcedNoise, 'forced noise is consumed by a training forward').toBeNull();
    if (c.noise) expect(layer.lastNoiseShape).toEqual(c.noise.shape);
    else expect(layer.lastNoise).toBeNull();
  }
  expectShape(y.shape, c.output.shape, 'output');
  expectClose(y.data, decodeF32(c.output), 'output', tol);
  y.backward(toTensor(c.gradOutput));
  expectClose(x.grad?.data ?? [], decodeF32(c.gradInput), 'input gradient', tol);
  const params = new Map(layer.namedParameters());
  expect([...params.keys()].sort()).toEqual(Object.keys(c.gradParams).sort());
  for (const [k, g] of Object.entries(c.gradParams)) expectClose(params.get(k)?.grad?.data ?? [], decodeF32(g), `gradient of ${k}`, tol);
  const buffers = new Map(layer.namedBuffers());
  for (const [k, b] of Object.entries(c.buffersAfter ?? {})) expectClose(buffers.get(k)?.data ?? [], decodeF32(b), `buffer ${k} after the forward`, tol);
}
