/**
 * Sequence layers and blocks against torch (test/fixtures/generate_sequence.py):
 * forward, attention weights, input/key/value and parameter gradients, with
 * torch's dropout masks replayed (attention weights, and every dropout of an
 * encoder block in training); and a small Transformer classifier trained
 * 5 Adam steps from formula-made weights, losses and weights within 1e-4 relative.
 */
import { describe, expect, it } from 'vitest';
import { Adam, buildModel, crossEntropy, StochasticModule, stochasticModules, Tensor } from '../../../engine/index.ts';
import { MultiheadAttention, type AttentionOptions } from '../../../engine/nn/layers/attention.ts';
import { TransformerEncoderBlock } from '../../../engine/nn/layers/transformer.ts';
import { decodeF32, loadFixture, toTensor, type F32 } from '../../helpers/fixtures.ts';
import { expectClose, expectShape } from '../../helpers/compare.ts';
import { buildLayer, stateOf } from '../../helpers/layer-parity.ts';
import { hashUniform } from '../../helpers/formula.ts';

interface SequenceCase {
  name: string;
  kind: string;
  args: Record<string, unknown>;
  mode: 'train' | 'eval';
  ids: boolean;
  input: F32;
  params: Record<string, F32>;
  noise: F32 | null;
  /** Per dropout submodule of an encoder block: its keep mask for this training forward. */
  noises: Record<string, F32> | null;
  call: { key: F32 | null; value: F32 | null; keyPaddingMask: F32 | null; attnMask: F32 | null; causal: boolean; averageAttnWeights: boolean } | null;
  gradOutput: F32;
  output: F32;
  weights: F32 | null;
  gradInput: F32 | null;
  gradKey: F32 | null;
  gradValue: F32 | null;
  gradParams: Record<string, F32>;
  tol: number;
}

interface Classifier {
  layers: Record<string, unknown>[];
  input_shape: number[];
  batch: number;
  classes: number;
  vocab: number;
  args: { lr: number; eps: number };
  losses: number[];
  final: Record<string, F32>;
}

const fixture = loadFixture<{ cases: SequenceCase[]; classifier: Classifier }>('sequence.json');

function runSequenceCase(c: SequenceCase): void {
  const tol = { atol: c.tol, rtol: c.tol };
  // Spec-style cases go through a one-layer spec (validation and shape inference); torch-style calls build the module.
  const layer = buildLayer({ kind: c.kind, args: c.args, input: c.input, unbatched: c.call !== null });
  expect([...layer.stateDict().keys()], 'state_dict names and order as torch').toEqual(Object.keys(c.params));
  layer.loadStateDict(stateOf(c.params));
  if (c.mode === 'eval') layer.eval();
  if (c.noise) (layer as StochasticModule).forcedNoise = decodeF32(c.noise);
  const modules = new Map(layer.namedModules());
  for (const [name, mask] of Object.entries(c.noises ?? {})) (modules.get(name) as StochasticModule).forcedNoise = decodeF32(mask);

  const x = toTensor(c.input, !c.ids);
  let y: Tensor;
  let weights: Tensor | null = null;
  const key = c.call?.key ? toTensor(c.call.key, true) : x;
  const value = c.call?.value ? toTensor(c.call.value, true) : x;
  if (c.call) {
    const opts: AttentionOptions = {
      keyPaddingMask: c.call.keyPaddingMask && toTensor(c.call.keyPaddingMask),
      attnMask: c.call.attnMask && toTensor(c.call.attnMask),
      causal: c.call.causal,
      averageAttnWeights: c.call.averageAttnWeights,
    };
    if (layer instanceof MultiheadAttention) ({ output: y, weights } = layer.attend(x, key, value, opts));
    else y = (layer as TransformerEncoderBlock).encode(x, opts);
  } else {
    if (layer instanceof MultiheadAttention) layer.keepAttention = true;
    y = layer.forward(x);
    if (layer instanceof MultiheadAttention) weights = layer.lastAttention;
  }
  // Every dropout drew exactly where torch did: forced masks consumed, shapes equal, no draws elsewhere.
  for (const [name, m] of stochasticModules(layer)) {
    const mask = name === '' ? c.noise : c.noises?.[name];
    expect(m.forcedNoise, `${name || c.kind}: a forced mask is consumed`).toBeNull();
    if (mask) expect(m.lastNoiseShape, `${name || c.kind} mask shape`).toEqual(mask.shape);
    else expect(m.lastNoise, `${name || c.kind} draws nothing`).toBeNull();
  }
  expectShape(y.shape, c.output.shape, 'output');
  expectClose(y.data, decodeF32(c.output), 'output', tol);
  if (c.weights) {
    expect(weights, 'attention weights').not.toBeNull();
    expectShape(weights!.shape, c.weights.shape, 'attention weights');
    expectClose(weights!.data, decodeF32(c.weights), 'attention weights', tol);
  }
  y.backward(toTensor(c.gradOutput));
  if (c.gradInput) expectClose(x.grad?.data ?? [], decodeF32(c.gradInput), 'input gradient', tol);
  else expect(x.grad, 'token ids get no gradient').toBeNull();
  if (c.gradKey) expectClose(key.grad?.data ?? [], decodeF32(c.gradKey), 'key gradient', tol);
  if (c.gradValue) expectClose(value.grad?.data ?? [], decodeF32(c.gradValue), 'value gradient', tol);
  const params = new Map(layer.namedParameters());
  expect([...params.keys()].sort()).toEqual(Object.keys(c.gradParams).sort());
  for (const [k, g] of Object.entries(c.gradParams)) expectClose(params.get(k)?.grad?.data ?? [], decodeF32(g), `gradient of ${k}`, tol);
}

