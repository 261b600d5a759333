/**
 * A/B of whole training steps in one process: the conv kernels on the direct
 * packed path (A) and on the path the backend picks (B, Winograd where it
 * fits), alternating in short rounds at each thread count, so machine load
 * shared with other work hits both alike. Prints the median ms per step of
 * each and the B ÷ A ratio.
 *
 *   npx tsx bench/step-ab.ts W2 [--rounds N] [--steps N] [--threads 1,2]
 */
import { parseArgs } from 'node:util';
import { kernels } from '../engine/index.ts';
import { setWasmThreads } from '../engine/kernels/wasm/node/load.ts';
import type { WasmKernels } from '../engine/kernels/wasm/wasm-kernels.ts';
import { makeWorkload, WORKLOADS, type WorkloadId } from './workloads.ts';
import { selectBackend } from './backend.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { rounds: { type: 'string', default: '9' }, steps: { type: 'string', default: '5' }, threads: { type: 'string', default: '1,2' } },
});
const id = (positionals[0] ?? 'W2').toUpperCase() as WorkloadId;
if (!WORKLOADS.includes(id)) throw new Error(`unknown workload ${id}`);
const threadCounts = values.threads.split(',').map(Number);
const used = selectBackend('wasm', Math.max(...threadCounts));
const k = kernels() as WasmKernels;
const w = makeWorkload(id);
const steps = Number(values.steps);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
};

const samples = new Map<string, number[]>();
const round = (t: number, direct: boolean, record: boolean) => {
  setWasmThreads(t);
  k.directConv = direct;
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) w.step();
  const key = `${t}|${direct}`;
  if (record) samples.set(key, [...(samples.get(key) ?? []), (performance.now() - t0) / steps]);
};
for (const t of threadCounts) for (const direct of [true, false]) round(t, direct, false);
for (let r = 0; r < Number(values.rounds); r++) for (const t of threadCounts) for (const direct of [true, false]) round(t, direct, true);

console.log(`${id} on ${used.name}: median ms per step over ${values.rounds} rounds of ${steps} steps, A = direct conv, B = picked (Winograd where it fits)`);
for (const t of threadCounts) {
  const a = median(samples.get(`${t}|true`)!), b = median(samples.get(`${t}|false`)!);
  console.log(`  ${t} thr  A ${a.toFixed(2)} ms  B ${b.toFixed(2)} ms  B/A ${(b / a).toFixed(2)}  (B ${(1000 / b).toFixed(1)} steps/s)`);
}
process.exit(0);
