/** torch.optim.Adam and AdamW (decoupled weight decay), with AMSGrad. */
import type { Tensor } from '../tensor/tensor.ts';
import { Optimizer } from './optimizer.ts';
import { kernels } from '../kernels/registry.ts';

export interface AdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weight_decay?: number;
  amsgrad?: boolean;
}

export class Adam extends Optimizer {
  readonly betas: [number, number];
  readonly eps: number;
  readonly weightDecay: number;
  readonly amsgrad: boolean;
  /** AdamW decays weights directly (w ← w·(1 − lr·λ)) instead of adding λw to the gradient. */
  protected readonly decoupled: boolean = false;

  constructor(params: readonly Tensor[], { lr = 1e-3, betas = [0.9, 0.999], eps = 1e-8, weight_decay = 0, amsgrad = false }: AdamOptions = {}) {
    super(params, lr);
    if (!(betas[0] >= 0 && betas[0] < 1 && betas[1] >= 0 && betas[1] < 1)) throw new RangeError(`invalid betas: ${betas.join(', ')}`);
    this.betas = betas;
    this.eps = eps;
    this.weightDecay = weight_decay;
    this.amsgrad = amsgrad;
  }

  step(): void {
    this.stepCount++;
    const t = this.stepCount;
    const [b1, b2] = this.betas;
    const { lr, eps, weightDecay, amsgrad, decoupled } = this;
    const bc1 = 1 - Math.pow(b1, t);
    const bc2Sqrt = Math.sqrt(1 - Math.pow(b2, t));
    const stepSize = lr / bc1;
    const s = { lr, weightDecay, decoupled, b1, b2, eps, stepSize, bc2Sqrt };
    this.params.forEach((p, i) => {
      if (!p.grad) return;
      kernels().adamUpdate(p.data, p.grad.data, this.buffer(i, 'exp_avg'), this.buffer(i, 'exp_avg_sq'), amsgrad ? this.buffer(i, 'max_exp_avg_sq') : null, s);
    });
  }
}

export class AdamW extends Adam {
  protected override readonly decoupled: boolean = true;

  constructor(params: readonly Tensor[], options: AdamOptions = {}) {
    super(params, { weight_decay: 1e-2, ...options });
  }
}
