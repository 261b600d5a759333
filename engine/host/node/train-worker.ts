/**
 * A sweep worker thread: trains the variants the engine sends, one at a time,
 * with the same `trainVariant` the engine would run itself, on kernels limited
 * to this thread (N workers × 1 thread = N cores). Started by
 * worker-train-pool.ts (through train-worker.mjs in a checkout); cancelling terminates it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { useBackend } from '../../kernels/registry.ts';
import { trainVariant } from '../../experiments/train-pool.ts';
import type { LoadedData } from '../../data/catalog.ts';
import { ToWorkerSchema, type FromWorker } from './train-worker-messages.ts';
import { installWasmBackend } from '../../kernels/wasm/node/load.ts';

const port = parentPort;
if (!port) throw new Error('train-worker.ts runs in a worker thread (see worker-train-pool.ts)');
const backend: unknown = Reflect.get(Object(workerData), 'backend');

if (backend === 'wasm') {
  installWasmBackend({ threads: 1 });
  useBackend('wasm');
}

/** Progress at most this often: the engine sums fractions for one sweep-progress, it needs no more. */
const PROGRESS_MS = 100;
let data: { id: number; data: LoadedData } | null = null;
const send = (m: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

port.on('message', (raw: unknown) => {
  const m = ToWorkerSchema.safeParse(raw);
  if (!m.success) throw new Error(`sweep worker: not a job: ${m.error.message}`);
  const { job, variant } = m.data;
  if (m.data.data) data = { id: m.data.data_id, data: m.data.data };
  if (data?.id !== m.data.data_id) {
    send({ type: 'failed', job, message: `sweep worker: dataset ${m.data.data_id} was never sent` });
    return;
  }
  let last = -Infinity; // the first report goes at once (a worker's clock starts near 0)
  const onProgress = (fraction: number) => {
    const now = performance.now();
    if (now - last < PROGRESS_MS) return;
    last = now;
    send({ type: 'progress', job, fraction });
  };
  const loaded = data.data;
  // Nothing arrives while training but a terminate, so the trainer need not yield to the event loop.
  // Set-up errors (a model that does not fit the data) are answered like training errors.
  Promise.resolve().then(() => trainVariant({ variant, data: loaded }, onProgress, Infinity).run()).then(
    (r) => {
      if (!r) return; // not cancelled here: the engine terminates workers instead
      const { model: _model, ...result } = r;
      send({ type: 'done', job, result }, [...new Set([...r.weights.values()].map((w) => w.buffer as ArrayBuffer))]);
    },
    (e: unknown) => send({ type: 'failed', job, message: e instanceof Error ? e.message : String(e) }),
  );
});
