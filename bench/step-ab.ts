/**
 * A/B of whole training steps in one process: the conv kernels on the direct
 * packed path (A) and on the path the backend picks (B, Winograd where it
 * fits), alternating in short rounds at each thread count, so machine load
 * shared with other work hits both alike. Prints the median ms per step of
 * each and the B ÷ A ratio. --cpu adds CPU ms per step of the whole process
 * (bench/cpu-clock.ts: steadier under shared load, but at 2 threads it also
 * counts the thread pool's spin-waiting).
 *
 *   npx tsx bench/step-ab.ts W2 [--rounds N] [--steps N] [--threads 1,2] [--cpu]
 */
import { parseArgs } from 'node:util';
import { kernels } from '../engine/index.ts';
import { setWasmThreads } from '../engine/kernels/wasm/node/load.ts';
import type { WasmKernels } from '../engine/kernels/wasm/wasm-kernels.ts';
import { makeWorkload, WORKLOADS, type WorkloadId } from './workloads.ts';
import { selectBackend } from './backend.ts';
import { cpuClock, perStep } from './cpu-clock.ts';
import { median } from './measure.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { rounds: { type: 'string', default: '9' }, steps: { type: 'string', default: '5' }, threads: { type: 'string', default: '1,2' }, cpu: { type: 'boolean', default: false } },
});
const id = (positionals[0] ?? 'W2').toUpperCase() as WorkloadId;
if (!WORKLOADS.includes(id)) throw new Error(`unknown workload ${id}`);
const threadCounts = values.threads.split(',').map(Number);
const used = selectBackend('wasm', Math.max(...threadCounts));
const k = kernels() as WasmKernels;
const w = makeWorkload(id);
const steps = Number(values.steps);


const samples = new Map<string, number[]>();
const round = (t: number, direct: boolean, record: boolean) => {
  setWasmThreads(t);
  k.directConv = direct;
  const t0 = cpuClock();
  for (let i = 0; i < steps; i++) w.step();
  const d = perStep(t0, cpuClock(), steps);
  for (const [key, v] of [[`${t}|${direct}`, d.wall], [`cpu ${t}|${direct}`, d.process]] as const) {
    if (record) samples.set(key, [...(samples.get(key) ?? []), v]);
  }
};
for (const t of threadCounts) for (const direct of [true, false]) round(t, direct, false);
for (let r = 0; r < Number(values.rounds); r++) for (const t of threadCounts) for (const direct of [true, false]) round(t, direct, true);

console.log(`${id} on ${used.name}: median ms per step over ${values.rounds} rounds of ${steps} steps, A = direct conv, B = picked (Winograd where it fits)`);
for (const t of threadCounts) {
  const a = median(samples.get(`${t}|true`)!), b = median(samples.get(`${t}|false`)!);
  console.log(`  ${t} thr  A ${a.toFixed(2)} ms  B ${b.toFixed(2)} ms  B/A ${(b / a).toFixed(2)}  (B ${(1000 / b).toFixed(1)} steps/s)`);
  if (!values.cpu) continue;
  const ca = median(samples.get(`cpu ${t}|true`)!), cb = median(samples.get(`cpu ${t}|false`)!);
  console.log(`    cpu    A ${ca.toFixed(2)} ms  B ${cb.toFixed(2)} ms  B/A ${(cb / ca).toFixed(2)}`);
}
process.exit(0);
