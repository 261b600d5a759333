/** The optimizer contract: update parameters in place from their .grad, keep state as named float32 buffers. */
import type { Tensor } from '../tensor/tensor.ts';

export abstract class Optimizer {
  /** The learning rate now in force (schedulers change it). */
  lr: number;
  readonly initialLr: number;
  /** Per-parameter state buffers by name (momentum_buffer, exp_avg, ...), created lazily like torch's. */
  protected readonly state: Map<string, Float32Array>[];
  stepCount = 0;

  constructor(readonly params: readonly Tensor[], lr: number) {
    if (!(lr >= 0)) throw new RangeError(`invalid learning rate: ${lr}`);
    this.lr = lr;
    this.initialLr = lr;
    this.state = params.map(() => new Map());
  }

  abstract step(): void;

  zeroGrad(): void {
    for (const p of this.params) p.grad = null;
  }

  protected buffer(i: number, name: string): Float32Array {
    let b = this.state[i].get(name);
    if (!b) {
      b = new Float32Array(this.params[i].size);
      this.state[i].set(name, b);
    }
    return b;
  }

  /** State as flat named buffers ("0.exp_avg", ...), plus the step count, for checkpoints. */
  stateDict(): { step: number; lr: number; buffers: Map<string, Float32Array> } {
    const buffers = new Map<string, Float32Array>();
    this.state.forEach((m, i) => m.forEach((b, n) => buffers.set(`${i}.${n}`, b.slice())));
    return { step: this.stepCount, lr: this.lr, buffers };
  }

  loadStateDict(s: { step: number; lr: number; buffers: ReadonlyMap<string, Float32Array> }): void {
    this.stepCount = s.step;
    this.lr = s.lr;
    this.state.forEach((m) => m.clear());
    for (const [key, b] of s.buffers) {
      const dot = key.indexOf('.');
      const i = Number(key.slice(0, dot));
      if (!Number.isInteger(i) || i < 0 || i >= this.params.length || b.length !== this.params[i].size) {
        throw new RangeError(`optimizer state '${key}' does not fit the model's parameters`);
      }
      this.state[i].set(key.slice(dot + 1), b.slice());
    }
  }
}
