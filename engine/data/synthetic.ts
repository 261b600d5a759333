/**
 * Seeded synthetic data: 2-D classification sets (spiral, moons, circles,
 * XOR, blobs), 1-D regression curves, and a token-sequence task that needs
 * attention. Same options and seed → same data.
 */
import { Generator } from '../tensor/random.ts';
import { DataError, type Dataset } from './dataset.ts';

export const TWO_D_SETS = ['spiral', 'moons', 'circles', 'xor', 'blobs'] as const;
export type TwoDSet = (typeof TWO_D_SETS)[number];

export interface TwoDOptions {
  samples?: number;
  noise?: number;
  classes?: number;
  seed?: number;
}

function twoD(name: TwoDSet, size: number, classes: number, fill: (i: number, gen: Generator) => [number, number, number]): (seed: number, noise: number) => Dataset {
  return (seed, noise) => {
    const gen = new Generator(seed);
    const features = new Float32Array(size * 2);
    const labels = new Int32Array(size);
    const jitter = gen.fork().normal(size * 2, 0, noise);
    for (let i = 0; i < size; i++) {
      const [x, y, c] = fill(i, gen);
      features[2 * i] = x + jitter[2 * i];
      features[2 * i + 1] = y + jitter[2 * i + 1];
      labels[i] = c;
    }
    return { name, task: 'classification', inputShape: [2], size, features, featureScale: 1, labels, classNames: Array.from({ length: classes }, (_, k) => `class ${k}`), targetDim: 1 };
  };
}

export function makeTwoD(name: TwoDSet, { samples = 400, noise, classes, seed = 0 }: TwoDOptions = {}): Dataset {
  if (!Number.isInteger(samples) || samples < 4) throw new DataError(`samples must be an integer ≥ 4, got ${samples}`);
  const u = (g: Generator) => g.uniform(1)[0];
  switch (name) {
    case 'spiral': {
      const k = classes ?? 2;
      return twoD('spiral', samples, k, (i, g) => {
        const c = i % k;
        const r = 0.05 + 0.95 * u(g);
        const t = 3.5 * Math.PI * r + (2 * Math.PI * c) / k;
        return [r * Math.cos(t), r * Math.sin(t), c];
      })(seed, noise ?? 0.05);
    }
    case 'moons':
      return twoD('moons', samples, 2, (i, g) => {
        const c = i % 2;
        const t = Math.PI * u(g);
        return c === 0 ? [Math.cos(t), Math.sin(t), 0] : [1 - Math.cos(t), 0.5 - Math.sin(t), 1];
      })(seed, noise ?? 0.1);
    case 'circles':
      return twoD('circles', samples, 2, (i, g) => {
        const c = i % 2;
        const t = 2 * Math.PI * u(g);
        const r = c === 0 ? 1 : 0.5;
        return [r * Math.cos(t), r * Math.sin(t), c];
      })(seed, noise ?? 0.08);
    case 'xor':
      // Class 0 in the quadrants where x·y > 0, class 1 where x·y < 0, alternating.
      return twoD('xor', samples, 2, (i, g) => {
        const c = i % 2;
        const sx = u(g) < 0.5 ? -1 : 1;
        const sy = c === 0 ? sx : -sx;
        return [sx * (0.05 + 0.95 * u(g)), sy * (0.05 + 0.95 * u(g)), c];
      })(seed, noise ?? 0.05);
    case 'blobs': {
      const k = classes ?? 3;
      return twoD('blobs', samples, k, (i) => {
        const c = i % k;
        const a = (2 * Math.PI * c) / k;
        return [Math.cos(a), Math.sin(a), c];
      })(seed, noise ?? 0.35);
    }
  }
}

export const CURVES = ['sine', 'cubic', 'step'] as const;
export type Curve = (typeof CURVES)[number];

/** y = f(x) + noise on x ∈ [−3, 3], for MSE regression. */
export function makeCurve(curve: Curve, { samples = 200, noise = 0.1, seed = 0 }: TwoDOptions = {}): Dataset {
  const gen = new Generator(seed);
  const xs = gen.uniform(samples, -3, 3);
  const e = gen.normal(samples, 0, noise);
  const f = { sine: Math.sin, cubic: (x: number) => (x * x * x) / 9 - x / 3, step: (x: number) => (x > 0 ? 1 : -1) }[curve];
  const labels = Float32Array.from(xs, (x, i) => f(x) + e[i]);
  return { name: curve, task: 'regression', inputShape: [1], size: samples, features: xs, featureScale: 1, labels, classNames: [], targetDim: 1 };
}

export interface SequenceOptions {
  samples?: number;
  length?: number;
  vocab?: number;
  seed?: number;
}

/**
 * Token sequences labelled 1 when token A (=1) appears before token B (=2),
 * 0 otherwise; each sequence holds exactly one A and one B among filler
 * tokens ≥ 3. Order, not counts, decides: a bag-of-tokens model cannot
 * solve it, attention with positions can.
 */
export function makeSequenceTask({ samples = 2000, length = 16, vocab = 12, seed = 0 }: SequenceOptions = {}): Dataset {
  if (length < 2 || vocab < 4) throw new DataError('the sequence task needs length ≥ 2 and vocab ≥ 4');
  const gen = new Generator(seed);
  const features = new Float32Array(samples * length);
  const labels = new Int32Array(samples);
  for (let i = 0; i < samples; i++) {
    const u = gen.uniform(length + 2);
    for (let t = 0; t < length; t++) features[i * length + t] = 3 + Math.floor(u[t] * (vocab - 3));
    const a = Math.floor(u[length] * length);
    let b = Math.floor(u[length + 1] * (length - 1));
    if (b >= a) b++;
    features[i * length + a] = 1;
    features[i * length + b] = 2;
    labels[i] = a < b ? 1 : 0;
  }
  return { name: 'sequence', task: 'classification', inputShape: [length], size: samples, features, featureScale: 1, labels, classNames: ['B before A', 'A before B'], targetDim: 1, tokens: true, vocabSize: vocab };
}
