/**
 * The thread pool's hand-over: every share of a job runs exactly once, on its
 * worker or, when the worker has not claimed it yet, on the caller. The
 * module below is hand-assembled so the test sees each share: run(op, p,
 * tid, nt) atomically adds 1 to the i32 at p + 4·tid of the shared memory.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { ThreadPool } from '../../../../../engine/kernels/wasm/node/thread-pool.ts';
import { wasmApi } from '../../../../../engine/kernels/wasm/wasm-api.ts';

// prettier-ignore
const COUNT_SHARES = Uint8Array.from([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x08, 0x01, 0x60, 0x04, 0x7f, 0x7f, 0x7f, 0x7f, 0x00, // type: (i32 i32 i32 i32) → ()
  0x02, 0x10, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x06, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x02, 0x03, 0x01, 0x01, // import env.memory, shared, 1 page
  0x03, 0x02, 0x01, 0x00,
  0x07, 0x07, 0x01, 0x03, 0x72, 0x75, 0x6e, 0x00, 0x00, // export "run"
  0x0a, 0x13, 0x01, 0x11, 0x00,
  0x20, 0x01, 0x20, 0x02, 0x41, 0x02, 0x74, 0x6a, // p + (tid << 2)
  0x41, 0x01, 0xfe, 0x1e, 0x02, 0x00, 0x1a, 0x0b, // i32.atomic.rmw.add 1; drop; end
]);

const api = wasmApi()!;
const module = new api.Module(COUNT_SHARES);
const memory = new api.Memory({ initial: 1, maximum: 1, shared: true });
const { run: local } = new api.Instance(module, { env: { memory } }).exports as { run(op: number, p: number, tid: number, nt: number): void };
const onCaller: number[] = [];
const pool = new ThreadPool(module, memory, (op, p, tid, nt) => {
  onCaller.push(tid);
  local(op, p, tid, nt);
});
const counts = new Int32Array(memory.buffer);
const NT = 3;

afterAll(() => pool.terminate());

describe('thread pool', () => {
  it('does not wait for workers still starting up: the caller runs their shares', () => {
    pool.run(0, 0, NT);
    expect([...counts.subarray(0, NT)]).toEqual([1, 1, 1]);
    expect(onCaller).toEqual([0, 1, 2]);
  });

  it('runs every share of every job exactly once, whoever claims it', async () => {
    // The workers start in their own time (slowly on a loaded machine); once running, they claim shares too,
    // as they spin between back-to-back jobs. Jobs run, each checked, until workers have claimed some shares.
    let onWorkers = 0;
    for (let job = 1; job <= 2000 || onWorkers === 0; job++) {
      if (job > 1_000_000) throw new Error('no worker claimed a share in a million jobs');
      const at = 1 + (job % 1000); // a fresh block of NT counters, reused every 1000 jobs
      counts.fill(0, at * 4, at * 4 + NT);
      const before = onCaller.length;
      pool.run(0, at * 16, NT);
      expect([...counts.subarray(at * 4, at * 4 + NT)], `job ${job}`).toEqual([1, 1, 1]);
      onWorkers += NT - (onCaller.length - before);
      if (job % 500 === 0) await new Promise((r) => setImmediate(r));
    }
    expect(onWorkers).toBeGreaterThan(0);
  }, 120_000);
});
