/** nn.Flatten: merges dimensions start_dim..end_dim (counted with the batch dimension, as torch). */
import type { Tensor } from '../../tensor/tensor.ts';
import { flatten } from '../../ops/movement.ts';
import { Module } from '../module.ts';
import { defineLayer, LayerError } from '../layer-def.ts';
import * as onnx from '../../export/onnx/layers.ts';

class Flatten extends Module {
  constructor(readonly startDim: number, readonly endDim: number) {
    super();
  }

  forward(x: Tensor): Tensor {
    return flatten(x, this.startDim, this.endDim);
  }
}

/** Maps a torch dimension of the batched tensor to one of the per-sample shape. */
function sampleDim(dim: number, sampleRank: number, arg: string): number {
  if (dim === 0 || dim < -(sampleRank)) throw new LayerError(`${arg}=${dim} would merge the batch dimension`, `use ${arg} ≥ 1`);
  const d = dim > 0 ? dim - 1 : dim + sampleRank;
  if (d >= sampleRank) throw new LayerError(`${arg}=${dim} is beyond the input's ${sampleRank + 1} dimensions (with batch)`, `use ${arg} ≤ ${sampleRank}`);
  return d;
}

export const FlattenLayer = defineLayer({
  kind: 'Flatten',
  category: 'Core',
  traits: { shapePassive: true },
  description: 'Turns feature maps into one vector per sample, ready for Linear layers.',
  descriptionZh: '把特征图展平成每个样本一个向量，以便接入 Linear 层。',
  args: [
    { name: 'start_dim', type: 'int', default: 1, doc: 'First dimension to merge (0 is the batch).', docZh: '要合并的第一个维度（0 是批次维度）。' },
    { name: 'end_dim', type: 'int', default: -1, doc: 'Last dimension to merge.', docZh: '要合并的最后一个维度。' },
  ],
  infer(a, input) {
    const r = input.shape.length;
    const s = sampleDim(a.int('start_dim'), r, 'start_dim');
    const e = sampleDim(a.int('end_dim'), r, 'end_dim');
    if (s > e) throw new LayerError(`start_dim ${a.int('start_dim')} comes after end_dim ${a.int('end_dim')}`, 'swap them');
    const merged = input.shape.slice(s, e + 1);
    const size = merged.reduce((p, d) => p * d, 1);
    return { shape: [...input.shape.slice(0, s), size, ...input.shape.slice(e + 1)], origin: merged.length > 1 ? merged.join('×') : undefined };
  },
  build: (a) => new Flatten(a.int('start_dim'), a.int('end_dim')),
  onnx: (c, x) => onnx.reshapeTo(c.g, x, c.output.shape, c.name),
  torch: (a) => {
    const parts = [a.int('start_dim') !== 1 ? `start_dim=${a.int('start_dim')}` : '', a.int('end_dim') !== -1 ? `end_dim=${a.int('end_dim')}` : ''].filter(Boolean);
    return `nn.Flatten(${parts.join(', ')})`;
  },
});
