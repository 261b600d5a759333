/** Special functions JavaScript's Math lacks, accurate to float64 well beyond float32 needs. */

const SQRT_PI = Math.sqrt(Math.PI);

/** erf(x): Maclaurin series for |x| < 3, continued fraction for erfc beyond (A&S 7.1.5, 7.1.14). */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax < 3) {
    // Σ (-1)^n x^(2n+1) / (n! (2n+1)); terms shrink below 1e-17 before n = 60 for |x| < 3.
    const x2 = x * x;
    let term = x;
    let sum = x;
    for (let n = 1; n < 100; n++) {
      term *= -x2 / n;
      const t = term / (2 * n + 1);
      sum += t;
      if (Math.abs(t) < 1e-17 * Math.abs(sum)) break;
    }
    return (2 / SQRT_PI) * sum;
  }
  if (ax > 6) return Math.sign(x);
  // erfc(x) = exp(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))), evaluated bottom-up.
  let f = ax;
  for (let n = 60; n >= 1; n--) f = ax + n / 2 / f;
  const erfc = Math.exp(-ax * ax) / SQRT_PI / f;
  return Math.sign(x) * (1 - erfc);
}
