/** Closeness checks with torch-style tolerance |a − b| ≤ atol + rtol·|b|, reporting the worst element. */
import { expect } from 'vitest';

export interface Tolerance {
  atol?: number;
  rtol?: number;
}

export function worstMismatch(actual: ArrayLike<number>, expected: ArrayLike<number>, { atol = 1e-5, rtol = 1e-5 }: Tolerance = {}) {
  let worst: { index: number; actual: number; expected: number; excess: number } | null = null;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const b = expected[i];
    const excess = Math.abs(a - b) - (atol + rtol * Math.abs(b));
    const bad = Number.isNaN(a) !== Number.isNaN(b) || excess > 0;
    if (bad && (worst === null || excess > worst.excess || Number.isNaN(excess))) worst = { index: i, actual: a, expected: b, excess };
  }
  return worst;
}

/** Asserts equal length and element-wise closeness; the failure names what and where. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, tol: Tolerance = {}): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  const w = worstMismatch(actual, expected, tol);
  if (w) expect.fail(`${what}: element ${w.index} is ${w.actual}, torch has ${w.expected} (tolerance atol ${tol.atol ?? 1e-5}, rtol ${tol.rtol ?? 1e-5})`);
}

export function expectShape(actual: readonly number[], expected: readonly number[], what: string): void {
  expect([...actual], `${what}: shape`).toEqual([...expected]);
}
