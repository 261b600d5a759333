/**
 * Central finite differences against autograd. f is reduced to a scalar with a
 * fixed random weighting r, so every output element's gradient matters.
 */
import { expect } from 'vitest';
import { Generator, Tensor } from '../../engine/index.ts';

export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
}

/** Sets every input's requiresGrad, runs backward once and compares with (f(x+ε) − f(x−ε)) / 2ε per element. */
export function gradcheck(fn: (...xs: Tensor[]) => Tensor, inputs: Tensor[], { eps = 1e-2, atol = 1e-3, rtol = 1e-2 }: GradcheckOptions = {}): string[] {
  for (const x of inputs) x.requiresGrad = true;
  const y = fn(...inputs);
  const r = new Generator(1234).normal(y.size);
  const weighted = (t: Tensor) => {
    let s = 0;
    for (let i = 0; i < t.size; i++) s += r[i] * t.data[i];
    return s;
  };
  const ops = new Set<string>(y.op ? [y.op] : []);
  y.backward(r);
  inputs.forEach((x, k) => {
    const analytic = x.grad?.data ?? new Float32Array(x.size);
    expect(x.grad, `input ${k} received no gradient`).not.toBeNull();
    for (let i = 0; i < x.size; i++) {
      const orig = x.data[i];
      x.data[i] = orig + eps;
      const fp = weighted(fn(...inputs));
      x.data[i] = orig - eps;
      const fm = weighted(fn(...inputs));
      x.data[i] = orig;
      const numeric = (fp - fm) / (2 * eps);
      const a = analytic[i];
      if (Math.abs(numeric - a) > atol + rtol * Math.abs(numeric)) {
        expect.fail(`input ${k}, element ${i}: autograd gives ${a}, finite differences ${numeric}`);
      }
    }
  });
  return [...ops];
}
