/**
 * Where a workload's step time goes: every kernel call is timed by wrapping
 * the active backend, and the rest of the step (ops' JavaScript loops,
 * autograd, optimizer) is what remains. --cpu adds each kernel's CPU ms on
 * the calling thread (bench/cpu-clock.ts): unlike wall time it leaves out
 * preemption by other load; at 1 thread it is the kernel's work, at more it
 * is thread 0's share plus its waiting for the workers.
 *
 *   npx tsx bench/profile.ts W2 [--backend wasm|reference] [--threads N] [--steps N] [--cpu]
 */
import { parseArgs } from 'node:util';
import { kernels, registerBackend, useBackend, type Kernels } from '../engine/index.ts';
import { makeWorkload, WORKLOADS, type WorkloadId } from './workloads.ts';
import { selectBackend } from './backend.ts';
import { cpuClock } from './cpu-clock.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { backend: { type: 'string', default: 'wasm' }, threads: { type: 'string' }, steps: { type: 'string', default: '20' }, cpu: { type: 'boolean', default: false } },
});
const id = (positionals[0] ?? 'W2').toUpperCase() as WorkloadId;
if (!WORKLOADS.includes(id)) throw new Error(`unknown workload ${id}`);
const used = selectBackend(values.backend, values.threads ? Number(values.threads) : undefined);

const inner = kernels();
const times = new Map<string, { ms: number; cpu: number; calls: number }>();
// The backend's step memory too, so steps run as they do in training.
const timed = { name: 'profiled', stepMemory: inner.stepMemory } as Record<string, unknown>;
// Every kernel the backend has, so a new one is timed (and present) without listing it here.
for (const key of Object.keys(inner).filter((k) => typeof inner[k as keyof Kernels] === 'function') as (keyof Kernels)[]) {
  const fn = (inner[key] as (...a: unknown[]) => void).bind(inner);
  timed[key] = (...args: unknown[]) => {
    const first = args[0] as { m?: number; n?: number; k?: number; transA?: boolean; transB?: boolean; batch?: number; inChannels?: number; outChannels?: number; inH?: number };
    const label = key === 'gemm' || key === 'gemmBatch'
      ? `${key} ${first.batch && key === 'gemmBatch' ? `${first.batch}× ` : ''}${first.m}×${first.n}×${first.k}${first.transA ? ' Aᵀ' : ''}${first.transB ? ' Bᵀ' : ''}`
      : key === 'randomBits' ? `randomBits ${(args[3] as Uint32Array).length}` : key.startsWith('softmax') ? `${key} ${(args[0] as Float32Array).length}/${args[key === 'softmaxForward' ? 1 : 2]}` : key.startsWith('relu') || key === 'sgdUpdate' || key === 'sgdMomentumUpdate' || key === 'adamUpdate' || key === 'maskMultiply' || key === 'addArrays' || key.startsWith('layerNorm') ? `${key} ${(args[0] as Float32Array).length}`
      : key === 'columnSums' ? columnSumsLabel(args[0] as Float32Array, args[1] as number, args[2] as Float32Array) : key === 'randomMask' ? `randomMask ${(args[4] as Float32Array).length}` : key.startsWith('conv') ? `${key} ${first.inChannels}→${first.outChannels} @${first.inH}` : `${key} @${first.inH}`;
    const c = values.cpu ? cpuClock().main : 0;
    const t = performance.now();
    fn(...args);
    const ms = performance.now() - t;
    const e = times.get(label) ?? { ms: 0, cpu: 0, calls: 0 };
    e.ms += ms;
    if (values.cpu) e.cpu += cpuClock().main - c;
    e.calls++;
    times.set(label, e);
  };
}
registerBackend(timed as unknown as Kernels);
useBackend('profiled');

const w = makeWorkload(id);
for (let i = 0; i < 5; i++) w.step();
times.clear();
const steps = Number(values.steps);
const t0 = performance.now();
const cpu0 = process.cpuUsage();
for (let i = 0; i < steps; i++) w.step();
const total = (performance.now() - t0) / steps;
const cpu = process.cpuUsage(cpu0);
const cpuMs = (cpu.user + cpu.system) / 1000 / steps;
let inKernels = 0;
// CPU time (all threads) is steadier than wall time when other work shares the cores.
console.log(`${id} on ${used.name}, ${used.threads} threads: ${total.toFixed(3)} ms/step (${(1000 / total).toFixed(1)} steps/s), CPU ${cpuMs.toFixed(3)} ms/step`);
for (const [label, e] of [...times].sort((a, b) => b[1].ms - a[1].ms)) {
  const ms = e.ms / steps;
  inKernels += ms;
  const cpuCol = values.cpu ? `  cpu ${(e.cpu / steps).toFixed(3).padStart(7)} ms` : '';
  console.log(`  ${ms.toFixed(3).padStart(8)} ms  ${((ms / total) * 100).toFixed(1).padStart(5)}%${cpuCol}  ${(e.calls / steps).toFixed(0)}×  ${label}`);
}
console.log(`  ${(total - inKernels).toFixed(3).padStart(8)} ms  ${(((total - inKernels) / total) * 100).toFixed(1).padStart(5)}%  outside kernels (ops' JS loops, autograd, optimizer)`);

/** "columnSums rows×cols", with the block count when the call sums several [rows, cols] blocks. */
function columnSumsLabel(x: Float32Array, cols: number, out: Float32Array): string {
  const blocks = out.length / cols;
  return `columnSums ${blocks > 1 ? `${blocks}× ` : ''}${x.length / out.length}×${cols}`;
}
