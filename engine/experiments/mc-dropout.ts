/**
 * MC-dropout (Gal & Ghahramani 2016): predict T times with every dropout-like
 * layer still drawing noise and everything else in eval mode (BatchNorm uses
 * its running statistics), then summarise the T predictions per sample.
 *
 * Classification, with p_t = softmax(logits of pass t) and p̄ = mean_t p_t:
 *   predictive entropy  H[p̄] = −Σ_k p̄_k ln p̄_k
 *   expected entropy    E_t H[p_t]
 *   mutual information  I = H[p̄] − E_t H[p_t] ≥ 0 (what the dropout masks disagree on)
 * all in nats; std is per class over passes (population, ÷T).
 * Regression: mean and std (÷T) of each output.
 * Pass t draws its noise from Generator.stream(seed, MC_STREAM, t), so the
 * same seed and T give the same numbers.
 */
import { Tensor } from '../tensor/tensor.ts';
import { Generator as Rng } from '../tensor/random.ts';
import { noGrad } from '../tensor/grad-mode.ts';
import { withStepMemory } from '../tensor/storage.ts';
import type { Module } from '../nn/module.ts';
import { stochasticModules } from '../nn/stochastic.ts';
import { softmaxInto } from '../results/forward-all.ts';

const MC_STREAM = 11;

export interface McOptions {
  passes: number;
  seed?: number;
  task: 'classification' | 'regression';
  batchSize?: number;
  /** Called before each pass (tests force masks here). */
  beforePass?: (pass: number) => void;
}

export interface McStats {
  task: 'classification' | 'regression';
  passes: number;
  samples: number;
  /** Outputs per sample (classes, or regression targets). */
  width: number;
  /** samples × width: mean softmax probabilities (classification) or mean outputs (regression). */
  mean: Float32Array<ArrayBuffer>;
  /** samples × width: standard deviation over passes of the same quantities. */
  std: Float32Array<ArrayBuffer>;
  /** Per sample, in nats; null for regression. */
  entropy: Float32Array<ArrayBuffer> | null;
  expected_entropy: Float32Array<ArrayBuffer> | null;
  mutual_information: Float32Array<ArrayBuffer> | null;
}

/**
 * Runs `fn` with the model in eval mode except its dropout-like layers, which
 * stay in training mode (only those modules, not their children); restores
 * every module's mode and the model's random stream afterwards.
 */
export function withDropoutActive<T>(model: Module, fn: () => T): T {
  const modes = model.namedModules().map(([, m]) => [m, m.training] as const);
  model.eval();
  for (const [, m] of stochasticModules(model)) m.training = true;
  try {
    return fn();
  } finally {
    for (const [m, t] of modes) m.training = t;
  }
}

function entropyOf(p: ArrayLike<number>, off: number, K: number): number {
  let h = 0;
  for (let k = 0; k < K; k++) {
    const v = p[off + k];
    if (v > 0) h -= v * Math.log(v);
  }
  return h;
}

/**
 * The work as a generator that yields between batches (the fraction done), so
 * one body serves the synchronous call (CLI, tests) and the asynchronous one
 * (the engine process, which must keep answering messages).
 */
