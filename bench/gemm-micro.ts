/**
 * One GEMM shape on its own (W4's 1024³ by default): each call timed at 1 and
 * 2 threads, operands in the backend's step memory, threads interleaved so
 * machine load hits both alike; median ms and GFLOP/s. With --base DIR, the
 * same calls also run on another checkout's engine (e.g. a worktree of main),
 * alternating with this one's in the same rounds, and the ratio is printed.
 *
 *   npx tsx bench/gemm-micro.ts [--m 1024 --n 1024 --k 1024] [--runs N] [--threads 1,2] [--transA] [--transB] [--base DIR]
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { median } from './measure.ts';

const { values } = parseArgs({
  options: {
    m: { type: 'string', default: '1024' }, n: { type: 'string', default: '1024' }, k: { type: 'string', default: '1024' },
    runs: { type: 'string', default: '9' }, threads: { type: 'string', default: '1,2' }, transA: { type: 'boolean' }, transB: { type: 'boolean' },
    base: { type: 'string' },
  },
});
const [m, n, k] = [values.m, values.n, values.k].map(Number);
const threadCounts = values.threads.split(',').map(Number);
const transA = !!values.transA, transB = !!values.transB;

/** One checkout's engine with its operands in its own step memory; returns a call at t threads. */
async function load(dir: string): Promise<{ name: string; call(threads: number): void }> {
  const at = (f: string) => pathToFileURL(resolve(dir, f)).href;
  const { kernels, useBackend } = (await import(at('engine/index.ts'))) as typeof import('../engine/index.ts');
  const { setWasmThreads } = (await import(at('engine/kernels/wasm/node/load.ts'))) as typeof import('../engine/kernels/wasm/node/load.ts');
  const { selectBackend } = (await import(at('bench/backend.ts'))) as typeof import('./backend.ts');
  const used = selectBackend('wasm', Math.max(...threadCounts));
  const K = kernels();
  const array = (len: number) => K.stepMemory!.alloc(len, true);
  const a = array(m * k), b = array(k * n), c = array(m * n);
  for (let i = 0; i < a.length; i++) a[i] = Math.sin(i);
  for (let i = 0; i < b.length; i++) b[i] = Math.cos(i);
  const args = { transA, transB, m, n, k, a, aOffset: 0, b, bOffset: 0, c, cOffset: 0, accumulate: false };
  return {
    name: used.name,
    call(threads) {
      // Each engine has its own kernel registry: make this one's current.
      useBackend('wasm');
      setWasmThreads(threads);
      K.gemm(args);
    },
  };
}

const sides = [{ dir: '.', ...(await load('.')) }];
if (values.base) sides.push({ dir: values.base, ...(await load(values.base)) });
// Workers start on first use and take tens of milliseconds to come up; until then the caller runs their shares,
// so a short shape would time as one thread. Warm up at the most threads for a while first.
for (const t0 = performance.now(); performance.now() - t0 < 500; ) for (const s of sides) s.call(Math.max(...threadCounts));
const samples = sides.map(() => new Map<number, number[]>());
for (let r = -1; r < Number(values.runs); r++) {
  for (const t of threadCounts) {
    const order = r % 2 ? [...sides.keys()].reverse() : [...sides.keys()];
    for (const s of order) {
      const t0 = performance.now();
      sides[s].call(t);
      if (r >= 0) samples[s].set(t, [...(samples[s].get(t) ?? []), performance.now() - t0]);
    }
  }
}
console.log(`gemm ${m}×${n}×${k}${transA ? ' Aᵀ' : ''}${transB ? ' Bᵀ' : ''} on ${sides[0].name}, median of ${values.runs}`);
for (const t of threadCounts) {
  const ms = sides.map((_, s) => median(samples[s].get(t)!));
  const figures = ms.map((x, s) => `${sides[s].dir}: ${x.toFixed(2)} ms ${((2 * m * n * k) / x / 1e6).toFixed(1)} GFLOP/s`);
  console.log(`  ${t} thr  ${figures.join('   ')}${ms.length > 1 ? `   this÷base time ${(ms[0] / ms[1]).toFixed(3)}` : ''}`);
}
process.exit(0);
