/**
 * nn.Dropout1d / Dropout2d / Dropout3d: zero whole channels (input[n, c] as a
 * unit) with probability p and scale the rest by 1/(1 − p); identity in eval.
 * The keep-mask has one value per (sample, channel).
 *
 * Input ranks, as torch 1.13's functional code does them:
 * - Dropout1d takes (N, C, L), or (C, L) as one unbatched sample (one value per
 *   channel); other ranks are an error.
 * - Dropout2d takes (N, C, H, W). A 3-D input is *not* treated as an unbatched
 *   (C, H, W): torch 1.13 keeps the historical behaviour and reads it as
 *   (N, C, L), i.e. channel-wise 1-D dropout, with a warning (pytorch#77081).
 *   Other ranks ≥ 2 are accepted (deprecated in torch) with the mask over dims 0 and 1.
 * - Dropout3d takes (N, C, D, H, W); any other rank (e.g. 4-D (C, D, H, W)) is
 *   one unbatched sample whose first dim is the channel.
 * In a spec (per-sample shapes) Dropout1d needs [C, L], Dropout2d [C, H, W]
 * (or [C, L], torch's 3-D reading), Dropout3d [C, D, H, W]; shapes where torch
 * would silently treat the batch as channels are rejected with a fix.
 */
import type { Tensor } from '../../tensor/tensor.ts';
import { formatShape } from '../../tensor/shape.ts';
import { checkProbability, scheduleArg, StochasticModule } from '../stochastic.ts';
import { defineLayer, inplaceArg, LayerError, type Args, type LayerDef, type ShapeInfo } from '../layer-def.ts';
import { applyKeepMask, keepScale } from './dropout.ts';

type Variant = 1 | 2 | 3;

/** The keep-mask's shape for an input: [N, C, 1, …] batched, [C, 1, …] unbatched. */
export function channelMaskShape(variant: Variant, shape: readonly number[]): number[] {
  const r = shape.length;
  const batched = variant === 1 ? r === 3 : variant === 2 ? true : r === 5;
  if (variant === 1 && r !== 2 && r !== 3) throw new RangeError(`Dropout1d expects a 2-D (C, L) or 3-D (N, C, L) input, got ${formatShape(shape)}`);
  if (variant === 2 && r < 2) throw new RangeError(`Dropout2d needs at least 2 dimensions (N, C, …), got ${formatShape(shape)}`);
  const lead = batched ? 2 : 1;
  return shape.map((d, i) => (i < lead ? d : 1));
}

export class ChannelDropout extends StochasticModule {
  readonly noiseKind = 'keep-mask';
  readonly noiseMeaning = 'One 0/1 value per (sample, channel): 0 zeroes the whole feature map, 1 keeps it scaled by 1/(1−p).';

  constructor(readonly variant: Variant, p: number) {
    super(p);
    checkProbability(p);
  }

  forward(x: Tensor): Tensor {
    const maskShape = channelMaskShape(this.variant, x.shape);
    if (!this.training || this.p === 0) {
      this.noNoise();
      return x;
    }
    const mask = this.takeKeepMask(maskShape);
    return applyKeepMask(x, mask, maskShape, keepScale(this.p));
  }
}

const NEEDS: Record<Variant, string> = { 1: '[channels, length]', 2: '[channels, height, width]', 3: '[channels, depth, height, width]' };

function inferChannels(variant: Variant) {
  return (_a: Args, input: ShapeInfo): ShapeInfo => {
    const r = input.shape.length;
    const ok = variant === 1 ? r === 2 : variant === 2 ? r === 3 || r === 2 : r === 4;
    if (!ok) {
      throw new LayerError(
        `drops whole channels and needs per-sample input ${NEEDS[variant]}, but receives ${formatShape(input.shape)}`,
        r === 1 ? 'use Dropout for feature vectors (after Linear)' : `use Dropout${r === 2 ? '1d' : r === 3 ? '2d' : r === 4 ? '3d' : ''} for this shape`,
      );
    }
    return { shape: [...input.shape], origin: input.origin };
  };
}

function channelDropoutLayer(variant: Variant, what: string, whatZh: string): LayerDef {
  return defineLayer({
    kind: `Dropout${variant}d`,
    category: 'Dropout family',
    traits: { stochastic: { rate: 'p', sweepable: true, conventionalRate: true } },
    description: `Zeroes whole channels (${what}) with probability p while training, scaling the rest by 1/(1−p); identity in eval.`,
    descriptionZh: `训练时以概率 p 将整个通道（${whatZh}）置零，其余乘以 1/(1−p)；评估时为恒等映射。`,
    args: [
      { name: 'p', type: 'float', default: 0.5, min: 0, max: 1, doc: 'Probability of zeroing a channel.', docZh: '将一个通道置零的概率。' },
      inplaceArg,
      scheduleArg(),
    ],
    infer: inferChannels(variant),
    build: (a) => Object.assign(new ChannelDropout(variant, a.float('p')), { schedule: a.schedule('schedule') }),
    torch: (a) => `nn.Dropout${variant}d(p=${a.float('p')})`,
  });
}

export const Dropout1dLayer = channelDropoutLayer(1, '1-D feature maps', '一维特征图');
export const Dropout2dLayer = channelDropoutLayer(2, '2-D feature maps, "spatial dropout"', '二维特征图，即“空间 Dropout”');
export const Dropout3dLayer = channelDropoutLayer(3, '3-D feature maps', '三维特征图');
