/**
 * nn.BatchNorm1d ((N, C) or (N, C, L)) and nn.BatchNorm2d ((N, C, H, W)).
 * Training (or track_running_stats=False): normalise with the batch's mean and
 * biased variance over every dim but C; with tracking, update
 *   running_mean ← (1 − f)·running_mean + f·mean
 *   running_var  ← (1 − f)·running_var  + f·var·n/(n − 1)   (unbiased, n values per channel)
 * where f = momentum, or 1/num_batches_tracked when momentum is None (a
 * cumulative average). Eval with tracking: normalise with the running stats.
 * y = (x − μ)/√(σ² + eps)·weight + bias; weight = 1, bias = 0 initially.
 * state_dict: weight, bias, running_mean, running_var, num_batches_tracked.
 * Composed from primitives, so gradients follow.
 */
import { Tensor, zeros, ones, scalar } from '../../tensor/tensor.ts';
import { formatShape } from '../../tensor/shape.ts';
import { add, affine, div, mul, sqrt, sub } from '../../ops/elementwise.ts';
import { mean } from '../../ops/reduce.ts';
import { reshape } from '../../ops/movement.ts';
import { Module } from '../module.ts';
import { defineLayer, LayerError, type LayerDef } from '../layer-def.ts';
import * as onnx from '../../export/onnx/layers.ts';
import { firstDim } from '../layer-palette.ts';
import { pyValue } from './python.ts';

/** (x − μ)/√(σ² + eps) over `axes` (keepdim), with the biased variance; returns it with the batch stats. */
export function normalize(x: Tensor, axes: number[], eps: number): { xhat: Tensor; mu: Tensor; variance: Tensor } {
  const mu = mean(x, axes, true);
  const xc = sub(x, mu);
  const variance = mean(mul(xc, xc), axes, true);
  return { xhat: div(xc, sqrt(affine(variance, 1, eps))), mu, variance };
}

export class BatchNorm extends Module {
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;
  readonly runningMean: Tensor | null;
  readonly runningVar: Tensor | null;
  readonly numBatchesTracked: Tensor | null;

  constructor(
    readonly dims: 1 | 2,
    readonly numFeatures: number,
    readonly eps = 1e-5,
    readonly momentum: number | null = 0.1,
    affineParams = true,
    readonly trackRunningStats = true,
  ) {
    super();
    this.weight = affineParams ? this.registerParameter('weight', ones([numFeatures])) : null;
    this.bias = affineParams ? this.registerParameter('bias', zeros([numFeatures])) : null;
    this.runningMean = trackRunningStats ? this.registerBuffer('running_mean', zeros([numFeatures])) : null;
    this.runningVar = trackRunningStats ? this.registerBuffer('running_var', ones([numFeatures])) : null;
    this.numBatchesTracked = trackRunningStats ? this.registerBuffer('num_batches_tracked', scalar(0)) : null;
  }

  forward(x: Tensor): Tensor {
    const ok = this.dims === 1 ? x.rank === 2 || x.rank === 3 : x.rank === 4;
    if (!ok) throw new RangeError(`BatchNorm${this.dims}d expects ${this.dims === 1 ? '2D or 3D' : '4D'} input (got ${x.rank}D input, shape ${formatShape(x.shape)})`);
    const c = this.numFeatures;
    if (x.shape[1] !== c) throw new RangeError(`BatchNorm${this.dims}d(${c}) received ${x.shape[1]} channels (input shape ${formatShape(x.shape)})`);
    const axes = x.shape.map((_, i) => i).filter((i) => i !== 1);
    const perChannel = x.shape.map((d, i) => (i === 1 ? d : 1));
    let xhat: Tensor;
    if (this.training || !this.trackRunningStats) {
      const n = x.size / c;
      if (this.training && n <= 1) throw new RangeError(`Expected more than 1 value per channel when training, got input size ${formatShape(x.shape)}`);
      const stats = normalize(x, axes, this.eps);
      xhat = stats.xhat;
      if (this.training && this.trackRunningStats) this.updateRunningStats(stats.mu.data, stats.variance.data, n);
    } else {
      const rm = this.runningMean as Tensor;
      const rv = this.runningVar as Tensor;
      const invStd = new Float32Array(c);
      for (let i = 0; i < c; i++) invStd[i] = 1 / Math.sqrt(rv.data[i] + this.eps);
      xhat = mul(sub(x, new Tensor(rm.data.slice(), perChannel)), new Tensor(invStd, perChannel));
    }
    if (this.weight && this.bias) xhat = add(mul(xhat, reshape(this.weight, perChannel)), reshape(this.bias, perChannel));
    return xhat;
  }

