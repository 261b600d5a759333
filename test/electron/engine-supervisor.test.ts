/** The main process's engine supervision, with a fake utility process in place of Electron's. */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { EngineSupervisor, type EngineChild, type EngineLoss } from '../../electron/engine-supervisor.ts';

class FakeChild extends EventEmitter implements EngineChild {
  static count = 0;
  readonly pid = ++FakeChild.count;
  readonly posted: { message: unknown; transfer?: object[] }[] = [];
  killed = false;
  postMessage(message: unknown, transfer?: object[]): void {
    this.posted.push({ message, transfer });
  }
  kill(): boolean {
    this.killed = true;
    return true;
  }
  die(code: number): void {
    this.emit('exit', code);
  }
  listen(): this {
    this.emit('message', { engine: 'listening' });
    return this;
  }
}

function setup(o: { maxRestarts?: number; listenAtOnce?: boolean } = {}) {
  const children: FakeChild[] = [];
  const delivered: object[] = [];
  const losses: EngineLoss[] = [];
  let t = 0;
  let pair = 0;
  const sup = new EngineSupervisor<{ end: string; pair: number }>({
    fork: () => {
      const c = new FakeChild();
      children.push(c);
      if (o.listenAtOnce ?? true) queueMicrotask(() => c.listen());
      return c;
    },
    channel: () => {
      pair++;
      return { engine: { end: 'engine', pair }, renderer: { end: 'renderer', pair } };
    },
    deliver: (p) => delivered.push(p),
    lost: (i) => losses.push(i),
    maxRestarts: o.maxRestarts,
    now: () => (t += 1000),
  });
  return { sup, children, delivered, losses };
}

describe('engine supervisor', () => {
  it('holds control messages until the engine listens, then hands it one end of a fresh channel', () => {
    const { sup, children, delivered } = setup({ listenAtOnce: false });
    sup.start();
    sup.connectWindow();
    expect(children[0].posted).toEqual([]);
    expect(delivered).toEqual([{ end: 'renderer', pair: 1 }]);
    children[0].listen();
    expect(children[0].posted).toEqual([{ message: { control: 'port' }, transfer: [{ end: 'engine', pair: 1 }] }]);
  });

  it('restarts a dead engine, tells the window, and re-grants the dialog paths', async () => {
    const { sup, children, losses } = setup();
    sup.start();
    sup.grant('/home/u/p.dlab');
    children[0].die(9);
    await Promise.resolve();
    expect(children).toHaveLength(2);
    expect(losses).toEqual([{ reason: 'the engine process exited with code 9', exitCode: 9, restarted: true }]);
    expect(children[1].posted).toContainEqual({ message: { control: 'grant', path: '/home/u/p.dlab' }, transfer: undefined });
    expect(sup.pid).toBe(children[1].pid);
  });

  it('counts one death once, whichever notice comes first', () => {
    const { sup, children, losses } = setup();
    sup.start();
    const gen = sup.generation;
    sup.gone(gen, 'the engine process is gone (crashed)', null); // app 'child-process-gone'
    children[0].die(1); // then the process's own 'exit'
    expect(losses).toHaveLength(1);
    expect(children).toHaveLength(2);
  });

  it('stops the engine with its window and does not restart it', () => {
    const { sup, children, losses } = setup();
    sup.start();
    sup.stop();
    children[0].die(0);
    expect(children[0].killed).toBe(true);
    expect(children).toHaveLength(1);
    expect(losses).toEqual([]);
  });

  it('gives up on a crash loop and says so', () => {
    const { sup, children, losses } = setup({ maxRestarts: 2 });
    sup.start();
    for (let i = 0; i < 3; i++) children.at(-1)?.die(1);
    expect(losses.map((l) => l.restarted)).toEqual([true, true, false]);
    expect(children).toHaveLength(3);
  });
});
