/**
 * `npm run bench` = `dlab bench`: the standard workloads W0–W4 of issue #4
 * and W5 of issue #18 (when Fashion-MNIST is installed), each in a fresh
 * process so its peak RSS is its own. W5 also prints the time of one epoch,
 * extrapolated from its step time. The options are the CLI's (`bench` in
 * engine/cli/commands.ts, checked there); this file only runs them.
 *
 * --vs-torch runs the same workloads in PyTorch (bench/torch_bench.py) with
 * Debian's OpenBLAS (OpenMP) unpacked into a cache directory, and prints
 * ours/PyTorch ratios. --rss-growth reports W2's RSS after 100 and 1000 steps.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FLOPS, WORKLOADS, availableWorkloads, makeWorkload, type WorkloadId } from './workloads.ts';
import { measure } from './measure.ts';
import { selectBackend } from './backend.ts';
import { torchAvailable, torchEnv } from './torch-env.ts';
import type { COMMANDS } from '../engine/cli/commands.ts';
import type { Values } from '../engine/cli/args.ts';
import { UsageError } from '../engine/cli/args.ts';

export type BenchOptions = Values<(typeof COMMANDS)['bench']['options']>;

export interface BenchResult {
  workload: WorkloadId;
  steps_per_s: number;
  gflops: number;
  rss_mb: number;
  threads: number;
  backend?: string;
  repeats?: number[];
  /** Steps per CPU-second (see measure.ts). */
  cpu_steps_per_s?: number;
  /** Seconds per epoch, extrapolated from steps/s (W5). */
  epoch_s?: number;
}

const TORCH_SCRIPT = fileURLToPath(new URL('./torch_bench.py', import.meta.url));

/**
 * A workload's child process gets the workload in DLAB_BENCH_CHILD (internal, not an option users see) and
 * runs `dlab bench` again, which finds the variable. It runs bundled on plain Node, as the app runs the
 * engine, so its peak RSS is the engine's: in the bundle (where this file is dlab.cjs) that is this file;
 * from the sources it is a dlab.cjs built for this invocation (under tsx a child also held tsx's loader,
 * ~35 MB the app never has).
 */
const CHILD_ENV = 'DLAB_BENCH_CHILD';
const SELF = fileURLToPath(import.meta.url);
const BUILD_NODE = fileURLToPath(new URL('../scripts/build-node.mjs', import.meta.url));

