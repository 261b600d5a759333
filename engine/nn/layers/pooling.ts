/** nn.MaxPool2d, nn.AvgPool2d and nn.AdaptiveAvgPool2d. */
import type { Tensor } from '../../tensor/tensor.ts';
import { adaptiveAvgPool2d, avgPool2d, maxPool2d, poolOutSize, type AvgPool2dOptions, type Pool2dOptions } from '../../ops/pool.ts';
import { reshape } from '../../ops/movement.ts';
import type { Pair } from '../../ops/conv.ts';
import { Module } from '../module.ts';
import { defineLayer, LayerError, type Args, type ArgSpec, type ShapeInfo } from '../layer-def.ts';
import * as onnx from '../../export/onnx/layers.ts';
import { pairText } from '../layer-palette.ts';
import { pyPair, pyValue } from './python.ts';
import { isReLU } from './activations.ts';

/** Lifts an unbatched [C, H, W] input to [1, C, H, W] and back, as torch's pooling accepts both. */
function batched(x: Tensor, f: (x4: Tensor) => Tensor): Tensor {
  if (x.rank !== 3) return f(x);
  const y = f(reshape(x, [1, ...x.shape]));
  return reshape(y, y.shape.slice(1));
}

class PoolModule extends Module {
  /** afterReLU: this pooling of relu(x), in one pass (max pooling only). */
  constructor(private readonly fn: (x: Tensor) => Tensor, private readonly afterReLU?: (x: Tensor) => Tensor) {
    super();
  }

  forward(x: Tensor): Tensor {
    return batched(x, this.fn);
  }

  override fusedAfter(prev: Module): ((x: Tensor) => Tensor) | null {
    const fn = this.afterReLU;
    return fn && isReLU(prev) ? (x) => batched(x, fn) : null;
  }
}

const windowArgs: ArgSpec[] = [
  { name: 'kernel_size', type: 'pair', min: 1, doc: 'Window height and width.', docZh: '窗口的高和宽。' },
  { name: 'stride', type: 'pair?', default: null, min: 1, doc: 'Step between windows (default: kernel_size).', docZh: '窗口之间的步长（默认等于 kernel_size）。' },
  { name: 'padding', type: 'pair', default: 0, min: 0, doc: 'Implicit padding on each side (at most half the kernel).', docZh: '每一边的隐式填充（最多为窗口大小的一半）。' },
];

function poolOptions(a: Args): Pool2dOptions {
  const k = a.pair('kernel_size');
  return { kernelSize: k, stride: a.pairOrNull('stride') ?? k, padding: a.pair('padding'), ceilMode: a.bool('ceil_mode') };
}

function inferPool(o: Pool2dOptions, input: ShapeInfo): ShapeInfo {
  if (input.shape.length !== 3) throw new LayerError(`expects an image input [channels, height, width] but receives [${input.shape.join(', ')}]`, 'put it before any Flatten');
  const [c, h, w] = input.shape;
  const [kh, kw] = o.kernelSize;
  const [sh, sw] = o.stride ?? o.kernelSize;
  const [ph, pw] = o.padding ?? [0, 0];
  const [dh, dw] = o.dilation ?? [1, 1];
  if (2 * ph > kh || 2 * pw > kw) throw new LayerError(`padding ${ph}×${pw} is more than half of kernel ${kh}×${kw}`, `use padding at most ${Math.floor(kh / 2)}`);
  const oh = poolOutSize(h, kh, sh, ph, dh, o.ceilMode ?? false);
  const ow = poolOutSize(w, kw, sw, pw, dw, o.ceilMode ?? false);
  if (oh <= 0 || ow <= 0) throw new LayerError(`input ${h}×${w} is too small for a ${kh}×${kw} window`, 'reduce kernel_size or remove an earlier pooling layer');
  return { shape: [c, oh, ow] };
}

/** Window, stride and padding as a card shows them: k2 s2, k3 s1 p1. */
const windowSummary = (v: Readonly<Record<string, unknown>>) => `k${pairText(v.kernel_size)} s${pairText(v.stride ?? v.kernel_size)}${v.padding ? ` p${pairText(v.padding)}` : ''}`;

function pyPool(name: string, a: Args, extra: string[]): string {
  const k = a.pair('kernel_size');
  const s = a.pairOrNull('stride');
  const p = a.pair('padding');
  const parts = [
    pyPair(k),
    s && (s[0] !== k[0] || s[1] !== k[1]) ? `stride=${pyPair(s)}` : '',
    p[0] || p[1] ? `padding=${pyPair(p)}` : '',
    a.bool('ceil_mode') ? 'ceil_mode=True' : '',
    ...extra,
  ].filter(Boolean);
  return `nn.${name}(${parts.join(', ')})`;
}

function maxPoolOnnx(c: onnx.OnnxLayerContext, x: string): string {
  const k = c.args.pair('kernel_size');
  return c.g.node('MaxPool', [x], `${c.name}/MaxPool`, { kernel_shape: k, strides: c.args.pairOrNull('stride') ?? k, pads: onnx.pads(c.args.pair('padding')), dilations: c.args.pair('dilation'), ceil_mode: +c.args.bool('ceil_mode') });
}

