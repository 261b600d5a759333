/**
 * worker_threads over one shared WebAssembly memory. Each worker instantiates
 * the kernel module on that memory and waits on its own slot of a shared
 * control block; the caller posts a job, runs thread 0's share itself and
 * blocks with Atomics.wait until the workers report. Node-only: the engine
 * core never imports this file.
 */
import { Worker } from 'node:worker_threads';
import type { WasmMemory, WasmModule } from '../wasm-api.ts';

// Control block (Int32 slots).
const OP = 0, PARAMS = 1, NT = 2, DONE = 3, ERROR = 4, GO = 16;
const MAX_THREADS = 256;
/** Polls before sleeping: a worker woken within a few microseconds avoids a futex round trip between back-to-back kernels. */
const SPIN = 20000;

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, ctrl, tid, spin } = workerData;
// A worker that cannot instantiate still answers every job (with an error), so the caller never waits forever.
let run;
try {
  run = new WebAssembly.Instance(module, { env: { memory } }).exports.run;
} catch (e) {
  run = () => { throw e; };
}
const c = new Int32Array(ctrl);
const slot = ${GO} + tid;
let seen = 0;
for (;;) {
  let n = 0;
  while (Atomics.load(c, slot) === seen) {
    if (++n > spin) Atomics.wait(c, slot, seen);
  }
  seen = Atomics.load(c, slot);
  try {
    run(c[${OP}], c[${PARAMS}], tid, c[${NT}]);
  } catch (e) {
    Atomics.store(c, ${ERROR}, 1);
  }
  Atomics.add(c, ${DONE}, 1);
  Atomics.notify(c, ${DONE});
}
`;

export class ThreadPool {
  private readonly ctrl = new Int32Array(new SharedArrayBuffer((GO + MAX_THREADS) * 4));
  private readonly workers: Worker[] = [];

  constructor(
    private readonly module: WasmModule,
    private readonly memory: WasmMemory,
    private readonly runLocal: (op: number, params: number, tid: number, nt: number) => void,
  ) {}

  /** Makes sure threads − 1 workers exist (the caller is the other one). */
  ensure(threads: number): void {
    const want = Math.min(threads, MAX_THREADS) - 1;
    while (this.workers.length < want) {
      const tid = this.workers.length + 1;
      const w = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { module: this.module, memory: this.memory, ctrl: this.ctrl.buffer, tid, spin: SPIN },
      });
      // Idle workers must not keep the process alive.
      w.unref();
      this.workers.push(w);
    }
  }

  run(op: number, params: number, nt: number): void {
    if (nt <= 1) {
      this.runLocal(op, params, 0, 1);
      return;
    }
    this.ensure(nt);
    const c = this.ctrl;
    Atomics.store(c, OP, op);
    Atomics.store(c, PARAMS, params);
    Atomics.store(c, NT, nt);
    Atomics.store(c, DONE, 0);
    for (let t = 1; t < nt; t++) {
      Atomics.add(c, GO + t, 1);
      Atomics.notify(c, GO + t, 1);
    }
    let localError: unknown = null;
    try {
      this.runLocal(op, params, 0, nt);
    } catch (e) {
      localError = e;
    }
    let spins = 0;
    for (;;) {
      const done = Atomics.load(c, DONE);
      if (done >= nt - 1) break;
      if (++spins > SPIN) Atomics.wait(c, DONE, done, 1000);
    }
    if (localError) throw localError;
    if (Atomics.exchange(c, ERROR, 0) !== 0) throw new Error(`a wasm kernel worker failed (op ${op})`);
  }

  async terminate(): Promise<void> {
    const ws = this.workers.splice(0);
    await Promise.all(ws.map((w) => w.terminate()));
  }
}
