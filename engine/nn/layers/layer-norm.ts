/**
 * nn.LayerNorm and nn.GroupNorm: per-sample normalisation, the same in train
 * and eval (no running statistics), with the biased variance.
 * - LayerNorm(normalized_shape): over the last len(normalized_shape) dims, which
 *   must equal normalized_shape; weight/bias have that shape (1 and 0 initially).
 * - GroupNorm(num_groups, num_channels): an (N, C, …) input's channels are split
 *   into num_groups groups and each (sample, group) is normalised; weight/bias
 *   are per channel.
 */
import { Tensor, ones, zeros } from '../../tensor/tensor.ts';
import { formatShape, numel } from '../../tensor/shape.ts';
import { add, mul } from '../../ops/elementwise.ts';
import { reshape } from '../../ops/movement.ts';
import { Module } from '../module.ts';
import { defineLayer, LayerError } from '../layer-def.ts';
import * as onnx from '../../export/onnx/layers.ts';
import { divisor, firstDim, lastDim, pairText } from '../layer-palette.ts';
import { layerNorm } from '../../ops/normalization.ts';

export class LayerNorm extends Module {
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;

  constructor(readonly normalizedShape: number[], readonly eps = 1e-5, elementwiseAffine = true) {
    super();
    this.weight = elementwiseAffine ? this.registerParameter('weight', ones(normalizedShape)) : null;
    this.bias = elementwiseAffine ? this.registerParameter('bias', zeros(normalizedShape)) : null;
  }

  forward(x: Tensor): Tensor {
    const k = this.normalizedShape.length;
    const tail = x.shape.slice(x.rank - k);
    if (x.rank < k || tail.some((d, i) => d !== this.normalizedShape[i])) {
      throw new RangeError(`LayerNorm over ${formatShape(this.normalizedShape)} got input of shape ${formatShape(x.shape)}`);
    }
    return layerNorm(x, numel(this.normalizedShape), this.weight, this.bias, this.eps);
  }

  override extraRepr(): string {
    return `${formatShape(this.normalizedShape)}, eps=${this.eps}, elementwise_affine=${this.weight !== null}`;
  }
}

export class GroupNorm extends Module {
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;

  constructor(readonly numGroups: number, readonly numChannels: number, readonly eps = 1e-5, affineParams = true) {
    super();
    if (numChannels % numGroups !== 0) throw new RangeError('num_channels must be divisible by num_groups');
    this.weight = affineParams ? this.registerParameter('weight', ones([numChannels])) : null;
    this.bias = affineParams ? this.registerParameter('bias', zeros([numChannels])) : null;
  }

  forward(x: Tensor): Tensor {
    if (x.rank < 2 || x.shape[1] !== this.numChannels) throw new RangeError(`GroupNorm expects (N, ${this.numChannels}, …) input, got ${formatShape(x.shape)}`);
    const n = x.shape[0];
    const grouped = reshape(x, [n, this.numGroups, -1]);
    const y = reshape(layerNorm(grouped, grouped.shape[2], null, null, this.eps), x.shape);
    if (!this.weight || !this.bias) return y;
    const perChannel = x.shape.map((d, i) => (i === 1 ? d : 1));
    return add(mul(y, reshape(this.weight, perChannel)), reshape(this.bias, perChannel));
  }

  override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${this.eps}, affine=${this.weight !== null}`;
  }
}

export const LayerNormLayer = defineLayer({
  kind: 'LayerNorm',
  category: 'Normalization',
  description: 'Normalises each sample over its last dimensions (the Transformer norm); the same in train and eval.',
  descriptionZh: '对每个样本在其最后几个维度上做归一化（Transformer 所用的归一化）；训练和评估时行为相同。',
  args: [
    { name: 'normalized_shape', type: 'ints', doc: 'The trailing dimensions to normalise over, e.g. [embed_dim].', docZh: '进行归一化的末尾几个维度，例如 [embed_dim]。' },
    { name: 'eps', type: 'float', default: 1e-5, min: 0, doc: 'Added to the variance for numerical stability.', docZh: '加到方差上以保证数值稳定。' },
    { name: 'elementwise_affine', type: 'bool', default: true, doc: 'Learn a scale (weight) and shift (bias) per normalised element.', docZh: '为每个被归一化的元素学习缩放（weight）和平移（bias）。' },
  ],
  nameBase: 'norm',
  insertDefaults: (s) => ({ normalized_shape: [lastDim(s)] }),
  summary: (v) => `[${pairText(v.normalized_shape).replace(/×/g, ', ')}]`,
  infer(a, input) {
    const ns = a.ints('normalized_shape');
    const tail = input.shape.slice(input.shape.length - ns.length);
    if (ns.length === 0 || ns.some((d) => d < 1)) throw new LayerError(`has normalized_shape ${JSON.stringify(ns)}; it must be a non-empty list of positive sizes`, `set normalized_shape to [${input.shape[input.shape.length - 1]}]`);
    if (ns.length > input.shape.length || tail.some((d, i) => d !== ns[i])) {
      throw new LayerError(`normalises over ${formatShape(ns)} but the input's trailing dimensions are ${formatShape(input.shape.slice(-ns.length))}`, `set normalized_shape to [${input.shape[input.shape.length - 1]}]`);
    }
    return { shape: [...input.shape], origin: input.origin };
  },
  paramShapes: (a): Record<string, number[]> => (a.bool('elementwise_affine') ? { weight: a.ints('normalized_shape'), bias: a.ints('normalized_shape') } : {}),
  build: (a) => new LayerNorm(a.ints('normalized_shape'), a.float('eps'), a.bool('elementwise_affine')),
  onnx: (c, x) => onnx.layerNormOver(c, x, c.args.ints('normalized_shape'), c.args.float('eps')),
  torch(a) {
    const ns = a.ints('normalized_shape');
    const extra = [a.float('eps') !== 1e-5 ? `eps=${a.float('eps')}` : '', a.bool('elementwise_affine') ? '' : 'elementwise_affine=False'].filter(Boolean);
    return `nn.LayerNorm(${[ns.length === 1 ? String(ns[0]) : `(${ns.join(', ')})`, ...extra].join(', ')})`;
  },
});

