/**
 * A/B of two checkouts of this repository (e.g. a baseline commit exported to
 * another folder, and this one) in one process: each loads its own engine,
 * kernels and workload, and they alternate in short rounds (order swapped
 * every round), so machine load shared with other work hits both alike.
 * Prints the median ms per step of each and the B ÷ A ratio.
 *
 *   npx tsx bench/tree-ab.ts /path/to/baseline . W3 [--rounds N] [--steps N] [--threads N]
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { rounds: { type: 'string', default: '21' }, steps: { type: 'string', default: '4' }, threads: { type: 'string' } },
});
const [dirA, dirB, id = 'W3'] = positionals;
if (!dirA || !dirB) throw new Error('usage: tree-ab.ts DIR_A DIR_B [WORKLOAD] [--rounds N] [--steps N] [--threads N]');
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
const samples: Record<'A' | 'B', number[]> = { A: [], B: [] };
for (let r = -2; r < Number(values.rounds); r++) {
  for (const s of r % 2 ? (['B', 'A'] as const) : (['A', 'B'] as const)) {
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) sides[s]();
    if (r >= 0) samples[s].push((performance.now() - t0) / steps);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const [a, b] = [median(samples.A), median(samples.B)];
console.log(`${id}: median ms per step over ${values.rounds} alternating rounds of ${steps} steps; A = ${dirA}, B = ${dirB}`);
console.log(`  A ${a.toFixed(2)} ms   B ${b.toFixed(2)} ms   B/A ${(b / a).toFixed(3)}`);
process.exit(0);
