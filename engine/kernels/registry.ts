/** Which kernel set ops call. Backends register by name; the reference is always there. */
import type { Kernels } from './kernel-types.ts';
import { referenceKernels } from './reference.ts';

const backends = new Map<string, Kernels>([[referenceKernels.name, referenceKernels]]);
let active: Kernels = referenceKernels;

export function kernels(): Kernels {
  return active;
}

export function registerBackend(k: Kernels): void {
  backends.set(k.name, k);
}

/** Switches every op to the named backend; returns the previous one's name. */
export function useBackend(name: string): string {
  const k = backends.get(name);
  if (!k) throw new Error(`unknown kernel backend '${name}' (have: ${[...backends.keys()].join(', ')})`);
  const prev = active.name;
  active = k;
  return prev;
}

export function backendNames(): string[] {
  return [...backends.keys()];
}
