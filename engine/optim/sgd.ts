/** torch.optim.SGD: weight decay, momentum with dampening, Nesterov. */
import type { Tensor } from '../tensor/tensor.ts';
import { Optimizer } from './optimizer.ts';
import { kernels } from '../kernels/registry.ts';

export interface SGDOptions {
  lr: number;
  momentum?: number;
  dampening?: number;
  weight_decay?: number;
  nesterov?: boolean;
}

export class SGD extends Optimizer {
  readonly momentum: number;
  readonly dampening: number;
  readonly weightDecay: number;
  readonly nesterov: boolean;

  constructor(params: readonly Tensor[], { lr, momentum = 0, dampening = 0, weight_decay = 0, nesterov = false }: SGDOptions) {
    super(params, lr);
    if (nesterov && (momentum <= 0 || dampening !== 0)) throw new RangeError('Nesterov momentum requires a momentum and zero dampening');
    this.momentum = momentum;
    this.dampening = dampening;
    this.weightDecay = weight_decay;
    this.nesterov = nesterov;
  }

  step(): void {
    const { lr, momentum, dampening, weightDecay, nesterov } = this;
    this.params.forEach((p, i) => {
      if (!p.grad) return;
      const w = p.data;
      const g = p.grad.data;
      const first = !this.state[i].has('momentum_buffer');
      const buf = momentum !== 0 ? this.buffer(i, 'momentum_buffer') : null;
      if (!buf) {
        // Plain SGD, the common case: one backend kernel, without the per-element momentum test.
        kernels().sgdUpdate(w, g, lr, weightDecay);
        return;
      }
      kernels().sgdMomentumUpdate(w, g, buf, { lr, momentum, dampening, weightDecay, nesterov, first });
    });
    this.stepCount++;
  }
}

