/**
 * nn.AlphaDropout and nn.FeatureAlphaDropout, for SELU networks: dropped units
 * take SELU's negative saturation α' = −λ·α instead of 0, then an affine map
 * restores zero mean and unit variance (torch's ATen _dropout_impl):
 *   a = ((1 − p)(1 + p·α'²))^(−1/2),  b = −a·α'·p
 *   y = a·x + b  where kept,   y = a·α' + b  where dropped
 * AlphaDropout draws one keep value per element, FeatureAlphaDropout one per
 * (sample, channel) of an (N, C, …) input. p = 1 gives zeros (as torch); eval is the identity.
 */
import { Tensor } from '../../tensor/tensor.ts';
import { formatShape } from '../../tensor/shape.ts';
import { add } from '../../ops/elementwise.ts';
import { SELU_ALPHA, SELU_SCALE } from '../../ops/activations.ts';
import { checkProbability, scheduleArg, StochasticModule } from '../stochastic.ts';
import { defineLayer, inplaceArg, LayerError } from '../layer-def.ts';
import { applyKeepMask } from './dropout.ts';

/** α' = −λα ≈ −1.7581, the value SELU tends to for very negative inputs. */
export const ALPHA_PRIME = -SELU_ALPHA * SELU_SCALE;

export function alphaDropoutCoefficients(p: number): { a: number; b: number } {
  const a = 1 / Math.sqrt((1 - p) * (1 + p * ALPHA_PRIME * ALPHA_PRIME));
  return { a, b: -a * ALPHA_PRIME * p };
}

export class AlphaDropout extends StochasticModule {
  readonly noiseKind = 'keep-mask';
  readonly noiseMeaning: string;

  constructor(p: number, readonly perChannel: boolean) {
    super(p);
    checkProbability(p);
    this.noiseMeaning = perChannel
      ? "One 0/1 value per (sample, channel): 0 sets the whole feature map to α' before the affine correction."
      : "One 0/1 value per element: 0 sets it to α' (SELU's saturation) before the affine correction.";
  }

  /** Kept values go through the affine map a·x + b, not a scale. */
  override keepScale(): number | null {
    return null;
  }

  forward(x: Tensor): Tensor {
    if (this.perChannel && x.rank < 2) throw new RangeError(`FeatureAlphaDropout needs at least 2 dimensions (N, C, …), got ${formatShape(x.shape)}`);
    if (!this.training || this.p === 0) {
      this.noNoise();
      return x;
    }
    const maskShape = this.perChannel ? x.shape.map((d, i) => (i < 2 ? d : 1)) : [...x.shape];
    const mask = this.takeKeepMask(maskShape);
    if (this.p === 1) return applyKeepMask(x, mask, maskShape, 0);
    const { a, b } = alphaDropoutCoefficients(this.p);
    // y = x·(mask·a) + (a·α'·(1 − mask) + b): the gradient is mask·a.
    const shift = new Float32Array(mask.length);
    for (let i = 0; i < mask.length; i++) shift[i] = a * ALPHA_PRIME * (1 - mask[i]) + b;
    return add(applyKeepMask(x, mask, maskShape, a), new Tensor(shift, maskShape));
  }
}

export const AlphaDropoutLayer = defineLayer({
  kind: 'AlphaDropout',
  category: 'Dropout family',
  traits: { stochastic: { rate: 'p', sweepable: true, elementwise: true, seluOnly: { plain: 'Dropout' } } },
  description: "Dropout for SELU networks: dropped units take SELU's saturation value and an affine map keeps mean 0 and variance 1.",
  descriptionZh: '用于 SELU 网络的 Dropout：被丢弃的单元取 SELU 的饱和值，再通过仿射变换保持均值为 0、方差为 1。',
  args: [
    { name: 'p', type: 'float', default: 0.5, min: 0, max: 1, doc: 'Probability of dropping an element.', docZh: '丢弃一个元素的概率。' },
    inplaceArg,
    scheduleArg(),
  ],
  infer: (_a, input) => ({ shape: [...input.shape], origin: input.origin }),
  build: (a) => Object.assign(new AlphaDropout(a.float('p'), false), { schedule: a.schedule('schedule') }),
  torch: (a) => `nn.AlphaDropout(p=${a.float('p')})`,
});

export const FeatureAlphaDropoutLayer = defineLayer({
  kind: 'FeatureAlphaDropout',
  category: 'Dropout family',
  traits: { stochastic: { rate: 'p', sweepable: true, seluOnly: { plain: 'Dropout2d' } } },
  description: 'AlphaDropout over whole channels: each feature map of each sample is kept or set to the saturation value.',
  descriptionZh: '按整个通道进行的 AlphaDropout：每个样本的每张特征图要么保留，要么整体设为饱和值。',
  args: [
    { name: 'p', type: 'float', default: 0.5, min: 0, max: 1, doc: 'Probability of dropping a channel.', docZh: '丢弃一个通道的概率。' },
    inplaceArg,
    scheduleArg(),
  ],
  infer(_a, input) {
    if (input.shape.length < 1) throw new LayerError(`drops whole channels and needs per-sample input [channels, …], but receives ${formatShape(input.shape)}`, 'use AlphaDropout for feature vectors');
    return { shape: [...input.shape], origin: input.origin };
  },
  build: (a) => Object.assign(new AlphaDropout(a.float('p'), true), { schedule: a.schedule('schedule') }),
  torch: (a) => `nn.FeatureAlphaDropout(p=${a.float('p')})`,
});
