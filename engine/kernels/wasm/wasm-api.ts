/**
 * The few WebAssembly JS API shapes the host uses, declared structurally so the
 * engine core type-checks with plain ES2022 libs (no DOM or Node typings).
 */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}

export interface WasmModule {
  readonly __wasmModule?: never;
}

export interface KernelExports {
  run(op: number, params: number, tid: number, nthreads: number): void;
  heapBase(): number;
  zeroBytes(p: number, bytes: number): void;
  gemmScratchBytes(): number;
  winogradScratchBytes(m: number, k: number, outH: number, outW: number): number;
  winogradWeightScratchBytes(m: number, k: number, outH: number, outW: number): number;
}

export interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Memory: new (d: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (m: WasmModule, imports: Record<string, Record<string, unknown>>) => { exports: unknown };
}

export function wasmApi(): WasmApi | null {
  return (globalThis as { WebAssembly?: WasmApi }).WebAssembly ?? null;
}
