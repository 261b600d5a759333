/**
 * worker_threads over one shared WebAssembly memory. Each worker instantiates
 * the kernel module on that memory and waits on its own slot of a shared
 * control block; the caller posts a job, runs thread 0's share itself, then
 * takes over every share a worker has not yet claimed (a worker still asleep,
 * or kept off a core by other load, would otherwise hold up the whole
 * kernel) and waits only for shares a worker did claim. A share computes the
 * same elements, with its own tid's scratch, whichever thread runs it, so the
 * numbers do not depend on who ran what. Node-only: the engine core never
 * imports this file.
 */
import { Worker } from 'node:worker_threads';
import type { WasmMemory, WasmModule } from '../wasm-api.ts';

const MAX_THREADS = 256;
// Control block (Int32 slots). Per worker t: GO + t counts jobs posted to it,
// CLAIM + t the last of them claimed (by the worker or the caller, one
// compare-exchange from post − 1 to post), DONE + t the last the worker finished.
const OP = 0, PARAMS = 1, NT = 2, ERROR = 4, GO = 16, CLAIM = GO + MAX_THREADS, DONE = CLAIM + MAX_THREADS;
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
const go = ${GO} + tid, claim = ${CLAIM} + tid, done = ${DONE} + tid;
let seen = 0;
for (;;) {
  let n = 0;
  while (Atomics.load(c, go) === seen) {
    if (++n > spin) Atomics.wait(c, go, seen);
  }
  seen = Atomics.load(c, go);
  // The caller may have taken this share already.
  if (Atomics.compareExchange(c, claim, seen - 1, seen) !== seen - 1) continue;
  try {
    run(c[${OP}], c[${PARAMS}], tid, c[${NT}]);
  } catch (e) {
    Atomics.store(c, ${ERROR}, 1);
  }
  Atomics.store(c, done, seen);
  Atomics.notify(c, done);
}
`;

export class ThreadPool {
  private readonly ctrl = new Int32Array(new SharedArrayBuffer((DONE + MAX_THREADS) * 4));
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
    const posted: number[] = [];
    for (let t = 1; t < nt; t++) {
      posted[t] = Atomics.add(c, GO + t, 1) + 1;
      Atomics.notify(c, GO + t, 1);
    }
    let localError: unknown = null;
    const runHere = (t: number) => {
      try {
        this.runLocal(op, params, t, nt);
      } catch (e) {
        localError ??= e;
      }
    };
    runHere(0);
    for (let t = 1; t < nt; t++) {
      const g = posted[t];
      if (Atomics.compareExchange(c, CLAIM + t, g - 1, g) === g - 1) runHere(t);
      else this.waitDone(t, g);
    }
    if (localError) throw localError;
    if (Atomics.exchange(c, ERROR, 0) !== 0) throw new Error(`a wasm kernel worker failed (op ${op})`);
  }

  private waitDone(t: number, g: number): void {
    const c = this.ctrl;
    let spins = 0;
    for (;;) {
      const d = Atomics.load(c, DONE + t);
      if (d === g) return;
      if (++spins > SPIN) Atomics.wait(c, DONE + t, d, 1000);
    }
  }

  async terminate(): Promise<void> {
    const ws = this.workers.splice(0);
    await Promise.all(ws.map((w) => w.terminate()));
  }
}
