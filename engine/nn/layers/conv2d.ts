/** nn.Conv2d with stride, padding, dilation, groups and bias. */
import type { Tensor } from '../../tensor/tensor.ts';
import type { Generator } from '../../tensor/random.ts';
import { conv2d, convOutSize, type Pair } from '../../ops/conv.ts';
import { reshape } from '../../ops/movement.ts';
import { uniformFanIn } from '../init.ts';
import { Module } from '../module.ts';
import { defineLayer, LayerError, type Args } from '../layer-def.ts';
import * as onnx from '../../export/onnx/layers.ts';
import { firstDim, pairText } from '../layer-palette.ts';
import { pyPair } from './python.ts';

export class Conv2d extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernelSize: Pair,
    readonly stride: Pair,
    readonly padding: Pair,
    readonly dilation: Pair,
    readonly groups: number,
    bias: boolean,
    gen: Generator,
  ) {
    super();
    const fanIn = (inChannels / groups) * kernelSize[0] * kernelSize[1];
    this.weight = this.registerParameter('weight', uniformFanIn([outChannels, inChannels / groups, ...kernelSize], fanIn, gen));
    this.bias = bias ? this.registerParameter('bias', uniformFanIn([outChannels], fanIn, gen)) : null;
  }

  forward(x: Tensor): Tensor {
    // torch accepts an unbatched [C, H, W] input too.
    if (x.rank === 3) return reshape(this.forward(reshape(x, [1, ...x.shape])), [this.outChannels, ...this.outSpatial(x.shape[1], x.shape[2])]);
    return conv2d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups });
  }

  private outSpatial(h: number, w: number): [number, number] {
    return [
      convOutSize(h, this.kernelSize[0], this.stride[0], this.padding[0], this.dilation[0]),
      convOutSize(w, this.kernelSize[1], this.stride[1], this.padding[1], this.dilation[1]),
    ];
  }
}

function geometry(a: Args) {
  return { k: a.pair('kernel_size'), s: a.pair('stride'), p: a.pair('padding'), d: a.pair('dilation'), groups: a.int('groups') };
}

export const Conv2dLayer = defineLayer({
  kind: 'Conv2d',
  category: 'Convolution',
  description: '2-D convolution: small learned filters slid over an image, shared across positions.',
  descriptionZh: '二维卷积：可学习的小卷积核在图像上滑动，各位置共享权重。',
  args: [
    { name: 'in_channels', type: 'int', min: 1, doc: 'Channels of the input image.', docZh: '输入图像的通道数。' },
    { name: 'out_channels', type: 'int', min: 1, doc: 'Channels produced (number of filters).', docZh: '输出的通道数（即卷积核个数）。' },
    { name: 'kernel_size', type: 'pair', min: 1, doc: 'Filter height and width.', docZh: '卷积核的高和宽。' },
    { name: 'stride', type: 'pair', default: 1, min: 1, doc: 'Step between filter positions.', docZh: '卷积核每次移动的步长。' },
    { name: 'padding', type: 'pair', default: 0, min: 0, doc: 'Zeros added on each side.', docZh: '每一边补零的数量。' },
    { name: 'dilation', type: 'pair', default: 1, min: 1, doc: 'Spacing between filter taps.', docZh: '卷积核各采样点之间的间距（空洞卷积）。' },
    { name: 'groups', type: 'int', default: 1, min: 1, doc: 'Split channels into independent groups (in_channels for depthwise).', docZh: '把通道分成相互独立的组（设为 in_channels 即深度卷积）。' },
    { name: 'bias', type: 'bool', default: true, doc: 'Learn a bias per output channel.', docZh: '为每个输出通道学习一个偏置。' },
  ],
  nameBase: 'conv',
  insertDefaults: (s) => ({ in_channels: firstDim(s, 1, 2), out_channels: firstDim(s, 16, 2), kernel_size: 3, padding: 1 }),
  summary: (v) => `${v.in_channels} → ${v.out_channels}, k${pairText(v.kernel_size)} s${pairText(v.stride)} p${pairText(v.padding)}`,
  infer(a, input) {
    const cin = a.int('in_channels');
    const cout = a.int('out_channels');
    const { k, s, p, d, groups } = geometry(a);
    if (cin % groups !== 0) throw new LayerError(`in_channels ${cin} is not divisible by groups ${groups}`, `choose groups dividing ${cin}`);
    if (cout % groups !== 0) throw new LayerError(`out_channels ${cout} is not divisible by groups ${groups}`, `choose groups dividing ${cout}`);
    if (input.shape.length !== 3) {
      throw new LayerError(`expects an image input [channels, height, width] but receives [${input.shape.join(', ')}]`, 'put it before any Flatten, or reshape the data to images');
    }
    const [c, h, w] = input.shape;
    if (c !== cin) throw new LayerError(`expects ${cin} input channels but receives ${c}`, `set in_channels to ${c}`);
    const oh = convOutSize(h, k[0], s[0], p[0], d[0]);
    const ow = convOutSize(w, k[1], s[1], p[1], d[1]);
    if (oh <= 0 || ow <= 0) throw new LayerError(`input ${h}×${w} is too small for kernel ${k[0]}×${k[1]} (dilation ${d.join('×')}, padding ${p.join('×')})`, 'reduce kernel_size or dilation, or add padding');
    return { shape: [cout, oh, ow] };
  },
  paramShapes(a) {
    const { k, groups } = geometry(a);
    const w = { weight: [a.int('out_channels'), a.int('in_channels') / groups, ...k] };
    return a.bool('bias') ? { ...w, bias: [a.int('out_channels')] } : w;
  },
  build(a, _input, gen) {
    const { k, s, p, d, groups } = geometry(a);
    return new Conv2d(a.int('in_channels'), a.int('out_channels'), k, s, p, d, groups, a.bool('bias'), gen);
  },
  onnx: (c, x) => {
    const w = onnx.init(c, 'weight') as string;
    const b = onnx.init(c, 'bias');
    const a = c.args;
    return c.g.node('Conv', b ? [x, w, b] : [x, w], `${c.name}/Conv`, { kernel_shape: a.pair('kernel_size'), strides: a.pair('stride'), pads: onnx.pads(a.pair('padding')), dilations: a.pair('dilation'), group: a.int('groups') });
  },
  torch(a) {
    const { k, s, p, d, groups } = geometry(a);
    const extra = [
      s[0] !== 1 || s[1] !== 1 ? `stride=${pyPair(s)}` : '',
      p[0] !== 0 || p[1] !== 0 ? `padding=${pyPair(p)}` : '',
      d[0] !== 1 || d[1] !== 1 ? `dilation=${pyPair(d)}` : '',
      groups !== 1 ? `groups=${groups}` : '',
      a.bool('bias') ? '' : 'bias=False',
    ].filter(Boolean);
    return `nn.Conv2d(${[a.int('in_channels'), a.int('out_channels'), pyPair(k), ...extra].join(', ')})`;
  },
});
