/**
 * The Node hosts' TrainPool (engine/experiments/train-pool.ts): one
 * worker_threads worker per variant in progress, each training on kernels
 * limited to its own thread. Sweeps train small models, which gain little
 * from the kernels' thread pool, so N workers × 1 thread keeps N cores busy
 * where one run at a time left them idle. Workers start on demand, take one
 * variant at a time, receive the dataset once with their first job, and are
 * terminated on cancel (at once, mid-step) or when the sweep ends.
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import type { LoadedData } from '../../data/catalog.ts';
import type { TrainPool, TrainPoolFactory, VariantJob, VariantResult } from '../../experiments/train-pool.ts';
import { FromWorkerSchema, type ToWorker } from './train-worker-messages.ts';
import { runtimeFiles } from '../../io/runtime-files.ts';

/** DLAB_SWEEP_WORKERS when set to a whole number ≥ 1, else the core count. */
export function defaultSweepWorkers(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number.parseInt(env.DLAB_SWEEP_WORKERS ?? '', 10);
  return Number.isFinite(n) && n >= 1 ? n : availableParallelism();
}

interface Pending {
  resolve(r: VariantResult | null): void;
  reject(e: Error): void;
  onProgress(fraction: number): void;
  label: string;
}

interface Slot {
  worker: Worker;
  busy: boolean;
  dataId: number;
  pending: Map<number, Pending>;
}

/**
 * Workers for sweeps on kernel backend `backend` ('wasm' or 'reference', as the
 * engine uses), so a variant gives the same numbers as it would in the engine.
 */
export function workerTrainPools(o: { backend: string; defaultSize?: number }): TrainPoolFactory {
  return { defaultSize: o.defaultSize ?? defaultSweepWorkers(), open: (size) => new WorkerTrainPool(size, o.backend) };
}

export class WorkerTrainPool implements TrainPool {
  private readonly slots: Slot[] = [];
  private readonly dataIds = new WeakMap<LoadedData, number>();
  private nextJob = 0;
  private nextData = 0;
  private cancelled = false;

  constructor(readonly size: number, private readonly backend: string) {}

  train(job: VariantJob, onProgress: (fraction: number) => void): Promise<VariantResult | null> {
    if (this.cancelled) return Promise.resolve(null);
    const slot = this.slots.find((s) => !s.busy) ?? this.spawn();
    let dataId = this.dataIds.get(job.data);
    if (dataId === undefined) this.dataIds.set(job.data, (dataId = this.nextData++));
    const id = this.nextJob++;
    const msg: ToWorker = { type: 'train', job: id, variant: job.variant, data_id: dataId, ...(slot.dataId === dataId ? {} : { data: job.data }) };
    slot.dataId = dataId;
    slot.busy = true;
    return new Promise((resolve, reject) => {
      slot.pending.set(id, { resolve, reject, onProgress, label: job.variant.label });
      slot.worker.postMessage(msg);
    });
  }

  cancel(): void {
    this.cancelled = true;
    for (const s of this.slots.splice(0)) this.stop(s, null);
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.splice(0).map((s) => this.stop(s, null)));
  }

  /** Terminates the worker; its job (if any) resolves null or rejects with `error`. */
  private stop(s: Slot, error: Error | null): Promise<number> {
    for (const p of s.pending.values()) (error ? p.reject(error) : p.resolve(null));
    s.pending.clear();
    return s.worker.terminate();
  }

  private spawn(): Slot {
    // execArgv []: the worker needs no flags (the bundle, or train-worker.mjs loading TypeScript itself), whatever flags started this process.
    const worker = new Worker(runtimeFiles.trainWorker, { workerData: { backend: this.backend }, execArgv: [] });
    const slot: Slot = { worker, busy: false, dataId: -1, pending: new Map() };
    this.slots.push(slot);
    const lost = (why: string) => {
      const i = this.slots.indexOf(slot);
      if (i < 0) return; // stopped on purpose
      this.slots.splice(i, 1);
      const labels = [...slot.pending.values()].map((p) => p.label).join(', ');
      void this.stop(slot, new Error(`the sweep worker training ${labels || 'no run'} stopped: ${why}`));
    };
    worker.on('error', (e) => lost(e.message));
    worker.on('exit', (code) => lost(`it exited with code ${code}`));
    worker.on('message', (raw: unknown) => {
      const m = FromWorkerSchema.safeParse(raw);
      if (!m.success) return lost(`it sent something that is not a sweep message (${m.error.issues[0]?.message})`);
      const p = slot.pending.get(m.data.job);
      if (!p) return;
      switch (m.data.type) {
        case 'progress':
          p.onProgress(m.data.fraction);
          break;
        case 'done':
          slot.pending.delete(m.data.job);
          slot.busy = false;
          p.resolve(m.data.result);
          break;
        case 'failed':
          slot.pending.delete(m.data.job);
          slot.busy = false;
          p.reject(new Error(m.data.message));
          break;
      }
    });
    return slot;
  }
}
