/**
 * Each layer kind's eval-mode graph in ONNX opset 17, one table row per kind.
 * Dropout-like layers are the identity in eval (the article's point), so they
 * add no node. Weights keep their state_dict names as initializer names.
 * A kind without a row cannot be exported to ONNX yet; the error says which.
 */
import type { Args, ShapeInfo } from '../../nn/layer-def.ts';
import { layerDefs } from '../../nn/registry.ts';
import type { Attr, OnnxGraph } from './graph.ts';

export interface OnnxLayerContext {
  g: OnnxGraph;
  /** The layer's state_dict prefix, e.g. "fc1". */
  name: string;
  args: Args;
  /** Per-sample input and output shapes (the batch dimension is dynamic). */
  input: ShapeInfo;
  output: ShapeInfo;
  /** A tensor of this layer by its state_dict suffix ("weight"), or null if the layer has none. */
  tensor(suffix: string): { shape: number[]; data: Float32Array } | null;
}

type Lower = (c: OnnxLayerContext, x: string) => string;

const init = (c: OnnxLayerContext, suffix: string): string | null => {
  const t = c.tensor(suffix);
  return t ? c.g.floats(`${c.name}.${suffix}`, t.shape, t.data) : null;
};

const fill = (c: OnnxLayerContext, suffix: string, n: number, v: number): string => c.g.floats(`${c.name}.${suffix}`, [n], new Float32Array(n).fill(v));

/** Reshape to [batch, ...shape] (0 copies the batch dimension). */
export function reshapeTo(g: OnnxGraph, x: string, shape: number[], name: string): string {
  return g.node('Reshape', [x, g.ints(`${name}/shape`, [0, ...shape])], `${name}/Reshape`);
}

/** (x − mean)/√(var + eps) over `axes` with the biased variance, as the engine's normalize(). */
function normalizeOver(g: OnnxGraph, x: string, axes: number[], eps: number, name: string): string {
  const mu = g.node('ReduceMean', [x], `${name}/mean`, { axes, keepdims: 1 });
  const d = g.node('Sub', [x, mu], `${name}/center`);
  const v = g.node('ReduceMean', [g.node('Mul', [d, d], `${name}/square`)], `${name}/var`, { axes, keepdims: 1 });
  const std = g.node('Sqrt', [g.node('Add', [v, g.floats(`${name}/eps`, [], [eps])], `${name}/add_eps`)], `${name}/std`);
  return g.node('Div', [d, std], `${name}/normalize`);
}

function linear(c: OnnxLayerContext, x: string): string {
  const w = init(c, 'weight') as string;
  const b = init(c, 'bias');
  if (c.input.shape.length === 1) return c.g.node('Gemm', b ? [x, w, b] : [x, w], `${c.name}/Gemm`, { transB: 1 });
  const y = c.g.node('MatMul', [x, c.g.node('Transpose', [w], `${c.name}/Transpose`, { perm: [1, 0] })], `${c.name}/MatMul`);
  return b ? c.g.node('Add', [y, b], `${c.name}/Add`) : y;
}

const pair = (c: OnnxLayerContext, k: string) => c.args.pair(k);
const pads = ([a, b]: [number, number]) => [a, b, a, b];

function unary(op: string, attrs: (a: Args) => Record<string, Attr> = () => ({})): Lower {
  return (c, x) => c.g.node(op, [x], `${c.name}/${op}`, attrs(c.args));
}

const identity: Lower = (_c, x) => x;

function batchNorm(c: OnnxLayerContext, x: string): string {
  const C = c.args.int('num_features');
  const eps = c.args.float('eps');
  const scale = init(c, 'weight') ?? fill(c, 'weight', C, 1);
  const bias = init(c, 'bias') ?? fill(c, 'bias', C, 0);
  if (c.args.bool('track_running_stats')) {
    return c.g.node('BatchNormalization', [x, scale, bias, init(c, 'running_mean') as string, init(c, 'running_var') as string], `${c.name}/BatchNormalization`, { epsilon: { float: eps } });
  }
  // Without running statistics torch normalises with the batch's own, in eval too.
  const rank = c.input.shape.length + 1;
  const axes = [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2)];
  const perChannel = [C, ...Array<number>(rank - 2).fill(1)];
  const y = normalizeOver(c.g, x, axes, eps, c.name);
  const s = c.g.node('Reshape', [scale, c.g.ints(`${c.name}/channel_shape`, perChannel)], `${c.name}/weight_reshape`);
  const t = c.g.node('Reshape', [bias, c.g.ints(`${c.name}/channel_shape`, perChannel)], `${c.name}/bias_reshape`);
  return c.g.node('Add', [c.g.node('Mul', [y, s], `${c.name}/scale`), t], `${c.name}/shift`);
}

function layerNorm(c: OnnxLayerContext, x: string): string {
  const ns = c.args.ints('normalized_shape');
  const n = ns.reduce((a, b) => a * b, 1);
  const scale = init(c, 'weight') ?? c.g.floats(`${c.name}.weight`, ns, new Float32Array(n).fill(1));
  const bias = init(c, 'bias') ?? c.g.floats(`${c.name}.bias`, ns, new Float32Array(n));
  return c.g.node('LayerNormalization', [x, scale, bias], `${c.name}/LayerNormalization`, { axis: -ns.length, epsilon: { float: c.args.float('eps') } });
}

