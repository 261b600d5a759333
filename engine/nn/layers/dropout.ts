/**
 * nn.Dropout, inverted as in torch: in training each element is zeroed with
 * probability p and survivors are scaled by 1/(1 − p), so E[y] = x; in eval
 * mode it is the identity. The last training keep-mask is kept for inspection
 * (engine/nn/stochastic.ts).
 */
import { Tensor } from '../../tensor/tensor.ts';
import { mul } from '../../ops/elementwise.ts';
import { emptyData } from '../../tensor/storage.ts';
import { kernels } from '../../kernels/registry.ts';
import { checkProbability, scheduleArg, StochasticModule } from '../stochastic.ts';
import { defineLayer, inplaceArg } from '../layer-def.ts';

/** The scale survivors get: 1/(1 − p), and 0 for p = 1 (torch multiplies by zeros; avoids 0·∞). */
export function keepScale(p: number): number {
  return p === 1 ? 0 : 1 / (1 - p);
}

/** x · mask · scale, with mask broadcast over x (a whole-channel or whole-row mask has 1s in the other dims). */
export function applyKeepMask(x: Tensor, mask: Float32Array, maskShape: readonly number[], scale: number): Tensor {
  if (mask.length === x.size) {
    // One mask value per element (Dropout): a single kernel pass each way, x·f32(mask·scale) as the broadcast multiply computes it.
    const y = emptyData(x.size);
    kernels().maskMultiply(x.data, mask, scale, y);
    return Tensor.fromOp('dropout', y, x.shape, [x], (g) => {
      const gx = emptyData(g.length);
      kernels().maskMultiply(g, mask, scale, gx);
      return [gx];
    });
  }
  const scaled = emptyData(mask.length);
  for (let i = 0; i < mask.length; i++) scaled[i] = mask[i] * scale;
  return mul(x, new Tensor(scaled, maskShape));
}

export class Dropout extends StochasticModule {
  readonly noiseKind = 'keep-mask';
  readonly noiseMeaning = 'One 0/1 value per element of the input: 1 kept (and scaled by 1/(1−p)), 0 dropped.';

  constructor(p: number) {
    super(p);
    checkProbability(p);
  }

  forward(x: Tensor): Tensor {
    if (!this.training || this.p === 0) {
      this.noNoise();
      return x;
    }
    const mask = this.takeKeepMask(x.shape);
    return applyKeepMask(x, mask, x.shape, keepScale(this.p));
  }
}

export const DropoutLayer = defineLayer({
  kind: 'Dropout',
  category: 'Dropout family',
  traits: { stochastic: { rate: 'p', sweepable: true, conventionalRate: true, elementwise: true } },
  description: 'Zeroes each activation with probability p while training, scaling survivors by 1/(1−p); identity in eval.',
  descriptionZh: '训练时以概率 p 将每个激活置零，保留下来的乘以 1/(1−p)；评估时为恒等映射。',
  args: [
    { name: 'p', type: 'float', default: 0.5, min: 0, max: 1, doc: 'Probability of zeroing an element (0.3–0.5 is common).', docZh: '将一个元素置零的概率（常用 0.3–0.5）。' },
    inplaceArg,
    scheduleArg(),
  ],
  infer: (_a, input) => ({ shape: [...input.shape], origin: input.origin }),
  build: (a) => Object.assign(new Dropout(a.float('p')), { schedule: a.schedule('schedule') }),
  torch: (a) => `nn.Dropout(p=${a.float('p')})`,
});
