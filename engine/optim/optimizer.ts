/** The optimizer contract: update parameters in place from their .grad, keep state as named float32 buffers. */
import type { Tensor } from '../tensor/tensor.ts';
import type { StepMemory } from '../kernels/kernel-types.ts';
import { kernels } from '../kernels/registry.ts';

export abstract class Optimizer {
  /** The learning rate now in force (schedulers change it). */
  lr: number;
  readonly initialLr: number;
  /** Per-parameter state buffers by name (momentum_buffer, exp_avg, ...), created lazily like torch's. */
  protected readonly state: Map<string, Float32Array>[];
  stepCount = 0;
  /** The backend memory the state is pinned in while a run trains (pinState), else null. */
  private pinnedIn: StepMemory | null = null;

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
      b = this.place(new Float32Array(this.params[i].size));
      this.state[i].set(name, b);
    }
    return b;
  }

  /**
   * Keeps the state buffers in the backend's memory while a run trains, as pinData keeps its parameters
   * (new buffers too): update kernels then work on them in place instead of copying them in and out every
   * step (Adam: 4 copies of the model's size). Returns the function that gives them back as ordinary arrays.
   */
  pinState(): () => void {
    const memory = kernels().stepMemory;
    if (!memory) return () => {};
    this.pinnedIn = memory;
    for (const m of this.state) for (const [name, b] of m) m.set(name, this.place(b));
    return () => {
      this.pinnedIn = null;
      for (const m of this.state) for (const [name, b] of m) m.set(name, unpinned(memory, b));
    };
  }

  /** b, or its copy in the backend's memory while the state is pinned. */
  private place(b: Float32Array): Float32Array {
    return this.pinnedIn && !this.pinnedIn.owns(b) ? this.pinnedIn.pin(b) : b;
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
    for (const m of this.state) {
      if (this.pinnedIn) for (const b of m.values()) unpinned(this.pinnedIn, b);
      m.clear();
    }
    for (const [key, b] of s.buffers) {
      const dot = key.indexOf('.');
      const i = Number(key.slice(0, dot));
      if (!Number.isInteger(i) || i < 0 || i >= this.params.length || b.length !== this.params[i].size) {
        throw new RangeError(`optimizer state '${key}' does not fit the model's parameters`);
      }
      this.state[i].set(key.slice(dot + 1), this.place(b.slice()));
    }
  }
}

/** An ordinary copy of a pinned buffer, whose block goes back to the memory; other buffers as they are. */
function unpinned(memory: StepMemory, b: Float32Array): Float32Array {
  if (!memory.owns(b)) return b;
  const copy = b.slice();
  memory.unpin(b);
  return copy;
}