/** ONNX: normalise each group over (C/G, …) by reshaping, then the per-channel scale and shift. */
function groupNormOnnx(c: onnx.OnnxLayerContext, x: string): string {
  const G = c.args.int('num_groups');
  const C = c.args.int('num_channels');
  const grouped = onnx.reshapeTo(c.g, x, [G, -1], `${c.name}/group`);
  const y = onnx.reshapeTo(c.g, onnx.normalizeOver(c.g, grouped, [2], c.args.float('eps'), c.name), c.input.shape, `${c.name}/ungroup`);
  const w = c.tensor('weight');
  if (!w) return y;
  const perChannel = [C, ...Array<number>(c.input.shape.length - 1).fill(1)];
  const s = c.g.floats(`${c.name}.weight`, perChannel, w.data);
  const t = c.g.floats(`${c.name}.bias`, perChannel, (c.tensor('bias') as { data: Float32Array }).data);
  return c.g.node('Add', [c.g.node('Mul', [y, s], `${c.name}/scale`), t], `${c.name}/shift`);
}

export const GroupNormLayer = defineLayer({
  kind: 'GroupNorm',
  category: 'Normalization',
  description: 'Normalises each sample over groups of channels; independent of batch size, the same in train and eval.',
  descriptionZh: '对每个样本按通道分组做归一化；与批大小无关，训练和评估时行为相同。',
  args: [
    { name: 'num_groups', type: 'int', min: 1, doc: 'Number of channel groups (divides num_channels).', docZh: '通道分组数（须整除 num_channels）。' },
    { name: 'num_channels', type: 'int', min: 1, doc: 'Number of channels C.', docZh: '通道数 C。' },
    { name: 'eps', type: 'float', default: 1e-5, min: 0, doc: 'Added to the variance for numerical stability.', docZh: '加到方差上以保证数值稳定。' },
    { name: 'affine', type: 'bool', default: true, doc: 'Learn a per-channel scale (weight) and shift (bias).', docZh: '为每个通道学习缩放（weight）和平移（bias）。' },
  ],
  nameBase: 'norm',
  insertDefaults: (s) => {
    const c = firstDim(s, 32);
    return { num_groups: divisor(c), num_channels: c };
  },
  summary: (v) => `${v.num_groups} × ${Number(v.num_channels) / Number(v.num_groups || 1)} ch`,
  infer(a, input) {
    const g = a.int('num_groups');
    const c = a.int('num_channels');
    if (c % g !== 0) throw new LayerError(`has num_channels ${c}, which is not divisible by num_groups ${g}`, `choose num_groups among ${divisors(c).join(', ')}`);
    if (input.shape.length < 1) throw new LayerError('needs per-sample input [channels, …]');
    if (input.shape[0] !== c) throw new LayerError(`expects ${c} channels but receives ${input.shape[0]} (input shape ${formatShape(input.shape)})`, `set num_channels to ${input.shape[0]}`);
    return { shape: [...input.shape], origin: input.origin };
  },
  paramShapes: (a): Record<string, number[]> => (a.bool('affine') ? { weight: [a.int('num_channels')], bias: [a.int('num_channels')] } : {}),
  build: (a) => new GroupNorm(a.int('num_groups'), a.int('num_channels'), a.float('eps'), a.bool('affine')),
  onnx: groupNormOnnx,
  torch(a) {
    const extra = [a.float('eps') !== 1e-5 ? `eps=${a.float('eps')}` : '', a.bool('affine') ? '' : 'affine=False'].filter(Boolean);
    return `nn.GroupNorm(${[String(a.int('num_groups')), String(a.int('num_channels')), ...extra].join(', ')})`;
  },
});

function divisors(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1).filter((d) => n % d === 0);
}
