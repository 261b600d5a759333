/**
 * One GEMM shape on its own (W4's 1024³ by default): each call timed at 1 and
 * 2 threads, operands in the backend's step memory, threads interleaved so
 * machine load hits both alike; median ms and GFLOP/s.
 *
 *   npx tsx bench/gemm-micro.ts [--m 1024 --n 1024 --k 1024] [--runs N] [--threads 1,2]
 */
import { parseArgs } from 'node:util';
import { kernels } from '../engine/index.ts';
import { setWasmThreads } from '../engine/kernels/wasm/node/load.ts';
import { selectBackend } from './backend.ts';

const { values } = parseArgs({
  options: {
    m: { type: 'string', default: '1024' }, n: { type: 'string', default: '1024' }, k: { type: 'string', default: '1024' },
    runs: { type: 'string', default: '9' }, threads: { type: 'string', default: '1,2' }, transA: { type: 'boolean' }, transB: { type: 'boolean' },
  },
});
const [m, n, k] = [values.m, values.n, values.k].map(Number);
const threadCounts = values.threads.split(',').map(Number);
const used = selectBackend('wasm', Math.max(...threadCounts));
const K = kernels();
const array = (len: number) => K.stepMemory!.alloc(len, true);
const a = array(m * k), b = array(k * n), c = array(m * n);
for (let i = 0; i < a.length; i++) a[i] = Math.sin(i);
for (let i = 0; i < b.length; i++) b[i] = Math.cos(i);

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[xs.length >> 1];
const samples = new Map<number, number[]>();
const args = { transA: !!values.transA, transB: !!values.transB, m, n, k, a, aOffset: 0, b, bOffset: 0, c, cOffset: 0, accumulate: false };
for (let r = -1; r < Number(values.runs); r++) {
  for (const t of threadCounts) {
    setWasmThreads(t);
    const t0 = performance.now();
    K.gemm(args);
    if (r >= 0) samples.set(t, [...(samples.get(t) ?? []), performance.now() - t0]);
  }
}
console.log(`gemm ${m}×${n}×${k}${args.transA ? ' Aᵀ' : ''}${args.transB ? ' Bᵀ' : ''} on ${used.name}, median of ${values.runs}`);
for (const t of threadCounts) {
  const ms = median(samples.get(t)!);
  console.log(`  ${t} thr  ${ms.toFixed(2)} ms  ${((2 * m * n * k) / ms / 1e6).toFixed(1)} GFLOP/s`);
}
process.exit(0);
