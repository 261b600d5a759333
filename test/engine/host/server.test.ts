/**
 * EngineServer in process, over an in-memory host: every request type of the
 * protocol reaches its handler, names that only look like types never do, and
 * one training job runs at a time whichever kind asks second.
 */
import { describe, expect, it } from 'vitest';
import { EngineServer } from '../../../engine/host/server.ts';
import { ForbiddenPath, type EngineHost } from '../../../engine/host/engine-host.ts';
import { REQUESTS, REQUEST_TYPES, type EngineEvent, type ToClient } from '../../../engine/protocol.ts';

function engine() {
  const sent: ToClient[] = [];
  const host: EngineHost = {
    send: (m) => sent.push(m),
    files: { read: () => { throw new Error('no files here'); }, exists: () => false, bundledMnist: () => { throw new Error('no digits here'); }, list: () => [] },
    resolvePath: (p) => { throw new ForbiddenPath(`${p} is outside this test`); },
    openProject: () => { throw new Error('no projects here'); },
    saveProject: () => 0,
    writeExport: () => [],
    checkpoints: { save: () => {}, load: () => null },
    backend: 'reference',
    pid: 0,
  };
  const server = new EngineServer(host);
  let next = 1;
  const ask = async (type: string, params: Record<string, unknown> = {}) => {
    const id = next++;
    await server.handle({ id, type, ...params });
    const reply = sent.find((m) => m.type !== 'event' && m.id === id);
    if (!reply || reply.type === 'event') throw new Error(`no reply to ${type}`);
    return reply;
  };
  const events = (): EngineEvent[] => sent.flatMap((m) => (m.type === 'event' ? [m.event] : []));
  return { ask, events };
}

const until = async (ok: () => boolean) => {
  for (let i = 0; i < 500 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(ok()).toBe(true);
};

describe('EngineServer', () => {
  it('answers every request type of the protocol through its own handler, never as unknown', async () => {
    const { ask } = engine();
    for (const type of REQUEST_TYPES) {
      const reply = await ask(type);
      expect(reply.type === 'error' ? reply.error.code : 'response', type).not.toBe('unknown-type');
    }
  });

  it('answers names inherited from Object.prototype as unknown types', async () => {
    const { ask } = engine();
    for (const type of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      const reply = await ask(type);
      expect(reply.type === 'error' && reply.error.code, type).toBe('unknown-type');
    }
  });

  it('refuses a second training job, run or sweep, while a run trains, naming the run', async () => {
    const { ask, events } = engine();
    const created = await ask('project.new', { template: 'mlp' });
    if (created.type !== 'response') throw new Error('project.new failed');
    const { doc } = REQUESTS['project.new'].result.parse(created.result);
    const started = await ask('train.start', { name: 'long', spec: doc.model, dataset: doc.dataset, settings: { epochs: 500, batch_size: 8 } });
    expect(started.type).toBe('response');
    await until(() => events().some((e) => e.type === 'state' && e.state === 'running'));
    for (const [type, params] of [['train.start', { spec: doc.model, dataset: doc.dataset, settings: {} }], ['sweep.start', { spec: doc.model, dataset: doc.dataset, settings: {}, plan: {} }]] as const) {
      const reply = await ask(type, params);
      expect(reply.type === 'error' && reply.error).toEqual({ code: 'busy', message: "run 'long' is still training; stop it first" });
    }
    expect((await ask('train.stop')).type).toBe('response');
    await until(() => events().some((e) => e.type === 'finished'));
  });
});
