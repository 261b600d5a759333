/**
 * nn.Dropout, inverted as in torch: in training each element is zeroed with
 * probability p and survivors are scaled by 1/(1 − p), so E[y] = x; in eval
 * mode it is the identity. The last training mask is kept for inspection.
 */
import { Tensor } from '../../tensor/tensor.ts';
import { mul } from '../../ops/elementwise.ts';
import { Module } from '../module.ts';
import { defineLayer } from '../layer-def.ts';

export class Dropout extends Module {
  /** The 0/1 keep-mask of the last training forward (null before one, or after eval forwards). */
  lastMask: Float32Array | null = null;
  /** When set, the next training forward uses this keep-mask instead of drawing one (tests, replays). */
  forcedMask: Float32Array | null = null;

  constructor(public p: number) {
    super();
    if (!(p >= 0 && p <= 1)) throw new RangeError(`dropout probability has to be between 0 and 1, but got ${p}`);
  }

  forward(x: Tensor): Tensor {
    if (!this.training || this.p === 0) {
      this.lastMask = null;
      return x;
    }
    const mask = this.forcedMask ?? this.generator.bernoulli(x.size, 1 - this.p);
    if (mask.length !== x.size) throw new RangeError(`dropout mask has ${mask.length} elements but the input has ${x.size}`);
    this.forcedMask = null;
    this.lastMask = mask;
    // p = 1 drops everything; avoid 0·∞.
    const scale = this.p === 1 ? 0 : 1 / (1 - this.p);
    const scaled = new Float32Array(mask.length);
    for (let i = 0; i < mask.length; i++) scaled[i] = mask[i] * scale;
    return mul(x, new Tensor(scaled, x.shape));
  }

  override extraRepr(): string {
    return `p=${this.p}`;
  }
}

export const DropoutLayer = defineLayer({
  kind: 'Dropout',
  category: 'Dropout family',
  description: 'Zeroes each activation with probability p while training, scaling survivors by 1/(1−p); identity in eval.',
  args: [
    { name: 'p', type: 'float', default: 0.5, min: 0, max: 1, doc: 'Probability of zeroing an element (0.3–0.5 is common).' },
    { name: 'inplace', type: 'bool', default: false, doc: 'Accepted for PyTorch compatibility; has no effect.' },
  ],
  infer: (_a, input) => ({ shape: [...input.shape], origin: input.origin }),
  build: (a) => new Dropout(a.float('p')),
  torch: (a) => `nn.Dropout(p=${a.float('p')})`,
});