/** The command line of a workload's child, and what to remove when the bench is done. */
function childCommand(): { args: string[]; cleanup(): void } {
  if (!SELF.endsWith('.ts')) return { args: [SELF, 'bench'], cleanup() {} };
  const dir = mkdtempSync(join(tmpdir(), 'dlab-bench-'));
  const r = spawnSync(process.execPath, [BUILD_NODE, '--cli', dir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bundling the workload child (node ${BUILD_NODE} --cli ${dir}) failed:\n${r.stderr.trim()}`);
  return { args: [join(dir, 'dlab.cjs'), 'bench'], cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

interface ChildTask {
  id: WorkloadId;
  backend: string;
  threads?: number;
  repeats: number;
  rssGrowth: boolean;
}

/** Child mode: run one workload here and print one JSON line. */
function runChild({ id, backend, threads, repeats, rssGrowth }: ChildTask): void {
  const used = selectBackend(backend, threads);
  const w = makeWorkload(id);
  if (rssGrowth) {
    const rss = () => process.memoryUsage().rss / 2 ** 20;
    for (let i = 0; i < 100; i++) w.step();
    const at100 = rss();
    for (let i = 100; i < 1000; i++) w.step();
    process.stdout.write(`${JSON.stringify({ workload: id, rss_mb_100: at100, rss_mb_1000: rss(), threads: used.threads })}\n`);
    return;
  }
  const m = measure(w.step, { repeats });
  const result: BenchResult = {
    workload: id,
    steps_per_s: m.stepsPerSec,
    gflops: (m.stepsPerSec * FLOPS[id]) / 1e9,
    rss_mb: process.resourceUsage().maxRSS / 1024,
    threads: used.threads,
    backend: used.name,
    repeats: m.repeats,
    cpu_steps_per_s: m.stepsPerCpuSec,
    ...(w.stepsPerEpoch ? { epoch_s: w.stepsPerEpoch / m.stepsPerSec } : {}),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function spawnJson(cmd: string, args: string[], env: NodeJS.ProcessEnv): Record<string, unknown> {
  const r = spawnSync(cmd, args, { env, encoding: 'utf8', maxBuffer: 1 << 24 });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('{')) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status}):\n${r.stderr.trim()}`);
  return JSON.parse(line) as Record<string, unknown>;
}

const fmt = (x: number, d = 1) => (x >= 100 ? x.toFixed(0) : x.toFixed(d));

/** The whole command, on the options `dlab bench` parsed. */
export function benchMain(o: BenchOptions): void {
  const task = process.env[CHILD_ENV];
  if (task) return runChild(JSON.parse(task) as ChildTask);
  const ids = o.only ? o.only.split(',').map((s) => s.trim().toUpperCase()) : availableWorkloads();
  for (const id of ids) if (!(WORKLOADS as readonly string[]).includes(id)) throw new UsageError(`unknown workload '${id}' (have ${WORKLOADS.join(', ')})`);
  const { repeats, threads } = o;
  const child = childCommand();
  try {
    runAll(o, ids, (task) => {
      const env = { ...process.env, [CHILD_ENV]: JSON.stringify({ ...task, backend: o.backend, threads, repeats }) };
      return spawnJson(process.execPath, child.args, env);
    });
  } finally {
    child.cleanup();
  }
}

/** Runs and prints every workload (and PyTorch's, with --vs-torch); runOurs runs one of ours in its child. */
function runAll(o: BenchOptions, ids: string[], runOurs: (task: Omit<ChildTask, 'backend' | 'threads' | 'repeats'>) => Record<string, unknown>): void {
  const { repeats, threads, json } = o;
  const vsTorch = o['vs-torch'];
  if (vsTorch && !torchAvailable()) throw new UsageError('--vs-torch needs /usr/bin/python3 with torch importable');
  if (vsTorch && !existsSync(TORCH_SCRIPT)) throw new UsageError(`--vs-torch needs ${TORCH_SCRIPT}: run it from a checkout`);
  const torch = vsTorch ? torchEnv(threads) : null;
  if (!json) {
    process.stdout.write(`backend ${o.backend}; median of ${repeats} repeats after warm-up; numbers are noisy when other work shares the cores\n`);
    if (torch) process.stdout.write(`PyTorch: ${torch.note}\n`);
  }
  for (const id of ids) {
    const ours = runOurs({ id: id as WorkloadId, rssGrowth: false }) as unknown as BenchResult;
    const epoch = (r: BenchResult) => (r.epoch_s !== undefined ? `  epoch ${fmt(r.epoch_s)} s (extrapolated)` : '');
    if (json) process.stdout.write(`${JSON.stringify({ workload: ours.workload, steps_per_s: ours.steps_per_s, gflops: ours.gflops, rss_mb: ours.rss_mb, threads: ours.threads, cpu_steps_per_s: ours.cpu_steps_per_s, epoch_s: ours.epoch_s })}\n`);
    else process.stdout.write(`${id}  ${fmt(ours.steps_per_s)} steps/s  ${fmt(ours.gflops)} GFLOP/s  rss ${fmt(ours.rss_mb, 0)} MB  threads ${ours.threads}  (${fmt(ours.cpu_steps_per_s ?? 0)} steps per CPU-s)${epoch(ours)}\n`);
    if (torch) {
      const t = spawnJson('/usr/bin/python3', [TORCH_SCRIPT, id, '--threads', String(torch.threads), '--repeats', String(repeats)], torch.env) as unknown as BenchResult;
      const ratio = ours.steps_per_s / t.steps_per_s;
      if (json) {
        process.stdout.write(`${JSON.stringify({ workload: id, peer: 'pytorch', steps_per_s: t.steps_per_s, gflops: t.gflops, rss_mb: t.rss_mb, threads: t.threads, cpu_steps_per_s: t.cpu_steps_per_s, epoch_s: t.epoch_s, ratio })}\n`);
      } else {
        process.stdout.write(`${id}  PyTorch ${fmt(t.steps_per_s)} steps/s  ${fmt(t.gflops)} GFLOP/s  rss ${fmt(t.rss_mb, 0)} MB  (${fmt(t.cpu_steps_per_s ?? 0)} steps per CPU-s)${epoch(t)}  → ours/PyTorch ${ratio.toFixed(2)}×\n`);
      }
    }
  }
  if (o['rss-growth']) {
    const g = runOurs({ id: 'W2', rssGrowth: true });
    if (json) process.stdout.write(`${JSON.stringify({ workload: 'W2', ...g })}\n`);
    else {
      const a = g.rss_mb_100 as number, b = g.rss_mb_1000 as number;
      process.stdout.write(`W2 RSS after 100 steps ${fmt(a, 0)} MB, after 1000 ${fmt(b, 0)} MB (${(((b - a) / a) * 100).toFixed(1)}%)\n`);
    }
  }
}