  private updateRunningStats(mu: Float32Array, variance: Float32Array, n: number): void {
    const nbt = this.numBatchesTracked as Tensor;
    nbt.data[0] += 1;
    const f = this.momentum ?? 1 / nbt.data[0];
    const rm = (this.runningMean as Tensor).data;
    const rv = (this.runningVar as Tensor).data;
    for (let i = 0; i < rm.length; i++) {
      rm[i] = (1 - f) * rm[i] + f * mu[i];
      rv[i] = (1 - f) * rv[i] + f * variance[i] * (n / (n - 1));
    }
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}, affine=${this.weight !== null}, track_running_stats=${this.trackRunningStats}`;
  }
}

/** ONNX: BatchNormalization with the running statistics, else the batch's own as torch uses them. */
function batchNormOnnx(c: onnx.OnnxLayerContext, x: string): string {
  const C = c.args.int('num_features');
  const eps = c.args.float('eps');
  const scale = onnx.init(c, 'weight') ?? onnx.fill(c, 'weight', C, 1);
  const bias = onnx.init(c, 'bias') ?? onnx.fill(c, 'bias', C, 0);
  if (c.args.bool('track_running_stats')) {
    return c.g.node('BatchNormalization', [x, scale, bias, onnx.init(c, 'running_mean') as string, onnx.init(c, 'running_var') as string], `${c.name}/BatchNormalization`, { epsilon: { float: eps } });
  }
  // Without running statistics torch normalises with the batch's own, in eval too.
  const rank = c.input.shape.length + 1;
  const axes = [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2)];
  const perChannel = [C, ...Array<number>(rank - 2).fill(1)];
  const y = onnx.normalizeOver(c.g, x, axes, eps, c.name);
  const s = c.g.node('Reshape', [scale, c.g.ints(`${c.name}/channel_shape`, perChannel)], `${c.name}/weight_reshape`);
  const t = c.g.node('Reshape', [bias, c.g.ints(`${c.name}/channel_shape`, perChannel)], `${c.name}/bias_reshape`);
  return c.g.node('Add', [c.g.node('Mul', [y, s], `${c.name}/scale`), t], `${c.name}/shift`);
}

function batchNormLayer(dims: 1 | 2): LayerDef {
  const needs = dims === 1 ? '[num_features] or [num_features, length]' : '[num_features, height, width]';
  return defineLayer({
    kind: `BatchNorm${dims}d`,
    category: 'Normalization',
    description: `Normalises each channel with batch statistics while training and running averages in eval${dims === 1 ? ' (after Linear or Conv1d)' : ' (after Conv2d)'}.`,
    descriptionZh: `对每个通道做归一化：训练时用批次统计量，评估时用滑动平均（放在 ${dims === 1 ? 'Linear 或 Conv1d' : 'Conv2d'} 之后）。`,
    args: [
      { name: 'num_features', type: 'int', min: 1, doc: 'Number of channels C.', docZh: '通道数 C。' },
      { name: 'eps', type: 'float', default: 1e-5, min: 0, doc: 'Added to the variance for numerical stability.', docZh: '加到方差上以保证数值稳定。' },
      { name: 'momentum', type: 'float?', default: 0.1, min: 0, max: 1, doc: 'Weight of the newest batch in the running averages; null for a cumulative average.', docZh: '最新批次在滑动平均中的权重；null 表示累积平均。' },
      { name: 'affine', type: 'bool', default: true, doc: 'Learn a per-channel scale (weight) and shift (bias).', docZh: '为每个通道学习缩放（weight）和平移（bias）。' },
      { name: 'track_running_stats', type: 'bool', default: true, doc: 'Keep running averages for eval; if false, batch statistics are used in eval too.', docZh: '保留滑动平均供评估时使用；为 false 时评估也使用批次统计量。' },
    ],
    nameBase: 'bn',
    insertDefaults: (s) => ({ num_features: firstDim(s, 64) }),
    summary: (v) => String(v.num_features),
    infer(a, input) {
      const r = input.shape.length;
      const ok = dims === 1 ? r === 1 || r === 2 : r === 3;
      if (!ok) {
        throw new LayerError(`needs per-sample input ${needs}, but receives ${formatShape(input.shape)}`, dims === 1 && r === 3 ? 'use BatchNorm2d after Conv2d' : dims === 2 && r < 3 ? 'use BatchNorm1d for feature vectors' : 'check the preceding layer');
      }
      const c = a.int('num_features');
      if (input.shape[0] !== c) throw new LayerError(`expects ${c} channels but receives ${input.shape[0]} (input shape ${formatShape(input.shape)})`, `set num_features to ${input.shape[0]}`);
      return { shape: [...input.shape], origin: input.origin };
    },
    paramShapes: (a): Record<string, number[]> => (a.bool('affine') ? { weight: [a.int('num_features')], bias: [a.int('num_features')] } : {}),
    build: (a) => new BatchNorm(dims, a.int('num_features'), a.float('eps'), a.optionalNum('momentum'), a.bool('affine'), a.bool('track_running_stats')),
    onnx: batchNormOnnx,
    torch(a) {
      const extra: string[] = [];
      if (a.float('eps') !== 1e-5) extra.push(`eps=${a.float('eps')}`);
      if (a.optionalNum('momentum') !== 0.1) extra.push(`momentum=${pyValue(a.optionalNum('momentum'))}`);
      if (!a.bool('affine')) extra.push('affine=False');
      if (!a.bool('track_running_stats')) extra.push('track_running_stats=False');
      return `nn.BatchNorm${dims}d(${[String(a.int('num_features')), ...extra].join(', ')})`;
    },
  });
}

export const BatchNorm1dLayer = batchNormLayer(1);
export const BatchNorm2dLayer = batchNormLayer(2);
