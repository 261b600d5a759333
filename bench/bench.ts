/**
 * `npm run bench` (later `dlab bench`): the standard workloads W0–W4 of issue
 * #4 and W5 of issue #18 (when Fashion-MNIST is installed), each in a fresh
 * process so its peak RSS is its own. W5 also prints the time of one epoch,
 * extrapolated from its step time.
 *
 *   npm run bench -- [--json] [--backend wasm|reference] [--threads N]
 *                    [--only W1,W2] [--repeats N] [--vs-torch] [--rss-growth]
 *
 * --vs-torch runs the same workloads in PyTorch (bench/torch_bench.py) with
 * Debian's OpenBLAS (OpenMP) unpacked into a cache directory, and prints
 * ours/PyTorch ratios. --rss-growth reports W2's RSS after 100 and 1000 steps.
 */
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { FLOPS, WORKLOADS, availableWorkloads, makeWorkload, type WorkloadId } from './workloads.ts';
import { measure } from './measure.ts';
import { selectBackend } from './backend.ts';
import { torchAvailable, torchEnv } from './torch-env.ts';

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

const SELF = fileURLToPath(import.meta.url);
const TORCH_SCRIPT = fileURLToPath(new URL('./torch_bench.py', import.meta.url));

const options = {
  json: { type: 'boolean' },
  backend: { type: 'string', default: 'wasm' },
  threads: { type: 'string' },
  only: { type: 'string' },
  repeats: { type: 'string', default: '3' },
  'vs-torch': { type: 'boolean' },
  'rss-growth': { type: 'boolean' },
  child: { type: 'string' },
} as const;

function fail(message: string): never {
  process.stderr.write(`dlab bench: ${message}\n`);
  process.exit(2);
}

/** Child mode: run one workload here and print one JSON line. */
function runChild(id: WorkloadId, backend: string, threads: number | undefined, repeats: number, rssGrowth: boolean): void {
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

/** The whole command; `dlab bench` can call this with its own arguments. */
export function benchMain(argv: string[]): void {
  const { values } = parseArgs({ args: argv, options, allowPositionals: false });
  const repeats = Math.max(3, Number.parseInt(values.repeats, 10) || 3);
  const threads = values.threads !== undefined ? Number.parseInt(values.threads, 10) : undefined;
  if (threads !== undefined && !(threads > 0)) fail(`--threads must be a positive integer, got '${values.threads}'`);
  if (values.backend !== 'wasm' && values.backend !== 'reference') fail(`--backend must be wasm or reference, got '${values.backend}'`);
  if (values.child) {
    runChild(values.child as WorkloadId, values.backend, threads, repeats, values['rss-growth'] ?? false);
    return;
  }
  const ids = values.only ? values.only.split(',').map((s) => s.trim().toUpperCase()) : availableWorkloads();
  for (const id of ids) if (!(WORKLOADS as readonly string[]).includes(id)) fail(`unknown workload '${id}' (have ${WORKLOADS.join(', ')})`);

  const json = values.json ?? false;
  const childArgs = (id: string, extra: string[] = []) => [
    '--import', 'tsx', SELF, '--child', id, '--backend', values.backend, '--repeats', String(repeats),
    ...(threads !== undefined ? ['--threads', String(threads)] : []), ...extra,
  ];
  const vsTorch = values['vs-torch'] ?? false;
  const torch = vsTorch ? torchEnv(threads) : null;
  if (vsTorch && !torchAvailable()) fail('--vs-torch needs /usr/bin/python3 with torch importable');
  if (!json) {
    process.stdout.write(`backend ${values.backend}; median of ${repeats} repeats after warm-up; numbers are noisy when other work shares the cores\n`);
    if (torch) process.stdout.write(`PyTorch: ${torch.note}\n`);
  }
  for (const id of ids) {
    const ours = spawnJson(process.execPath, childArgs(id), process.env) as unknown as BenchResult;
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
  if (values['rss-growth']) {
    const g = spawnJson(process.execPath, childArgs('W2', ['--rss-growth']), process.env);
    if (json) process.stdout.write(`${JSON.stringify({ workload: 'W2', ...g })}\n`);
    else {
      const a = g.rss_mb_100 as number, b = g.rss_mb_1000 as number;
      process.stdout.write(`W2 RSS after 100 steps ${fmt(a, 0)} MB, after 1000 ${fmt(b, 0)} MB (${(((b - a) / a) * 100).toFixed(1)}%)\n`);
    }
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) benchMain(process.argv.slice(2));
