/**
 * DropConnect (Wan et al. 2013) on a Linear layer; not in torch. In training a
 * keep-mask M over the weights, M_ij ~ Bernoulli(1 − p), is drawn per forward
 * (shared by the batch) and
 *   y = x · (M ⊙ W / (1 − p))ᵀ + b
 * (inverted scaling as nn.Dropout, so E[y] is the eval output; p = 1 gives
 * W' = 0); in eval y = x · Wᵀ + b. The bias is never masked. Parameters,
 * state_dict names and initialisation are nn.Linear's.
 */
import { Tensor } from '../../tensor/tensor.ts';
import type { Generator } from '../../tensor/random.ts';
import { add, mul } from '../../ops/elementwise.ts';
import { matmul } from '../../ops/matmul.ts';
import { uniformFanIn } from '../init.ts';
import { checkProbability, scheduleArg, StochasticModule } from '../stochastic.ts';
import { defineLayer } from '../layer-def.ts';
import * as onnx from '../../export/onnx/layers.ts';
import { lastDim } from '../layer-palette.ts';
import { LinearLayer } from './linear.ts';
import { keepScale } from './dropout.ts';

export class DropConnect extends StochasticModule {
  readonly noiseKind = 'keep-mask';
  readonly noiseMeaning = 'One 0/1 value per weight (out_features × in_features): 0 removes that connection for this forward.';
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(readonly inFeatures: number, readonly outFeatures: number, bias: boolean, p: number, gen: Generator) {
    super(p);
    checkProbability(p);
    this.weight = this.registerParameter('weight', uniformFanIn([outFeatures, inFeatures], inFeatures, gen));
    this.bias = bias ? this.registerParameter('bias', uniformFanIn([outFeatures], inFeatures, gen)) : null;
  }

  forward(x: Tensor): Tensor {
    let w = this.weight;
    if (this.training && this.p > 0) {
      const mask = this.takeKeepMask(w.shape);
      const scale = keepScale(this.p);
      const scaled = new Float32Array(mask.length);
      for (let i = 0; i < mask.length; i++) scaled[i] = mask[i] * scale;
      w = mul(w, new Tensor(scaled, w.shape));
    } else {
      this.noNoise();
    }
    const y = matmul(x, w, { transB: true });
    return this.bias ? add(y, this.bias) : y;
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${this.bias !== null}, p=${this.p}`;
  }
}

export const DropConnectLayer = defineLayer({
  kind: 'DropConnect',
  category: 'Dropout family',
  traits: { stochastic: { rate: 'p' } },
  description: 'A Linear layer whose individual weights are dropped with probability p while training (DropConnect).',
  descriptionZh: '训练时以概率 p 丢弃单个权重的 Linear 层（DropConnect）。',
  args: [
    ...LinearLayer.args,
    { name: 'p', type: 'float', default: 0.5, min: 0, max: 1, doc: 'Probability of dropping each weight.', docZh: '丢弃每个权重的概率。' },
    scheduleArg(),
  ],
  insertDefaults: (s) => ({ in_features: lastDim(s), out_features: lastDim(s) }),
  summary: (v) => `${v.in_features} → ${v.out_features}, p = ${v.p}`,
  infer: LinearLayer.infer,
  paramShapes: LinearLayer.paramShapes,
  build: (a, _input, gen) => Object.assign(new DropConnect(a.int('in_features'), a.int('out_features'), a.bool('bias'), a.float('p'), gen), { schedule: a.schedule('schedule') }),
  onnx: (c, x) => onnx.linear(c, x), // eval: the plain Linear
  torch: (a) => `DropConnectLinear(${a.int('in_features')}, ${a.int('out_features')}${a.bool('bias') ? '' : ', bias=False'}, p=${a.float('p')})`,
  torchSource: `class DropConnectLinear(nn.Linear):
    """DropConnect on a Linear: y = x (M * W / (1 - p))^T + b with M ~ Bernoulli(1 - p) per weight in training; eval uses W."""

    def __init__(self, in_features, out_features, bias=True, p=0.5):
        super().__init__(in_features, out_features, bias)
        self.p = p

    def forward(self, x):
        if not self.training or self.p == 0:
            return F.linear(x, self.weight, self.bias)
        mask = torch.bernoulli(torch.full_like(self.weight, 1 - self.p))
        scale = 0.0 if self.p == 1 else 1 / (1 - self.p)
        return F.linear(x, self.weight * mask * scale, self.bias)
`,
});
