/**
 * The shared convention of every dropout-like module, so randomness is
 * inspectable and replayable:
 * - `p` is the layer's rate knob (the argument `rateName`, which the layer's
 *   stochastic trait also names: p, rate, stddev…); dropout schedules set it
 *   between steps.
 * - `lastNoise` holds what the last training forward drew (a 0/1 keep-mask,
 *   Gaussian noise, DropBlock's block seeds…), `lastNoiseShape` its shape and
 *   `noiseMeaning` says in one sentence what it is; null after an eval forward.
 * - `forcedNoise`, when set, is used by the next training forward instead of a
 *   draw (tests against torch, replays); it is consumed by that forward.
 * - All draws come from `this.generator` (the seeded Threefry stream).
 * `lastMask`/`forcedMask` are the same fields under the name mask layers use.
 */
import type { Tensor } from '../tensor/tensor.ts';
import { Generator } from '../tensor/random.ts';
import { numel } from '../tensor/shape.ts';
import { Module } from './module.ts';
import { kernels } from '../kernels/registry.ts';
import { atStepEnd } from '../tensor/storage.ts';
import type { ArgSpec } from './layer-def.ts';
import { scheduledP, type DropoutSchedule, type TrainingProgress, type ValueRange } from './dropout-schedule.ts';

export type NoiseKind =
  | 'keep-mask' // 0/1 per element, per channel, per row…: 1 keeps
  | 'block-seeds' // DropBlock's Bernoulli(γ) block centres, before expansion
  | 'multiplier' // y = x·noise
  | 'additive'; // y = x + noise

export abstract class StochasticModule extends Module {
  /** The torch argument the rate knob mirrors ('p', 'rate', 'stddev'). */
  readonly rateName: string = 'p';
  /** Where `p` may go: [0, 1] unless a layer says otherwise. */
  readonly rateRange: ValueRange = { min: 0, max: 1 };
  abstract readonly noiseKind: NoiseKind;
  /** One sentence on what lastNoise holds, for the inspector. */
  abstract readonly noiseMeaning: string;
  /** How p changes during training (from the spec), or null for a fixed p. */
  schedule: DropoutSchedule | null = null;
  lastNoiseShape: number[] | null = null;
  forcedNoise: Float32Array | null = null;

  private noise: Float32Array | null = null;
  /** Draws the last keep-mask again when lastNoise is read: set at a step's end instead of copying the mask out of step memory. */
  private redraw: (() => Float32Array) | null = null;

  constructor(public p: number) {
    super();
  }

  get lastNoise(): Float32Array | null {
    if (this.redraw) {
      this.noise = this.redraw();
      this.redraw = null;
    }
    return this.noise;
  }

  set lastNoise(n: Float32Array | null) {
    this.noise = n;
    this.redraw = null;
  }

  abstract override forward(x: Tensor): Tensor;

  get lastMask(): Float32Array | null {
    return this.lastNoise;
  }

  set lastMask(m: Float32Array | null) {
    this.lastNoise = m;
  }

  get forcedMask(): Float32Array | null {
    return this.forcedNoise;
  }

  set forcedMask(m: Float32Array | null) {
    this.forcedNoise = m;
  }

  /** Keeps a scheduled value inside the layer's range (a schedule cannot make p invalid). */
  clampRate(v: number): number {
    const { min = -Infinity, max = Infinity } = this.rateRange;
    return Math.min(Math.max(v, min), this.rateRange.maxExclusive ? Math.min(max, max - 1e-7) : max);
  }

  /**
   * The noise for this training forward: the forced one if set, else `draw(n)`; recorded as lastNoise.
   * `redraw`, if given, draws the same noise again into an ordinary array (see takeKeepMask).
   */
  protected takeNoise(shape: readonly number[], draw: (n: number) => Float32Array, redraw?: () => Float32Array): Float32Array {
    const n = numel(shape);
    const forced = this.forcedNoise;
    const noise = forced ?? draw(n);
    this.forcedNoise = null;
    if (noise.length !== n) throw new RangeError(`${this.constructor.name}: noise has ${noise.length} elements but this input needs ${n} (shape ${shape.join('×')})`);
    this.lastNoise = noise;
    this.lastNoiseShape = [...shape];
    // A draw in step memory (a keep-mask) outlives the step for the inspector: drawn again if it is read, else copied out.
    const again = forced ? null : redraw;
    if (kernels().stepMemory?.owns(noise)) {
      atStepEnd(() => {
        if (this.noise !== noise) return;
        if (again) {
          this.noise = null;
          this.redraw = again;
        } else this.noise = noise.slice();
      });
    }
    return noise;
  }

  /**
   * takeNoise for a Bernoulli(keepProb) 0/1 keep-mask. The mask is a pure function of the generator's counters, so
   * one drawn in step memory is not copied out at the step's end (a pass per step for a rarely read field):
   * lastNoise draws it again, from the same counters, when read.
   */
  protected takeKeepMask(shape: readonly number[], keepProb = 1 - this.p): Float32Array {
    const at = this.generator.state();
    const n = numel(shape);
    const redraw = () => {
      const g = new Generator();
      g.restore(at);
      return g.bernoulliInto(new Float32Array(n), keepProb);
    };
    return this.takeNoise(shape, (n) => this.generator.bernoulli(n, keepProb), redraw);
  }

  /** What kept values were multiplied by, for the inspector: 1/(1 − p) for an inverted-dropout keep-mask, else null. */
  keepScale(): number | null {
    return this.noiseKind === 'keep-mask' && this.p < 1 ? 1 / (1 - this.p) : null;
  }

  /** An eval (or p = 0) forward draws nothing. */
  protected noNoise(): void {
    this.lastNoise = null;
    this.lastNoiseShape = null;
  }

  override extraRepr(): string {
    return `${this.rateName}=${this.p}`;
  }
}

/** Every dropout-like module of a model with its dotted name, in forward order. */
export function stochasticModules(model: Module): [string, StochasticModule][] {
  return model.namedModules().filter((e): e is [string, StochasticModule] => e[1] instanceof StochasticModule);
}

/**
 * Sets `p` of every scheduled stochastic module of `model` for this point of
 * training (the schedule came from the spec when the model was built, so
 * nested blocks are covered). Returns what was set, by module name, for logs.
 */
export function applyDropoutSchedules(model: Module, progress: TrainingProgress): [string, number][] {
  const set: [string, number][] = [];
  for (const [name, m] of stochasticModules(model)) {
    if (m.schedule === null) continue;
    m.p = m.clampRate(scheduledP(m.schedule, progress));
    set.push([name, m.p]);
  }
  return set;
}

/** The `schedule` argument every stochastic layer declares; its rates obey the layer's own range. */
export function scheduleArg(range: ValueRange = { min: 0, max: 1 }): ArgSpec {
  return {
    name: 'schedule',
    type: 'schedule',
    default: null,
    ...range,
    doc: 'How the rate changes during training: null (fixed), or {"type": "constant" | "linear" | "cosine" | "step", ...}.',
    docZh: '训练过程中该比率如何变化：null（固定不变），或 {"type": "constant" | "linear" | "cosine" | "step", ...}。',
  };
}

/** torch's check for dropout probabilities (ValueError in torch). */
export function checkProbability(p: number, what = 'dropout probability'): void {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`${what} has to be between 0 and 1, but got ${p}`);
}
