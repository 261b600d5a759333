/**
 * Keras's Gaussian regularizers (not in torch; exported as small modules):
 * - GaussianDropout(rate): y = x·ε, ε ~ N(1, σ²) with σ² = rate/(1 − rate),
 *   the multiplicative noise whose variance matches dropout at that rate.
 * - GaussianNoise(stddev): y = x + ε, ε ~ N(0, stddev²).
 * Both act in training only and are the identity in eval. The noise drawn is
 * kept in lastNoise; schedules move `rate` / `stddev` (the module's `p`).
 */
import { Tensor } from '../../tensor/tensor.ts';
import { add, mul } from '../../ops/elementwise.ts';
import { scheduleArg, StochasticModule } from '../stochastic.ts';
import { defineLayer } from '../layer-def.ts';

export class GaussianDropout extends StochasticModule {
  override readonly rateName = 'rate';
  override readonly rateRange = { min: 0, max: 1, maxExclusive: true };
  readonly noiseKind = 'multiplier';
  readonly noiseMeaning = 'One multiplier per element, drawn from N(1, rate/(1−rate)); y = x·noise.';

  constructor(rate: number) {
    super(rate);
    if (!(rate >= 0 && rate < 1)) throw new RangeError(`GaussianDropout rate has to be in [0, 1), but got ${rate}`);
  }

  forward(x: Tensor): Tensor {
    if (!this.training || this.p === 0) {
      this.noNoise();
      return x;
    }
    const std = Math.sqrt(this.p / (1 - this.p));
    const noise = this.takeNoise(x.shape, (n) => this.generator.normal(n, 1, std));
    return mul(x, new Tensor(noise, x.shape));
  }
}

export class GaussianNoise extends StochasticModule {
  override readonly rateName = 'stddev';
  override readonly rateRange = { min: 0 };
  readonly noiseKind = 'additive';
  readonly noiseMeaning = 'One value per element, drawn from N(0, stddev²), added to the input.';

  constructor(stddev: number) {
    super(stddev);
    if (!(stddev >= 0)) throw new RangeError(`GaussianNoise stddev has to be ≥ 0, but got ${stddev}`);
  }

  forward(x: Tensor): Tensor {
    if (!this.training || this.p === 0) {
      this.noNoise();
      return x;
    }
    const noise = this.takeNoise(x.shape, (n) => this.generator.normal(n, 0, this.p));
    return add(x, new Tensor(noise, x.shape));
  }
}

export const GaussianDropoutLayer = defineLayer({
  kind: 'GaussianDropout',
  category: 'Dropout family',
  traits: { stochastic: { rate: 'rate', sweepable: true, elementwise: true } },
  description: 'Multiplies each activation by noise from N(1, rate/(1−rate)) while training (Keras); identity in eval.',
  descriptionZh: '训练时将每个激活乘以服从 N(1, rate/(1−rate)) 的噪声（Keras）；评估时为恒等映射。',
  args: [
    { name: 'rate', type: 'float', default: 0.5, min: 0, max: 1, maxExclusive: true, doc: 'The dropout rate whose variance the noise matches: σ² = rate/(1−rate).', docZh: '噪声方差所对应的丢弃率：σ² = rate/(1−rate)。' },
    scheduleArg({ min: 0, max: 1, maxExclusive: true }),
  ],
  infer: (_a, input) => ({ shape: [...input.shape], origin: input.origin }),
  build: (a) => Object.assign(new GaussianDropout(a.float('rate')), { schedule: a.schedule('schedule') }),
  torch: (a) => `GaussianDropout(rate=${a.float('rate')})`,
  torchSource: `class GaussianDropout(nn.Module):
    """Keras GaussianDropout: y = x * eps, eps ~ N(1, rate / (1 - rate)) in training; identity in eval."""

    def __init__(self, rate=0.5):
        super().__init__()
        self.rate = rate

    def forward(self, x):
        if not self.training or self.rate == 0:
            return x
        return x * (1 + math.sqrt(self.rate / (1 - self.rate)) * torch.randn_like(x))
`,
});

export const GaussianNoiseLayer = defineLayer({
  kind: 'GaussianNoise',
  category: 'Dropout family',
  traits: { stochastic: { rate: 'stddev' } },
  description: 'Adds noise from N(0, stddev²) to each activation while training (Keras); identity in eval.',
  descriptionZh: '训练时给每个激活加上服从 N(0, stddev²) 的噪声（Keras）；评估时为恒等映射。',
  args: [
    { name: 'stddev', type: 'float', default: 0.1, min: 0, doc: 'Standard deviation of the added noise.', docZh: '所加噪声的标准差。' },
    scheduleArg({ min: 0 }),
  ],
  summary: (v) => `σ = ${v.stddev}`,
  infer: (_a, input) => ({ shape: [...input.shape], origin: input.origin }),
  build: (a) => Object.assign(new GaussianNoise(a.float('stddev')), { schedule: a.schedule('schedule') }),
  torch: (a) => `GaussianNoise(stddev=${a.float('stddev')})`,
  torchSource: `class GaussianNoise(nn.Module):
    """Keras GaussianNoise: y = x + eps, eps ~ N(0, stddev^2) in training; identity in eval."""

    def __init__(self, stddev=0.1):
        super().__init__()
        self.stddev = stddev

    def forward(self, x):
        if not self.training or self.stddev == 0:
            return x
        return x + self.stddev * torch.randn_like(x)
`,
});
