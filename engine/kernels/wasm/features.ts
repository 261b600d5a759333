/**
 * Start-up feature detection: tiny modules that use one instruction each, fed
 * to WebAssembly.validate. No Node or DOM APIs, so any host can call it.
 */
import { wasmApi } from './wasm-api.ts';

// (func (param v128 v128) (result v128) local.get 0 local.get 1 f32x4.mul)
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 7, 1, 96, 2, 123, 123, 1, 123, 3, 2, 1, 0, 10, 11, 1, 9, 0, 32, 0, 32, 1, 253, 230, 1, 11,
]);

// (func (param v128 v128 v128) (result v128) local.get 0 local.get 1 local.get 2 f32x4.relaxed_madd)
const RELAXED_SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 8, 1, 96, 3, 123, 123, 123, 1, 123, 3, 2, 1, 0, 10, 13, 1, 11, 0, 32, 0, 32, 1, 32, 2, 253, 133, 2, 11,
]);

export function hasWasmSimd(): boolean {
  return wasmApi()?.validate(SIMD_PROBE) ?? false;
}

export function hasRelaxedSimd(): boolean {
  return wasmApi()?.validate(RELAXED_SIMD_PROBE) ?? false;
}

export function hasSharedMemory(): boolean {
  const api = wasmApi();
  if (!api || typeof SharedArrayBuffer !== 'function') return false;
  try {
    return new api.Memory({ initial: 1, maximum: 1, shared: true }).buffer instanceof SharedArrayBuffer;
  } catch {
    return false;
  }
}
