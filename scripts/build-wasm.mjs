#!/usr/bin/env node
/**
 * Compiles the AssemblyScript kernels (engine/kernels/wasm/assembly) into two
 * modules beside them in build/: plain 128-bit SIMD, and SIMD + relaxed-SIMD
 * (fused multiply-add). The host picks one at start-up by feature detection.
 * Runs on `npm install` (prepare) and `npm run build:wasm`; output is not committed.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'engine/kernels/wasm/assembly/index.ts');
const out = join(root, 'engine/kernels/wasm/build');
mkdirSync(out, { recursive: true });
let asc;
try {
  asc = join(dirname(createRequire(import.meta.url).resolve('assemblyscript/package.json')), 'bin/asc.js');
} catch {
  // A production install (no devDependencies) has no compiler; the engine then runs on the reference kernels.
  console.warn('build-wasm: assemblyscript is not installed; skipping the WebAssembly kernels (npm install with dev dependencies builds them)');
  process.exit(0);
}

const common = [
  src, '-O3', '--noAssert', '--runtime', 'stub', '--use', 'abort=',
  // One memory, imported and shared by every worker thread's instance.
  '--importMemory', '--sharedMemory', '--initialMemory', '1', '--maximumMemory', '65536',
  '--enable', 'simd', '--enable', 'threads',
];
const variants = [
  { file: 'kernels-simd.wasm', extra: [] },
  { file: 'kernels-relaxed.wasm', extra: ['--enable', 'relaxed-simd'] },
];
for (const v of variants) {
  execFileSync(process.execPath, [asc, ...common, ...v.extra, '-o', join(out, v.file)], { stdio: 'inherit', cwd: root });
  console.log(`built engine/kernels/wasm/build/${v.file}`);
}
