/**
 * The conv kernels of W2 (the article's CNN, batch 64) and W5's first layer
 * (1→32 at 28×28) on their own: each kernel call timed at 1 and 2 threads,
 * on the direct packed path and on the path the backend picks (Winograd
 * where it fits), median of several runs, threads and paths interleaved so
 * machine load hits all alike. Activations and gradients live in the
 * backend's step memory, as in a training step (kernels work in
 * place); --copies passes ordinary arrays, which the host copies in and out.
 *
 *   npx tsx bench/conv-micro.ts [--runs N] [--threads 1,2] [--copies]
 */
import { parseArgs } from 'node:util';
import { kernels, type Conv2dGeometry } from '../engine/index.ts';
import { setWasmThreads } from '../engine/kernels/wasm/node/load.ts';
import type { WasmKernels } from '../engine/kernels/wasm/wasm-kernels.ts';
import { selectBackend } from './backend.ts';
import { median } from './measure.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '15' }, threads: { type: 'string', default: '1,2' }, copies: { type: 'boolean' } } });
const runs = Number(values.runs);
const threadCounts = values.threads.split(',').map(Number);
const used = selectBackend('wasm', Math.max(...threadCounts));

function geometry(batch: number, cin: number, cout: number, hw: number): Conv2dGeometry {
  return {
    batch, inChannels: cin, inH: hw, inW: hw, outChannels: cout, outH: hw, outW: hw,
    kH: 3, kW: 3, strideH: 1, strideW: 1, padH: 1, padW: 1, dilationH: 1, dilationW: 1, groups: 1,
  };
}

const step = values.copies ? undefined : kernels().stepMemory;
/** An array in step memory when the backend has it (never released here), else an ordinary one. */
const array = (n: number) => (step ? step.alloc(n, true) : new Float32Array(n));

let seed = 1;
function rand(n: number, inStep = true): Float32Array {
  const a = inStep ? array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    a[i] = seed / 2 ** 31 - 1;
  }
  return a;
}

interface Case { label: string; run: () => void }
const cases: Case[] = [];
for (const [cin, cout, hw] of [[3, 32, 32], [32, 64, 16], [1, 32, 28]]) {
  const g = geometry(64, cin, cout, hw);
  // Parameters are ordinary arrays; activations and gradients (parameters' too) are step memory.
  const x = rand(g.batch * cin * hw * hw), w = rand(cout * cin * 9, false), b = rand(cout, false);
  const y = array(g.batch * cout * hw * hw), dy = rand(y.length);
  const dx = array(x.length), dw = array(w.length), db = array(cout);
  const k = () => kernels();
  cases.push({ label: `conv2dForward ${cin}→${cout}`, run: () => k().conv2dForward(g, x, w, b, y) });
  cases.push({ label: `conv2dBackwardInput ${cin}→${cout}`, run: () => k().conv2dBackwardInput(g, dy, w, dx) });
  cases.push({ label: `conv2dBackwardWeight ${cin}→${cout}`, run: () => k().conv2dBackwardWeight(g, dy, x, dw, db) });
}


const PATHS = ['direct', 'picked'] as const;
const usePath = (path: (typeof PATHS)[number]) => { (kernels() as WasmKernels).directConv = path === 'direct'; };
const samples = new Map<string, number[]>();
for (const c of cases) for (const t of threadCounts) for (const path of PATHS) { setWasmThreads(t); usePath(path); c.run(); c.run(); }
for (let r = 0; r < runs; r++) {
  for (const c of cases) {
    for (const t of threadCounts) {
      for (const path of PATHS) {
        setWasmThreads(t);
        usePath(path);
        const t0 = performance.now();
        c.run();
        const ms = performance.now() - t0;
        const key = `${c.label}|${t}|${path}`;
        samples.set(key, [...(samples.get(key) ?? []), ms]);
      }
    }
  }
}
// The minimum as well: on a shared machine it is the run that had the cores to itself.
console.log(`conv kernels of W2 on ${used.name}${step ? ', in step memory' : ', copied in and out'}, median (min) of ${runs} runs, ms per call`);
console.log('direct = the packed direct path; picked = what the backend runs (Winograd for 3×3 stride 1); ratio = picked ÷ direct time (median)');
console.log(`${'kernel'.padEnd(30)}${threadCounts.map((t) => `${`${t} thr direct`.padStart(16)}${`${t} thr picked`.padStart(16)}${'ratio'.padStart(7)}`).join('')}`);
for (const c of cases) {
  const cell = (t: number) => {
    const s = (path: string) => samples.get(`${c.label}|${t}|${path}`)!;
    const show = (xs: number[]) => `${median(xs).toFixed(2)} (${Math.min(...xs).toFixed(2)})`.padStart(16);
    return `${show(s('direct'))}${show(s('picked'))}${(median(s('picked')) / median(s('direct'))).toFixed(2).padStart(7)}`;
  };
  console.log(`${c.label.padEnd(30)}${threadCounts.map(cell).join('')}`);
}
process.exit(0);