describe('sequence layers and blocks match torch (1e-4 for attention, 1e-5 otherwise)', () => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_n, c) => runSequenceCase(c));
});

/** generate_sequence.py's weight formula, by state_dict name (an input, not an expected value). */
function formulaValue(name: string, shape: readonly number[], k: number, i: number): number {
  const h = hashUniform(i, 1000 + k);
  if (/norm\d*\.weight$/.test(name)) return 1 + 0.1 * h;
  if (shape.length === 1) return 0.1 * h;
  if (name === 'tok.weight' || name === 'pos.weight') return h;
  return h / Math.sqrt(shape[1]);
}

describe('a Transformer classifier (embedding + positions → 2 encoder blocks → mean → Linear) follows torch', () => {
  const f = fixture.classifier;
  it('5 Adam steps: losses and every final weight within 1e-4 relative; nested state_dict names as torch', () => {
    const { model, report } = buildModel({ input_shape: f.input_shape, layers: f.layers });
    const state = [...model.stateDict()];
    expect(state.map(([n]) => n)).toEqual(Object.keys(f.final));
    expect(report.totalParams).toBe(Object.values(f.final).reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1), 0));
    state.forEach(([name, t], k) => {
      for (let i = 0; i < t.size; i++) t.data[i] = formulaValue(name, t.shape, k, i);
    });
    const opt = new Adam(model.parameters(), { lr: f.args.lr, eps: f.args.eps });
    model.train();
    const L = f.input_shape[0];
    const losses: number[] = [];
    for (let s = 0; s < f.losses.length; s++) {
      const ids = new Tensor(new Float32Array(f.batch * L), [f.batch, L]);
      for (let i = 0; i < ids.size; i++) ids.data[i] = Math.floor((hashUniform(i, 2000 + s) + 1) * 0.5 * f.vocab);
      const target = Int32Array.from({ length: f.batch }, (_, n) => (7 * n + 3 * s) % f.classes);
      opt.zeroGrad();
      const loss = crossEntropy(model.forward(ids), target);
      losses.push(loss.item());
      loss.backward();
      opt.step();
    }
    expectClose(losses, f.losses, 'losses', { atol: 0, rtol: 1e-4 });
    const named = new Map(model.stateDict());
    for (const [name, t] of Object.entries(f.final)) expectClose(named.get(name)!.data, decodeF32(t), `final ${name}`, { atol: 1e-7, rtol: 1e-4 });
  });
});
