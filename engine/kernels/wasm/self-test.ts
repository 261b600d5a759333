/**
 * A start-up check that the compiled kernels are the ones this engine was
 * written for. A `.wasm` built from other AssemblyScript sources (a stale
 * build, a packaging slip) instantiates fine but numbers its ops differently,
 * so the first kernel call traps or writes garbage. A few tiny calls, compared
 * with the reference kernels, turn that into one clear message at load time.
 */
import type { Kernels } from '../kernel-types.ts';

/** Why `candidate` cannot be trusted, or null when its answers match `reference`'s. */
export function kernelMismatch(candidate: Kernels, reference: Kernels): string | null {
  try {
    // Sizes above the wasm side's small-input cut-over (smaller calls run the reference code).
    const n = 1024;
    const bits = [new Uint32Array(n), new Uint32Array(n)];
    candidate.randomBits(7, 11, 3, bits[0]);
    reference.randomBits(7, 11, 3, bits[1]);
    if (bits[0].some((w, i) => w !== bits[1][i])) return 'randomBits gives other words than the reference';

    const x = Float32Array.from({ length: n }, (_, i) => (i % 9) - 4.5);
    const relu = [new Float32Array(n), new Float32Array(n)];
    candidate.reluForward(x, relu[0]);
    reference.reluForward(x, relu[1]);
    if (relu[0].some((v, i) => v !== relu[1][i])) return 'reluForward gives other values than the reference';

    // 3×4 · 4×5: small integers, so every summation order gives the exact same floats.
    const a = Float32Array.from({ length: 12 }, (_, i) => (i % 5) - 2);
    const b = Float32Array.from({ length: 20 }, (_, i) => (i % 7) - 3);
    const c = [new Float32Array(15), new Float32Array(15)];
    for (const [k, out] of [candidate, reference].map((kk, i) => [kk, c[i]] as const)) {
      k.gemm({ transA: false, transB: false, m: 3, n: 5, k: 4, a, aOffset: 0, b, bOffset: 0, c: out, cOffset: 0, accumulate: false });
    }
    if (c[0].some((v, i) => v !== c[1][i])) return 'gemm gives other values than the reference';
    return null;
  } catch (e) {
    return `a test call failed (${(e as Error).message})`;
  }
}
