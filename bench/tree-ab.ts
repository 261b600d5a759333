/**
 * A/B of two checkouts of this repository (e.g. a baseline commit exported to
 * another folder, and this one) in one process: each loads its own engine,
 * kernels and workload, and they alternate in short rounds (order swapped
 * every round), so machine load shared with other work hits both alike.
 * Prints the median ms per step of each and the B ÷ A ratio.
 *
 * --cpu adds the median CPU ms per step (bench/cpu-clock.ts): all threads of
 * the process, and the calling thread alone. CPU time leaves out the time
 * other people's load kept us off a core, so it is steadier than wall time
 * on a shared machine; but with --threads > 1 it also counts the thread
 * pool's spin-waiting (idle worker, caller waiting for the worker's share),
 * so there it reads "work + imbalance". Compare work alone with --threads 1.
 *
 *   npx tsx bench/tree-ab.ts /path/to/baseline . W3 [--rounds N] [--steps N] [--threads N] [--cpu]
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { cpuClock, perStep, type CpuReading } from './cpu-clock.ts';
import { median } from './measure.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    rounds: { type: 'string', default: '21' },
    steps: { type: 'string', default: '4' },
    threads: { type: 'string' },
    cpu: { type: 'boolean', default: false },
  },
});
const [dirA, dirB, id = 'W3'] = positionals;
if (!dirA || !dirB) throw new Error('usage: tree-ab.ts DIR_A DIR_B [WORKLOAD] [--rounds N] [--steps N] [--threads N] [--cpu]');
const threads = values.threads ? Number(values.threads) : undefined;

/** One checkout's workload, on its own engine instance and kernels. */
async function load(dir: string): Promise<() => number> {
  const at = (f: string) => pathToFileURL(resolve(dir, f)).href;
  const { selectBackend } = (await import(at('bench/backend.ts'))) as typeof import('./backend.ts');
  const { makeWorkload } = (await import(at('bench/workloads.ts'))) as typeof import('./workloads.ts');
  const { useBackend } = (await import(at('engine/index.ts'))) as typeof import('../engine/index.ts');
  selectBackend('wasm', threads);
  const w = makeWorkload(id as Parameters<typeof makeWorkload>[0]);
  // Each engine has its own kernel registry: make this one's current before each round.
  return () => {
    useBackend('wasm');
    return w.step();
  };
}

const sides = { A: await load(dirA), B: await load(dirB) };
const steps = Number(values.steps);
const samples: Record<'A' | 'B', CpuReading[]> = { A: [], B: [] };
for (let r = -2; r < Number(values.rounds); r++) {
  for (const s of r % 2 ? (['B', 'A'] as const) : (['A', 'B'] as const)) {
    const t0 = cpuClock();
    for (let i = 0; i < steps; i++) sides[s]();
    if (r >= 0) samples[s].push(perStep(t0, cpuClock(), steps));
  }
}
const line = (label: string, field: keyof CpuReading) => {
  const [a, b] = [median(samples.A.map((x) => x[field])), median(samples.B.map((x) => x[field]))];
  console.log(`  ${label.padEnd(12)} A ${a.toFixed(2)} ms   B ${b.toFixed(2)} ms   B/A ${(b / a).toFixed(3)}`);
};
console.log(`${id}: median ms per step over ${values.rounds} alternating rounds of ${steps} steps; A = ${dirA}, B = ${dirB}`);
line('wall', 'wall');
if (values.cpu) {
  line('cpu process', 'process');
  if (!Number.isNaN(samples.A[0].main)) line('cpu caller', 'main');
  if (threads !== 1) console.log('  (cpu includes the thread pool spin-waiting between and inside kernels; --threads 1 for work alone)');
}
process.exit(0);
