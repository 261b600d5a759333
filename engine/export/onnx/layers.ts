/**
 * Each layer kind's eval-mode graph in ONNX opset 17, one table row per kind.
 * Stochastic layers (the `stochastic` trait) are the identity in eval (the
 * article's point), so they need no row and add no node; DropConnect has one
 * because its eval form is a Linear. Weights keep their state_dict names as initializer names.
 * A kind without a row cannot be exported to ONNX yet; the error says which.
 */
import type { Args, ShapeInfo } from '../../nn/layer-def.ts';
import { layerDefs, traitsOf } from '../../nn/registry.ts';
import { sinusoidalTable } from '../../nn/layers/embedding.ts';
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

/** y = x·Wᵀ + b with the weights under `${name}.${sub}weight`; Gemm for vectors, MatMul over the last dimension otherwise. */
function linear(c: OnnxLayerContext, x: string, sub = '', rank = c.input.shape.length): string {
  const w = init(c, `${sub}weight`) as string;
  const b = init(c, `${sub}bias`);
  const at = `${c.name}${sub ? `.${sub.slice(0, -1)}` : ''}`;
  if (rank === 1) return c.g.node('Gemm', b ? [x, w, b] : [x, w], `${at}/Gemm`, { transB: 1 });
  const y = c.g.node('MatMul', [x, c.g.node('Transpose', [w], `${at}/Transpose`, { perm: [1, 0] })], `${at}/MatMul`);
  return b ? c.g.node('Add', [y, b], `${at}/Add`) : y;
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

function layerNormOver(c: OnnxLayerContext, x: string, ns: number[], eps: number, sub = ''): string {
  const n = ns.reduce((a, b) => a * b, 1);
  const scale = init(c, `${sub}weight`) ?? c.g.floats(`${c.name}.${sub}weight`, ns, new Float32Array(n).fill(1));
  const bias = init(c, `${sub}bias`) ?? c.g.floats(`${c.name}.${sub}bias`, ns, new Float32Array(n));
  return c.g.node('LayerNormalization', [x, scale, bias], `${c.name}${sub ? `.${sub.slice(0, -1)}` : ''}/LayerNormalization`, { axis: -ns.length, epsilon: { float: eps } });
}

const layerNorm: Lower = (c, x) => layerNormOver(c, x, c.args.ints('normalized_shape'), c.args.float('eps'));

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

function gelu(c: OnnxLayerContext, x: string, approximate = c.args.values.approximate === 'tanh'): string {
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

/**
 * Self-attention over (N, L, E) as the engine's MultiheadAttention: one packed
 * projection, per head softmax(q/√d · kᵀ + causal mask) · v, then out_proj.
 */
function selfAttention(c: OnnxLayerContext, x: string, sub: string, E: number, H: number, causal: boolean): string {
  const g = c.g;
  const L = c.input.shape[0];
  const D = E / H;
  const at = `${c.name}${sub ? `.${sub.slice(0, -1)}` : ''}`;
  const w = init(c, `${sub}in_proj_weight`) as string;
  const b = init(c, `${sub}in_proj_bias`);
  let qkv = g.node('MatMul', [x, g.node('Transpose', [w], `${at}/in_proj/Transpose`, { perm: [1, 0] })], `${at}/in_proj/MatMul`);
  if (b) qkv = g.node('Add', [qkv, b], `${at}/in_proj/Add`);
  // (N, L, 3E) → (3, N, H, L, D)
  const split = g.node('Transpose', [reshapeTo(g, qkv, [L, 3, H, D], `${at}/heads`)], `${at}/heads/Transpose`, { perm: [2, 0, 3, 1, 4] });
  const part = (i: number, n: string) => g.node('Gather', [split, g.ints(`${at}/${n}_index`, [i])], `${at}/${n}`, { axis: 0 });
  const squeeze = (t: string, n: string) => g.node('Squeeze', [t, g.ints(`${at}/${n}_axes`, [0])], `${at}/${n}_squeeze`);
  const q = squeeze(part(0, 'q'), 'q');
  const k = squeeze(part(1, 'k'), 'k');
  const v = squeeze(part(2, 'v'), 'v');
  const qs = g.node('Mul', [q, g.floats(`${at}/scale`, [], [1 / Math.sqrt(D)])], `${at}/q_scaled`);
  let scores = g.node('MatMul', [qs, g.node('Transpose', [k], `${at}/k_t`, { perm: [0, 1, 3, 2] })], `${at}/scores`);
  if (causal) {
    const mask = new Float32Array(L * L);
    for (let i = 0; i < L; i++) for (let j = i + 1; j < L; j++) mask[i * L + j] = -Infinity;
    scores = g.node('Add', [scores, g.floats(`${at}/causal_mask`, [L, L], mask)], `${at}/masked`);
  }
  const attn = g.node('Softmax', [scores], `${at}/Softmax`, { axis: -1 });
  const ctx = g.node('Transpose', [g.node('MatMul', [attn, v], `${at}/context`)], `${at}/context/Transpose`, { perm: [0, 2, 1, 3] });
  return linear(c, reshapeTo(g, ctx, [L, E], `${at}/merge`), `${sub}out_proj.`, 2);
}

function encoderBlock(c: OnnxLayerContext, x: string): string {
  const a = c.args;
  const E = a.int('d_model');
  const eps = a.float('layer_norm_eps');
  const sa = (h: string) => selfAttention(c, h, 'self_attn.', E, a.int('nhead'), a.bool('causal'));
  const ff = (h: string) => {
    const inner = linear(c, h, 'linear1.', 2);
    const act = a.str('activation') === 'gelu' ? gelu({ ...c, name: `${c.name}.activation` }, inner, false) : c.g.node('Relu', [inner], `${c.name}.activation/Relu`);
    return linear(c, act, 'linear2.', 2);
  };
  const norm = (h: string, n: 1 | 2) => layerNormOver(c, h, [E], eps, `norm${n}.`);
  const add = (p: string, q: string, n: string) => c.g.node('Add', [p, q], `${c.name}/${n}`);
  if (a.bool('norm_first')) {
    const h = add(x, sa(norm(x, 1)), 'residual1');
    return add(h, ff(norm(h, 2)), 'residual2');
  }
  const h = norm(add(x, sa(x), 'residual1'), 1);
  return norm(add(h, ff(h), 'residual2'), 2);
}

/** x + table[:L] for a positional layer; `table` is the learned weight or the fixed sin/cos values. */
function addPositions(c: OnnxLayerContext, x: string, table: string): string {
  const L = c.input.shape[0];
  const rows = c.g.node('Slice', [table, c.g.ints(`${c.name}/starts`, [0]), c.g.ints(`${c.name}/ends`, [L]), c.g.ints(`${c.name}/axes`, [0])], `${c.name}/Slice`);
  return c.g.node('Add', [x, rows], `${c.name}/Add`);
}

const SELU = { alpha: { float: 1.6732632423543772 }, gamma: { float: 1.0507009873554805 } };

/** Kinds that lower to something of their own; a stochastic kind without a row is the identity (see onnxLowering). */
const ONNX_LAYERS: Record<string, Lower> = {
  Linear: (c, x) => linear(c, x),
  DropConnect: (c, x) => linear(c, x), // eval: the plain Linear
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
  GELU: (c, x) => gelu(c, x),
  ELU: unary('Elu', (a) => ({ alpha: { float: a.float('alpha') } })),
  SELU: unary('Selu', () => SELU),
  Tanh: unary('Tanh'),
  Sigmoid: unary('Sigmoid'),
  Softmax: unary('Softmax', (a) => ({ axis: a.int('dim') })),
  LogSoftmax: unary('LogSoftmax', (a) => ({ axis: a.int('dim') })),
  BatchNorm1d: batchNorm,
  BatchNorm2d: batchNorm,
  LayerNorm: layerNorm,
  Embedding: (c, x) => c.g.node('Gather', [init(c, 'weight') as string, c.g.node('Cast', [x], `${c.name}/Cast`, { to: 7 })], `${c.name}/Gather`, { axis: 0 }),
  LearnedPositionalEmbedding: (c, x) => addPositions(c, x, init(c, 'weight') as string),
  SinusoidalPositionalEncoding: (c, x) => {
    const d = c.args.int('d_model');
    const L = c.input.shape[0];
    return c.g.node('Add', [x, c.g.floats(`${c.name}.pe`, [L, d], sinusoidalTable(L, d))], `${c.name}/Add`);
  },
  MultiheadAttention: (c, x) => selfAttention(c, x, '', c.args.int('embed_dim'), c.args.int('num_heads'), c.args.bool('causal')),
  TransformerEncoderBlock: encoderBlock,
  SequenceMean: (c, x) => c.g.node('ReduceMean', [x], `${c.name}/ReduceMean`, { axes: [c.args.int('dim')], keepdims: 0 }),
  GroupNorm: groupNorm,
};

/** How `kind` lowers: its row, else the identity for a stochastic layer (eval mode draws nothing), else undefined. */
export function onnxLowering(kind: string): Lower | undefined {
  return Object.hasOwn(ONNX_LAYERS, kind) ? ONNX_LAYERS[kind] : traitsOf(kind).stochastic ? identity : undefined;
}

/** Registered kinds the ONNX exporter cannot lower (yet). */
export function onnxUnsupportedKinds(): string[] {
  return layerDefs().map((d) => d.kind).filter((k) => !onnxLowering(k));
}
