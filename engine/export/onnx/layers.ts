/**
 * What layer kinds share to lower themselves to ONNX opset 17: the context a
 * lowering gets and graph pieces several kinds use (a Linear, a LayerNorm,
 * GELU, normalisation over axes). Each kind's own lowering is its LayerDef's
 * `onnx` (engine/nn/layers/*); a stochastic kind without one is the identity,
 * as in eval mode. Weights keep their state_dict names as initializer names.
 */
import type { Args, OnnxLayerContext, OnnxLower } from '../../nn/layer-def.ts';
import type { Attr, OnnxGraph } from './graph.ts';

// Declared with the rest of a layer's declaration (layer-def.ts, which imports nothing of this file); here too for the layers' `onnx.` helpers.
export type { OnnxLayerContext, OnnxLower };

/** The layer's tensor `suffix` as an initializer, or null if the layer has none. */
export const init = (c: OnnxLayerContext, suffix: string): string | null => {
  const t = c.tensor(suffix);
  return t ? c.g.floats(`${c.name}.${suffix}`, t.shape, t.data) : null;
};

/** A filled vector initializer, for a tensor torch leaves out (affine=False). */
export const fill = (c: OnnxLayerContext, suffix: string, n: number, v: number): string => c.g.floats(`${c.name}.${suffix}`, [n], new Float32Array(n).fill(v));

/** Reshape to [batch, ...shape] (0 copies the batch dimension). */
export function reshapeTo(g: OnnxGraph, x: string, shape: number[], name: string): string {
  return g.node('Reshape', [x, g.ints(`${name}/shape`, [0, ...shape])], `${name}/Reshape`);
}

/** (x − mean)/√(var + eps) over `axes` with the biased variance, as the engine's normalize(). */
export function normalizeOver(g: OnnxGraph, x: string, axes: number[], eps: number, name: string): string {
  const mu = g.node('ReduceMean', [x], `${name}/mean`, { axes, keepdims: 1 });
  const d = g.node('Sub', [x, mu], `${name}/center`);
  const v = g.node('ReduceMean', [g.node('Mul', [d, d], `${name}/square`)], `${name}/var`, { axes, keepdims: 1 });
  const std = g.node('Sqrt', [g.node('Add', [v, g.floats(`${name}/eps`, [], [eps])], `${name}/add_eps`)], `${name}/std`);
  return g.node('Div', [d, std], `${name}/normalize`);
}

/** y = x·Wᵀ + b with the weights under `${name}.${sub}weight`; Gemm for vectors, MatMul over the last dimension otherwise. */
export function linear(c: OnnxLayerContext, x: string, sub = '', rank = c.input.shape.length): string {
  const w = init(c, `${sub}weight`) as string;
  const b = init(c, `${sub}bias`);
  const at = `${c.name}${sub ? `.${sub.slice(0, -1)}` : ''}`;
  if (rank === 1) return c.g.node('Gemm', b ? [x, w, b] : [x, w], `${at}/Gemm`, { transB: 1 });
  const y = c.g.node('MatMul', [x, c.g.node('Transpose', [w], `${at}/Transpose`, { perm: [1, 0] })], `${at}/MatMul`);
  return b ? c.g.node('Add', [y, b], `${at}/Add`) : y;
}

/** ONNX pads (begin and end per axis) for a torch padding pair. */
export const pads = ([a, b]: [number, number]) => [a, b, a, b];

/** A one-input node, e.g. unary('Relu') or unary('LeakyRelu', (a) => ({ alpha: … })). */
export function unary(op: string, attrs: (a: Args) => Record<string, Attr> = () => ({})): OnnxLower {
  return (c, x) => c.g.node(op, [x], `${c.name}/${op}`, attrs(c.args));
}

/** Adds nothing: Identity, and every stochastic kind in eval mode. */
export const identity: OnnxLower = (_c, x) => x;

/** LayerNormalization over the trailing dimensions `ns`, weights under `${name}.${sub}weight`. */
export function layerNormOver(c: OnnxLayerContext, x: string, ns: number[], eps: number, sub = ''): string {
  const n = ns.reduce((a, b) => a * b, 1);
  const scale = init(c, `${sub}weight`) ?? c.g.floats(`${c.name}.${sub}weight`, ns, new Float32Array(n).fill(1));
  const bias = init(c, `${sub}bias`) ?? c.g.floats(`${c.name}.${sub}bias`, ns, new Float32Array(n));
  return c.g.node('LayerNormalization', [x, scale, bias], `${c.name}${sub ? `.${sub.slice(0, -1)}` : ''}/LayerNormalization`, { axis: -ns.length, epsilon: { float: eps } });
}

/** GELU from primitives (opset 17 has no Gelu), exact or with the tanh approximation. */
export function gelu(c: OnnxLayerContext, x: string, approximate = c.args.values.approximate === 'tanh'): string {
  const g = c.g;
  const k = (v: number, n: string) => g.floats(`${c.name}/${n}`, [], [v]);
  const half = g.node('Mul', [x, k(0.5, 'half')], `${c.name}/half_x`);
  let inner: string;
  if (approximate) {
    // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
    const x3 = g.node('Mul', [g.node('Mul', [x, x], `${c.name}/x2`), x], `${c.name}/x3`);
    const arg = g.node('Mul', [g.node('Add', [x, g.node('Mul', [x3, k(0.044715, 'c')], `${c.name}/cx3`)], `${c.name}/poly`), k(Math.sqrt(2 / Math.PI), 'sqrt_2_over_pi')], `${c.name}/arg`);
    inner = g.node('Tanh', [arg], `${c.name}/Tanh`);
  } else {
    // 0.5·x·(1 + erf(x/√2))
    inner = g.node('Erf', [g.node('Mul', [x, k(Math.SQRT1_2, 'inv_sqrt2')], `${c.name}/scaled`)], `${c.name}/Erf`);
  }
  return g.node('Mul', [half, g.node('Add', [inner, k(1, 'one')], `${c.name}/one_plus`)], `${c.name}/Gelu`);
}