function avgPoolOnnx(c: onnx.OnnxLayerContext, x: string): string {
  const k = c.args.pair('kernel_size');
  const div = c.args.optionalNum('divisor_override');
  const include = c.args.bool('count_include_pad') || div !== null;
  if (div !== null && c.args.bool('ceil_mode')) throw new Error(`${c.name}: AvgPool2d with divisor_override and ceil_mode has no ONNX form; drop one of them`);
  const y = c.g.node('AveragePool', [x], `${c.name}/AveragePool`, { kernel_shape: k, strides: c.args.pairOrNull('stride') ?? k, pads: onnx.pads(c.args.pair('padding')), ceil_mode: +c.args.bool('ceil_mode'), count_include_pad: +include });
  return div === null ? y : c.g.node('Mul', [y, c.g.floats(`${c.name}/divisor`, [], [(k[0] * k[1]) / div])], `${c.name}/divisor_override`);
}

function adaptiveAvgPoolOnnx(c: onnx.OnnxLayerContext, x: string): string {
  const [, h, w] = c.input.shape;
  const [oh, ow] = c.args.pair('output_size');
  if (oh === 1 && ow === 1) return c.g.node('GlobalAveragePool', [x], `${c.name}/GlobalAveragePool`);
  if (h % oh !== 0 || w % ow !== 0) throw new Error(`${c.name}: AdaptiveAvgPool2d from ${h}×${w} to ${oh}×${ow} has uneven windows, which ONNX pooling cannot express; choose an output size dividing the input`);
  return c.g.node('AveragePool', [x], `${c.name}/AveragePool`, { kernel_shape: [h / oh, w / ow], strides: [h / oh, w / ow] });
}

export const MaxPool2dLayer = defineLayer({
  kind: 'MaxPool2d',
  category: 'Pooling',
  description: 'Keeps the largest value in each window: downsamples and adds small shift invariance.',
  descriptionZh: '保留每个窗口中的最大值：实现下采样，并带来少许平移不变性。',
  args: [
    ...windowArgs,
    { name: 'dilation', type: 'pair', default: 1, min: 1, doc: 'Spacing between window taps.', docZh: '窗口内各采样点之间的间距。' },
    { name: 'ceil_mode', type: 'bool', default: false, doc: 'Round the output size up instead of down.', docZh: '输出尺寸向上取整，而不是向下取整。' },
  ],
  nameBase: 'pool',
  insertDefaults: () => ({ kernel_size: 2 }),
  summary: windowSummary,
  infer: (a, input) => inferPool({ ...poolOptions(a), dilation: a.pair('dilation') }, input),
  build: (a) => {
    const o = { ...poolOptions(a), dilation: a.pair('dilation') };
    return new PoolModule((x) => maxPool2d(x, o), (x) => maxPool2d(x, o, true));
  },
  onnx: maxPoolOnnx,
  torch: (a) => {
    const d = a.pair('dilation');
    return pyPool('MaxPool2d', a, d[0] !== 1 || d[1] !== 1 ? [`dilation=${pyPair(d)}`] : []);
  },
});

export const AvgPool2dLayer = defineLayer({
  kind: 'AvgPool2d',
  category: 'Pooling',
  description: 'Averages each window: a smooth downsampling.',
  descriptionZh: '对每个窗口取平均：一种平滑的下采样。',
  args: [
    ...windowArgs,
    { name: 'ceil_mode', type: 'bool', default: false, doc: 'Round the output size up instead of down.', docZh: '输出尺寸向上取整，而不是向下取整。' },
    { name: 'count_include_pad', type: 'bool', default: true, doc: 'Count padded zeros in the average.', docZh: '求平均时把填充的零也计算在内。' },
    { name: 'divisor_override', type: 'int?', default: null, min: 1, doc: 'Divide by this instead of the window size.', docZh: '用这个数代替窗口大小作为除数。' },
  ],
  nameBase: 'pool',
  insertDefaults: () => ({ kernel_size: 2 }),
  summary: windowSummary,
  infer: (a, input) => inferPool(poolOptions(a), input),
  build: (a) => {
    const o: AvgPool2dOptions = { ...poolOptions(a), countIncludePad: a.bool('count_include_pad'), divisorOverride: a.optionalNum('divisor_override') };
    return new PoolModule((x) => avgPool2d(x, o));
  },
  onnx: avgPoolOnnx,
  torch: (a) =>
    pyPool('AvgPool2d', a, [
      a.bool('count_include_pad') ? '' : 'count_include_pad=False',
      a.optionalNum('divisor_override') !== null ? `divisor_override=${pyValue(a.optionalNum('divisor_override'))}` : '',
    ]),
});

export const AdaptiveAvgPool2dLayer = defineLayer({
  kind: 'AdaptiveAvgPool2d',
  category: 'Pooling',
  description: 'Averages into a fixed output size whatever the input size (1 = global average pooling).',
  descriptionZh: '不论输入尺寸如何，都平均池化到固定的输出尺寸（1 即全局平均池化）。',
  args: [{ name: 'output_size', type: 'pair', min: 1, doc: 'Output height and width.', docZh: '输出的高和宽。' }],
  nameBase: 'pool',
  insertDefaults: () => ({ output_size: 1 }),
  summary: (v) => `→ ${pairText(v.output_size)}`,
  infer(a, input) {
    if (input.shape.length !== 3) throw new LayerError(`expects an image input [channels, height, width] but receives [${input.shape.join(', ')}]`, 'put it before any Flatten');
    return { shape: [input.shape[0], ...a.pair('output_size')] };
  },
  build: (a) => {
    const size: Pair = a.pair('output_size');
    return new PoolModule((x) => adaptiveAvgPool2d(x, size));
  },
  onnx: adaptiveAvgPoolOnnx,
  torch: (a) => `nn.AdaptiveAvgPool2d(${pyPair(a.pair('output_size'))})`,
});
