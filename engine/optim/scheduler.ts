/** Learning-rate schedules as torch.optim.lr_scheduler, in closed form. */
import type { Optimizer } from './optimizer.ts';

export abstract class LRScheduler {
  /** Number of step() calls so far (torch's last_epoch). */
  epoch = 0;
  readonly baseLr: number;

  constructor(protected readonly optimizer: Optimizer) {
    this.baseLr = optimizer.initialLr;
  }

  protected abstract lrAt(epoch: number): number;

  step(): number {
    this.epoch++;
    this.optimizer.lr = this.lrAt(this.epoch);
    return this.optimizer.lr;
  }
}

/** lr = base · γ^⌊epoch / step_size⌋ */
export class StepLR extends LRScheduler {
  constructor(optimizer: Optimizer, readonly stepSize: number, readonly gamma = 0.1) {
    super(optimizer);
    if (!(Number.isInteger(stepSize) && stepSize >= 1)) throw new RangeError(`step_size must be a positive integer, got ${stepSize}`);
  }

  protected lrAt(epoch: number): number {
    return this.baseLr * Math.pow(this.gamma, Math.floor(epoch / this.stepSize));
  }
}

/** lr = η_min + (base − η_min)·(1 + cos(π·epoch / T_max)) / 2 */
export class CosineAnnealingLR extends LRScheduler {
  constructor(optimizer: Optimizer, readonly tMax: number, readonly etaMin = 0) {
    super(optimizer);
    if (!(tMax > 0)) throw new RangeError(`T_max must be positive, got ${tMax}`);
  }

  protected lrAt(epoch: number): number {
    return this.etaMin + ((this.baseLr - this.etaMin) * (1 + Math.cos((Math.PI * epoch) / this.tMax))) / 2;
  }
}
