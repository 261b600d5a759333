/**
 * Wall, process-CPU and calling-thread-CPU time in ms, read together, for the
 * A/B scripts' `--cpu` option. On a shared machine wall time moves with other
 * people's load (±20% between identical trees); CPU time counts only the time
 * our threads were on a core, so preemption does not land in it.
 *
 * What the CPU figures include: `process` is every thread of this process
 * (caller, wasm workers, GC and compiler helpers); `main` is the calling
 * thread alone (Linux /proc/thread-self/schedstat, ns resolution; absent
 * elsewhere). Both count waiting that spins: the wasm thread pool
 * (engine/kernels/wasm/node/thread-pool.ts) polls for up to SPIN loads before
 * it sleeps, in the worker between jobs and in the caller while the worker
 * finishes its share. With more than one thread the CPU figures therefore
 * also grow with load imbalance and with short gaps between kernels; with
 * one thread no worker exists and they measure work alone.
 */
import { readFileSync } from 'node:fs';

export interface CpuReading {
  wall: number;
  process: number;
  /** NaN where the per-thread counter cannot be read. */
  main: number;
}

function threadNs(): number {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]);
  } catch {
    return NaN;
  }
}

export function cpuClock(): CpuReading {
  const u = process.cpuUsage();
  return { wall: performance.now(), process: (u.user + u.system) / 1000, main: threadNs() / 1e6 };
}

/** Per-step difference of two readings. */
export function perStep(from: CpuReading, to: CpuReading, steps: number): CpuReading {
  return {
    wall: (to.wall - from.wall) / steps,
    process: (to.process - from.process) / steps,
    main: (to.main - from.main) / steps,
  };
}
