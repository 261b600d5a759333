/** nn.Linear: y = x·Wᵀ + b over the last dimension. */
import type { Tensor } from '../../tensor/tensor.ts';
import type { Generator } from '../../tensor/random.ts';
import { linear } from '../../ops/matmul.ts';
import { uniformFanIn } from '../init.ts';
import { Module } from '../module.ts';
import { defineLayer, LayerError } from '../layer-def.ts';
import * as onnx from '../../export/onnx/layers.ts';
import { lastDim } from '../layer-palette.ts';

export class Linear extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(readonly inFeatures: number, readonly outFeatures: number, bias: boolean, gen: Generator) {
    super();
    // kaiming_uniform_(a=√5) reduces to U(±1/√fan_in), as does the bias rule.
    this.weight = this.registerParameter('weight', uniformFanIn([outFeatures, inFeatures], inFeatures, gen));
    this.bias = bias ? this.registerParameter('bias', uniformFanIn([outFeatures], inFeatures, gen)) : null;
  }

  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}

export const LinearLayer = defineLayer({
  kind: 'Linear',
  category: 'Core',
  description: 'Fully connected layer: every output is a weighted sum of all inputs.',
  descriptionZh: '全连接层：每个输出都是所有输入的加权和。',
  args: [
    { name: 'in_features', type: 'int', min: 1, doc: 'Size of each input sample (last dimension).', docZh: '每个输入样本的大小（最后一个维度）。' },
    { name: 'out_features', type: 'int', min: 1, doc: 'Size of each output sample.', docZh: '每个输出样本的大小。' },
    { name: 'bias', type: 'bool', default: true, doc: 'Learn an additive bias.', docZh: '学习一个加性偏置。' },
  ],
  nameBase: 'fc',
  insertDefaults: (s) => ({ in_features: lastDim(s), out_features: lastDim(s) }),
  summary: (v) => `${v.in_features} → ${v.out_features}${v.bias === false ? ', no bias' : ''}`,
  infer(a, input) {
    const inF = a.int('in_features');
    const last = input.shape[input.shape.length - 1];
    if (input.shape.length === 0) throw new LayerError('needs an input with at least one dimension');
    if (last !== inF) {
      const from = input.origin ? ` = ${input.origin}` : input.shape.length > 1 ? ` (input shape ${input.shape.join('×')})` : '';
      throw new LayerError(`expects ${inF} input features but receives ${last}${from}`, `set in_features to ${last}`);
    }
    return { shape: [...input.shape.slice(0, -1), a.int('out_features')] };
  },
  paramShapes(a) {
    const w = { weight: [a.int('out_features'), a.int('in_features')] };
    return a.bool('bias') ? { ...w, bias: [a.int('out_features')] } : w;
  },
  build: (a, _input, gen) => new Linear(a.int('in_features'), a.int('out_features'), a.bool('bias'), gen),
  onnx: (c, x) => onnx.linear(c, x),
  torch: (a) => `nn.Linear(${a.int('in_features')}, ${a.int('out_features')}${a.bool('bias') ? '' : ', bias=False'})`,
});
