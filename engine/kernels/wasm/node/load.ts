/**
 * Loads the 'wasm' kernel backend under Node (plain process, Electron utility
 * process, worker): reads the compiled module, picks the relaxed-SIMD build
 * when the runtime validates it, else plain SIMD, and starts the thread pool.
 *
 *   import { installWasmBackend } from 'engine/kernels/wasm/node/load.ts';
 *   installWasmBackend({ threads: 2 }); useBackend('wasm');
 *
 * Threads: options.threads, else env DLAB_THREADS, else the core count.
 */
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { registerBackend } from '../../registry.ts';
import { hasRelaxedSimd, hasSharedMemory, hasWasmSimd } from '../features.ts';
import { createWasmKernels, type WasmKernels, type WasmRuntime } from '../wasm-kernels.ts';
import { wasmApi, type KernelExports } from '../wasm-api.ts';
import { ThreadPool } from './thread-pool.ts';
import { kernelMismatch } from '../self-test.ts';
import { referenceKernels } from '../../reference.ts';
import { runtimeFiles } from '../../../io/runtime-files.ts';

export interface WasmBackendOptions {
  threads?: number;
  /** Use relaxed-SIMD FMA when available (default true; env DLAB_WASM_RELAXED=0 turns it off). */
  relaxed?: boolean;
}

let installed: { kernels: WasmKernels; pool: ThreadPool; setThreads(n: number): void } | null = null;

export function defaultThreadCount(): number {
  const env = Number.parseInt(process.env.DLAB_THREADS ?? '', 10);
  return Number.isFinite(env) && env > 0 ? env : availableParallelism();
}

/**
 * Relaxed SIMD is standard in V8 ≥ 11.4 (Electron, Node ≥ 22); Node 20's V8
 * implements it behind a flag, which we turn on before detecting again.
 */
function relaxedAvailable(wanted: boolean): boolean {
  if (!wanted) return false;
  if (hasRelaxedSimd()) return true;
  try {
    setFlagsFromString('--experimental-wasm-relaxed-simd');
  } catch {
    return false;
  }
  return hasRelaxedSimd();
}

/** Registers the 'wasm' backend (once per process) and returns it; later calls only change the thread count. */
export function installWasmBackend(options: WasmBackendOptions = {}): WasmKernels {
  if (installed) {
    if (options.threads !== undefined) installed.setThreads(options.threads);
    return installed.kernels;
  }
  const api = wasmApi();
  if (!api || !hasWasmSimd() || !hasSharedMemory()) {
    throw new Error('the wasm kernel backend needs WebAssembly SIMD and shared memory, which this runtime lacks; use the reference backend');
  }
  const relaxed = relaxedAvailable(options.relaxed ?? process.env.DLAB_WASM_RELAXED !== '0');
  const file = join(runtimeFiles.wasmDir, relaxed ? 'kernels-relaxed.wasm' : 'kernels-simd.wasm');
  if (!existsSync(file)) throw new Error(`${file} is missing: run 'npm run build:wasm' (npm install builds it too)`);
  const module = new api.Module(readFileSync(file));
  const memory = new api.Memory({ initial: 1, maximum: 65536, shared: true });
  const exports = new api.Instance(module, { env: { memory } }).exports as KernelExports;
  const pool = new ThreadPool(module, memory, exports.run);
  let threads = Math.max(1, options.threads ?? defaultThreadCount());
  const runtime: WasmRuntime = {
    memory,
    exports,
    variant: relaxed ? 'relaxed-simd' : 'simd',
    threads: () => threads,
    dispatch: (op, params, nt) => pool.run(op, params, nt),
  };
  const kernels = createWasmKernels(runtime);
  const mismatch = kernelMismatch(kernels, referenceKernels);
  if (mismatch) {
    void pool.terminate();
    throw new Error(`${file} does not match this engine: ${mismatch}; it was built from other sources, run 'npm run build:wasm' (or rebuild the app)`);
  }
  registerBackend(kernels);
  installed = {
    kernels,
    pool,
    setThreads(n: number) {
      threads = Math.max(1, Math.floor(n));
    },
  };
  return kernels;
}

/** Sets how many threads (the caller included) wasm kernels use. */
export function setWasmThreads(n: number): void {
  if (!installed) throw new Error('installWasmBackend() first');
  installed.setThreads(n);
}

export function wasmThreads(): number {
  return installed ? installed.kernels.runtime.threads() : defaultThreadCount();
}
