/**
 * The load-time check that the compiled kernels belong to this engine: the
 * real build passes, and a kernel set that answers differently or traps (what
 * a stale `.wasm` with other op numbers does) is named instead of trusted.
 */
import { describe, expect, it } from 'vitest';
import { kernelMismatch } from '../../../../engine/kernels/wasm/self-test.ts';
import { referenceKernels } from '../../../../engine/kernels/reference.ts';
import { installWasmBackend } from '../../../../engine/kernels/wasm/node/load.ts';
import type { Kernels } from '../../../../engine/kernels/kernel-types.ts';

describe('kernelMismatch', () => {
  it('accepts the wasm kernels built from these sources', () => {
    expect(kernelMismatch(installWasmBackend(), referenceKernels)).toBeNull();
  });

  it('names a kernel whose answers differ from the reference', () => {
    const offByOneWord: Kernels = { ...referenceKernels, randomBits: (k0, k1, offset, out) => referenceKernels.randomBits(k0, k1, offset + 1, out) };
    expect(kernelMismatch(offByOneWord, referenceKernels)).toMatch(/randomBits/);
    const leakyRelu: Kernels = { ...referenceKernels, reluForward: (x, y) => x.forEach((v, i) => (y[i] = v > 0 ? v : 0.01 * v)) };
    expect(kernelMismatch(leakyRelu, referenceKernels)).toMatch(/reluForward/);
    const offByOne: Kernels = {
      ...referenceKernels,
      gemm: (a) => {
        referenceKernels.gemm(a);
        a.c[a.cOffset] += 1;
      },
    };
    expect(kernelMismatch(offByOne, referenceKernels)).toMatch(/gemm/);
  });

  it('reports a kernel that traps instead of throwing', () => {
    const trapping: Kernels = {
      ...referenceKernels,
      reluForward: () => {
        throw new RangeError('memory access out of bounds'); // what a trap surfaces as, minus the wasm type
      },
    };
    expect(kernelMismatch(trapping, referenceKernels)).toMatch(/test call failed \(memory access out of bounds\)/);
  });
});
