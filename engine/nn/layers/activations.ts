/** Element-wise activations and Softmax/LogSoftmax: no parameters, shape-preserving. */
import type { Tensor } from '../../tensor/tensor.ts';
import { relu, sigmoid, tanh } from '../../ops/elementwise.ts';
import { elu, gelu, leakyRelu, logSoftmax, selu, softmax } from '../../ops/activations.ts';
import { Module } from '../module.ts';
import { defineLayer, inplaceArg, LayerError, type Args, type ArgSpec, type Category, type LayerDef, type LayerTraits } from '../layer-def.ts';
import * as onnx from '../../export/onnx/layers.ts';
import { pyValue } from './python.ts';

class Activation extends Module {
  constructor(readonly fn: (x: Tensor) => Tensor) {
    super();
  }

  forward(x: Tensor): Tensor {
    return this.fn(x);
  }
}

/** Whether m is an nn.ReLU (what a following MaxPool2d can fuse, ../module.ts fusedAfter). */
export const isReLU = (m: Module): boolean => m instanceof Activation && m.fn === relu;

/** A description in English and in 简体中文. */
type Text = [en: string, zh: string];

function activation(kind: string, [description, descriptionZh]: Text, args: ArgSpec[], make: (a: Args) => (x: Tensor) => Tensor, lower: onnx.OnnxLower, category: Category = 'Activation', traits: LayerTraits = { activation: true }): LayerDef {
  return defineLayer({
    kind,
    category,
    traits,
    description,
    descriptionZh,
    args,
    infer: (_a, input) => ({ shape: [...input.shape], origin: input.origin }),
    build: (a) => new Activation(make(a)),
    onnx: lower,
    torch: (a) => {
      const shown = args.filter((s) => s.name !== 'inplace' && a.values[s.name] !== s.default);
      return `nn.${kind}(${shown.map((s) => `${s.name}=${pyValue(a.values[s.name])}`).join(', ')})`;
    },
  });
}

/** SELU's constants as torch defines them (the ONNX defaults are rounded). */
const SELU = { alpha: { float: 1.6732632423543772 }, gamma: { float: 1.0507009873554805 } };

export const ReLULayer = activation('ReLU', ['max(0, x): the default non-linearity.', 'max(0, x)：最常用的默认非线性激活。'], [inplaceArg], () => relu, onnx.unary('Relu'));
export const LeakyReLULayer: LayerDef = {
  ...activation(
    'LeakyReLU',
    ['Like ReLU but with a small slope for negative inputs.', '类似 ReLU，但负输入处有一个很小的斜率。'],
    [{ name: 'negative_slope', type: 'float', default: 0.01, doc: 'Slope for x < 0.', docZh: 'x < 0 时的斜率。' }, inplaceArg],
    (a) => (x) => leakyRelu(x, a.float('negative_slope')),
    onnx.unary('LeakyRelu', (a) => ({ alpha: { float: a.float('negative_slope') } })),
  ),
  summary: (v) => `slope ${v.negative_slope}`,
};
export const GELULayer = activation(
  'GELU',
  ['x·Φ(x): the smooth ReLU used in Transformers.', 'x·Φ(x)：Transformer 中使用的平滑版 ReLU。'],
  [{ name: 'approximate', type: 'enum', default: 'none', options: ['none', 'tanh'], doc: "Exact erf form or torch's tanh approximation.", docZh: '精确的 erf 形式，或 torch 的 tanh 近似。' }],
  (a) => (x) => gelu(x, a.str('approximate') === 'tanh' ? 'tanh' : 'none'),
  (c, x) => onnx.gelu(c, x),
);
export const ELULayer: LayerDef = {
  ...activation(
    'ELU',
    ['x for x > 0, α(eˣ − 1) below: smooth and with negative outputs.', 'x > 0 时为 x，否则为 α(eˣ − 1)：平滑，且能输出负值。'],
    [{ name: 'alpha', type: 'float', default: 1.0, doc: 'Saturation value for large negative inputs.', docZh: '输入为很大的负数时的饱和值。' }, inplaceArg],
    (a) => (x) => elu(x, a.float('alpha')),
    onnx.unary('Elu', (a) => ({ alpha: { float: a.float('alpha') } })),
  ),
  summary: (v) => `α = ${v.alpha}`,
};
export const SELULayer = activation('SELU', ['Scaled ELU that keeps activations self-normalising (pair with AlphaDropout).', '缩放的 ELU，使激活值保持自归一化（与 AlphaDropout 搭配使用）。'], [inplaceArg], () => selu, onnx.unary('Selu', () => SELU));
export const TanhLayer = activation('Tanh', ['Squashes to (−1, 1).', '把输入压缩到 (−1, 1)。'], [], () => tanh, onnx.unary('Tanh'));
export const SigmoidLayer = activation('Sigmoid', ['Squashes to (0, 1).', '把输入压缩到 (0, 1)。'], [], () => sigmoid, onnx.unary('Sigmoid'));
export const IdentityLayer = activation('Identity', ['Passes its input through unchanged (a placeholder).', '原样输出输入（用作占位）。'], [], () => (x) => x, onnx.identity, 'Core', { shapePassive: true });

/** Softmax's dim counts the batch dimension, as in torch; it must name a per-sample dimension. */
function checkDim(a: Args, rank: number): void {
  const d = a.int('dim');
  if (d === 0) throw new LayerError('dim=0 would normalise across the batch', 'use dim=1 or dim=-1');
  if (d > rank || d < -rank) throw new LayerError(`dim=${d} is out of range for an input with ${rank + 1} dimensions (with batch)`, 'use dim=-1');
}

function normaliser(kind: string, description: Text, fn: (x: Tensor, dim: number) => Tensor, op: string): LayerDef {
  const base = activation(kind, description, [{ name: 'dim', type: 'int', default: -1, doc: 'Dimension to normalise over (counting the batch).', docZh: '进行归一化的维度（批次维度也计入编号）。' }], (a) => (x) => fn(x, a.int('dim')), onnx.unary(op, (a) => ({ axis: a.int('dim') })));
  return {
    ...base,
    traits: { shapePassive: true },
    summary: (v) => `dim ${v.dim}`,
    infer: (a, input) => {
      checkDim(a, input.shape.length);
      return { shape: [...input.shape] };
    },
    torch: (a) => `nn.${kind}(dim=${a.int('dim')})`,
  };
}

export const SoftmaxLayer = normaliser('Softmax', ['Turns scores into probabilities that sum to 1.', '把分数转换为总和为 1 的概率。'], softmax, 'Softmax');
export const LogSoftmaxLayer = normaliser('LogSoftmax', ['Log of Softmax, computed stably (pair with NLLLoss).', 'Softmax 的对数，以数值稳定的方式计算（与 NLLLoss 搭配使用）。'], logSoftmax, 'LogSoftmax');