function* mcSteps(model: Module, x: Tensor, o: McOptions): Generator<number, McStats> {
  const T = o.passes;
  if (!Number.isInteger(T) || T < 1) throw new RangeError(`MC-dropout needs a whole number of passes ≥ 1, got ${T}`);
  const n = x.shape[0];
  const rowShape = x.shape.slice(1);
  const D = rowShape.reduce((a, b) => a * b, 1);
  const bs = Math.max(1, o.batchSize ?? 256);
  const classify = o.task === 'classification';
  let K = 0;
  let sum = new Float64Array(0);
  let sq = new Float64Array(0);
  const hSum = new Float64Array(n);
  let row: Float64Array | null = null;
  const previous = model.generator;
  try {
    for (let t = 0; t < T; t++) {
      model.setGenerator(Rng.stream(o.seed ?? 0, MC_STREAM, t));
      o.beforePass?.(t);
      for (let start = 0; start < n; start += bs) {
        const b = Math.min(bs, n - start);
        const xb = new Tensor(x.data.slice(start * D, (start + b) * D), [b, ...rowShape]);
        // The pass's tensors live in step memory: only the float64 sums below outlive it.
        withStepMemory(() => {
          const y = withDropoutActive(model, () => noGrad(() => model.forward(xb)));
          if (K === 0) {
            K = y.data.length / b;
            sum = new Float64Array(n * K);
            sq = new Float64Array(n * K);
            row = classify ? new Float64Array(K) : null;
          }
          for (let i = 0; i < b; i++) {
            const r = (start + i) * K;
            if (row) {
              softmaxInto(y.data, i * K, K, row);
              hSum[start + i] += entropyOf(row, 0, K);
            }
            for (let k = 0; k < K; k++) {
              const v = row ? row[k] : y.data[i * K + k];
              sum[r + k] += v;
              sq[r + k] += v * v;
            }
          }
        });
        yield (t * n + start + b) / (T * n);
      }
    }
  } finally {
    model.setGenerator(previous);
  }
  const mean = new Float32Array(n * K);
  const std = new Float32Array(n * K);
  for (let j = 0; j < n * K; j++) {
    const m = sum[j] / T;
    mean[j] = m;
    std[j] = Math.sqrt(Math.max(0, sq[j] / T - m * m));
  }
  if (!classify) return { task: o.task, passes: T, samples: n, width: K, mean, std, entropy: null, expected_entropy: null, mutual_information: null };
  const entropy = new Float32Array(n);
  const expected = new Float32Array(n);
  const mi = new Float32Array(n);
  const pbar = new Float64Array(K);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < K; k++) pbar[k] = sum[i * K + k] / T;
    const h = entropyOf(pbar, 0, K);
    const eh = hSum[i] / T;
    entropy[i] = h;
    expected[i] = eh;
    mi[i] = Math.max(0, h - eh); // ≥ 0 by Jensen; clamp rounding below zero
  }
  return { task: o.task, passes: T, samples: n, width: K, mean, std, entropy, expected_entropy: expected, mutual_information: mi };
}

/** T stochastic passes over the batch `x` ([n, ...input_shape], already normalised as the model was trained). */
export function mcPredict(model: Module, x: Tensor, o: McOptions): McStats {
  const steps = mcSteps(model, x, o);
  for (;;) {
    const s = steps.next();
    if (s.done) return s.value;
  }
}

export interface McAsyncOptions extends McOptions {
  yieldEveryMs?: number;
  /** Called at every yield with the fraction of the passes done. */
  onProgress?: (fraction: number) => void;
  /** Checked at every yield: true stops the work (the result is then null). */
  cancelled?: () => boolean;
}

/** The same, yielding to the event loop every `yieldEveryMs` of work; null when cancelled. */
export async function mcPredictAsync(model: Module, x: Tensor, o: McAsyncOptions): Promise<McStats | null> {
  const steps = mcSteps(model, x, o);
  let last = performance.now();
  for (;;) {
    const s = steps.next();
    if (s.done) return s.value;
    if (performance.now() - last > (o.yieldEveryMs ?? 25)) {
      o.onProgress?.(s.value);
      await new Promise<void>((r) => setTimeout(r, 0));
      last = performance.now();
      if (o.cancelled?.()) {
        // Ends the generator: its finally restores the model's random stream.
        steps.return(null as unknown as McStats);
        return null;
      }
    }
  }
}

/** Sample indices ordered by uncertainty, highest first (ties by index), at most `count`. */
export function mostUncertain(s: McStats, by: 'mutual_information' | 'entropy', count: number): number[] {
  const u = by === 'entropy' ? s.entropy : s.mutual_information;
  if (!u) throw new Error('uncertainty ranking needs classification statistics (entropy, mutual information)');
  return Array.from({ length: s.samples }, (_, i) => i).sort((a, b) => u[b] - u[a] || a - b).slice(0, count);
}
