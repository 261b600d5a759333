/**
 * SequenceMean(dim): x.mean(dim), e.g. (N, L, E) → (N, E), the mean pooling
 * over positions a Transformer classifier ends with. `dim` counts the batch, as
 * torch's (1 = the sequence of an (N, L, E) input). Not a torch module: the
 * export is the small class in `torchSource`.
 */
import type { Tensor } from '../../tensor/tensor.ts';
import { formatShape } from '../../tensor/shape.ts';
import { mean } from '../../ops/reduce.ts';
import { Module } from '../module.ts';
import { defineLayer, LayerError } from '../layer-def.ts';

export class SequenceMean extends Module {
  constructor(readonly dim: number) {
    super();
  }

  forward(x: Tensor): Tensor {
    return mean(x, this.dim);
  }

  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

export const SequenceMeanLayer = defineLayer({
  kind: 'SequenceMean',
  category: 'Attention & sequence',
  description: 'Averages over the positions of a sequence: [length, features] → [features].',
  descriptionZh: '对序列的各个位置取平均：[length, features] → [features]。',
  args: [{ name: 'dim', type: 'int', default: 1, doc: 'Dimension to average over, counting the batch as 0 (1 = positions).', docZh: '求平均的维度，批次维度记为 0（1 = 各位置）。' }],
  summary: (v) => `dim ${v.dim}`,
  infer(a, input) {
    const rank = input.shape.length + 1;
    const d = a.int('dim');
    if (d < -rank || d >= rank) throw new LayerError(`dim=${d} is out of range for a ${rank}-D input (batch + ${formatShape(input.shape)})`, `use dim between 1 and ${rank - 1}`);
    const nd = d < 0 ? d + rank : d;
    if (nd === 0) throw new LayerError(`dim=${d} would average across the batch`, 'use dim=1 for the positions of a [length, features] input');
    return { shape: input.shape.filter((_, i) => i !== nd - 1) };
  },
  paramShapes: () => ({}),
  build: (a) => new SequenceMean(a.int('dim')),
  onnx: (c, x) => c.g.node('ReduceMean', [x], `${c.name}/ReduceMean`, { axes: [c.args.int('dim')], keepdims: 0 }),
  torch: (a) => `SequenceMean(dim=${a.int('dim')})`,
  torchSource: `class SequenceMean(nn.Module):
    """x.mean(dim): mean pooling over positions, (N, L, E) -> (N, E) with dim=1."""

    def __init__(self, dim=1):
        super().__init__()
        self.dim = dim

    def forward(self, x):
        return x.mean(dim=self.dim)
`,
});
