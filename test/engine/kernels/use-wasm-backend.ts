/** Vitest setup for the 'wasm' project: every op in the parity suites runs on the WebAssembly kernels. */
import { useBackend } from '../../../engine/index.ts';
import { installWasmBackend } from '../../../engine/kernels/wasm/node/load.ts';

installWasmBackend();
useBackend('wasm');