function groupNorm(c: OnnxLayerContext, x: string): string {
  const G = c.args.int('num_groups');
  const C = c.args.int('num_channels');
  const grouped = reshapeTo(c.g, x, [G, -1], `${c.name}/group`);
  const y = reshapeTo(c.g, normalizeOver(c.g, grouped, [2], c.args.float('eps'), c.name), c.input.shape, `${c.name}/ungroup`);
  const w = c.tensor('weight');
  if (!w) return y;
  const perChannel = [C, ...Array<number>(c.input.shape.length - 1).fill(1)];
  const s = c.g.floats(`${c.name}.weight`, perChannel, w.data);
  const t = c.g.floats(`${c.name}.bias`, perChannel, (c.tensor('bias') as { data: Float32Array }).data);
  return c.g.node('Add', [c.g.node('Mul', [y, s], `${c.name}/scale`), t], `${c.name}/shift`);
}

function gelu(c: OnnxLayerContext, x: string): string {
  const g = c.g;
  const k = (v: number, n: string) => g.floats(`${c.name}/${n}`, [], [v]);
  const half = g.node('Mul', [x, k(0.5, 'half')], `${c.name}/half_x`);
  let inner: string;
  if (c.args.str('approximate') === 'tanh') {
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

function maxPool(c: OnnxLayerContext, x: string): string {
  const k = pair(c, 'kernel_size');
  return c.g.node('MaxPool', [x], `${c.name}/MaxPool`, { kernel_shape: k, strides: c.args.pairOrNull('stride') ?? k, pads: pads(pair(c, 'padding')), dilations: pair(c, 'dilation'), ceil_mode: +c.args.bool('ceil_mode') });
}

function avgPool(c: OnnxLayerContext, x: string): string {
  const k = pair(c, 'kernel_size');
  const div = c.args.optionalNum('divisor_override');
  const include = c.args.bool('count_include_pad') || div !== null;
  if (div !== null && c.args.bool('ceil_mode')) throw new Error(`${c.name}: AvgPool2d with divisor_override and ceil_mode has no ONNX form; drop one of them`);
  const y = c.g.node('AveragePool', [x], `${c.name}/AveragePool`, { kernel_shape: k, strides: c.args.pairOrNull('stride') ?? k, pads: pads(pair(c, 'padding')), ceil_mode: +c.args.bool('ceil_mode'), count_include_pad: +include });
  return div === null ? y : c.g.node('Mul', [y, c.g.floats(`${c.name}/divisor`, [], [(k[0] * k[1]) / div])], `${c.name}/divisor_override`);
}

function adaptiveAvgPool(c: OnnxLayerContext, x: string): string {
  const [, h, w] = c.input.shape;
  const [oh, ow] = pair(c, 'output_size');
  if (oh === 1 && ow === 1) return c.g.node('GlobalAveragePool', [x], `${c.name}/GlobalAveragePool`);
  if (h % oh !== 0 || w % ow !== 0) throw new Error(`${c.name}: AdaptiveAvgPool2d from ${h}×${w} to ${oh}×${ow} has uneven windows, which ONNX pooling cannot express; choose an output size dividing the input`);
  return c.g.node('AveragePool', [x], `${c.name}/AveragePool`, { kernel_shape: [h / oh, w / ow], strides: [h / oh, w / ow] });
}

const SELU = { alpha: { float: 1.6732632423543772 }, gamma: { float: 1.0507009873554805 } };

export const ONNX_LAYERS: Record<string, Lower> = {
  Linear: linear,
  DropConnect: linear, // eval: the plain Linear
  Flatten: (c, x) => reshapeTo(c.g, x, c.output.shape, c.name),
  Identity: identity,
  Conv2d: (c, x) => {
    const w = init(c, 'weight') as string;
    const b = init(c, 'bias');
    return c.g.node('Conv', b ? [x, w, b] : [x, w], `${c.name}/Conv`, { kernel_shape: pair(c, 'kernel_size'), strides: pair(c, 'stride'), pads: pads(pair(c, 'padding')), dilations: pair(c, 'dilation'), group: c.args.int('groups') });
  },
  MaxPool2d: maxPool,
  AvgPool2d: avgPool,
  AdaptiveAvgPool2d: adaptiveAvgPool,
  ReLU: unary('Relu'),
  LeakyReLU: unary('LeakyRelu', (a) => ({ alpha: { float: a.float('negative_slope') } })),
  GELU: gelu,
  ELU: unary('Elu', (a) => ({ alpha: { float: a.float('alpha') } })),
  SELU: unary('Selu', () => SELU),
  Tanh: unary('Tanh'),
  Sigmoid: unary('Sigmoid'),
  Softmax: unary('Softmax', (a) => ({ axis: a.int('dim') })),
  LogSoftmax: unary('LogSoftmax', (a) => ({ axis: a.int('dim') })),
  Dropout: identity,
  Dropout1d: identity,
  Dropout2d: identity,
  Dropout3d: identity,
  AlphaDropout: identity,
  FeatureAlphaDropout: identity,
  GaussianDropout: identity,
  GaussianNoise: identity,
  DropBlock2d: identity,
  StochasticDepth: identity,
  DropPath: identity,
  BatchNorm1d: batchNorm,
  BatchNorm2d: batchNorm,
  LayerNorm: layerNorm,
  GroupNorm: groupNorm,
};

/** Registered kinds the ONNX exporter has no row for (yet). */
export function onnxUnsupportedKinds(): string[] {
  return layerDefs().map((d) => d.kind).filter((k) => !(k in ONNX_LAYERS));
}
