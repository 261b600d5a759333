/** Picks the kernel backend for a bench process. */
import { useBackend } from '../engine/index.ts';
import { installWasmBackend, wasmThreads } from '../engine/kernels/wasm/node/load.ts';

export function selectBackend(name: string, threads: number | undefined): { name: string; threads: number } {
  if (name === 'wasm') {
    const k = installWasmBackend(threads !== undefined ? { threads } : {});
    useBackend('wasm');
    return { name: `wasm (${k.runtime.variant})`, threads: wasmThreads() };
  }
  useBackend('reference');
  return { name: 'reference', threads: 1 };
}
