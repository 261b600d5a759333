/**
 * The engine's Electron utility-process adapter (entry.ts with a parentPort):
 * messages wait for main's port, paths must be granted by main (dialogs) before
 * the engine opens or saves them, and junk on the control channel is ignored.
 */
import { fork } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ENGINE_ENTRY } from '../../engine/host/node/engine-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'dlab-utility-'));
const fake = fileURLToPath(new URL('./fake-utility-process.ts', import.meta.url));
const child = fork(ENGINE_ENTRY, ['--checkpoints', join(dir, 'ckpt')], { execArgv: ['--import', 'tsx', '--import', fake], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, DLAB_THREADS: '1' } });
const fromPort: Record<string, unknown>[] = [];
let engineListening = false;
child.on('message', (m: { via: string; m: Record<string, unknown> }) => {
  if (m.via === 'parent' && m.m.engine === 'listening') engineListening = true;
  if (m.via === 'port') fromPort.push(m.m);
});
afterAll(() => {
  child.kill();
});

const until = (pred: () => boolean) => new Promise<void>((res) => {
  const t = setInterval(() => pred() && (clearInterval(t), res()), 10);
});
let nextId = 1;
async function call(type: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const id = nextId++;
  child.send({ to: 'port', data: { id, type, ...params } });
  await until(() => fromPort.some((m) => m.id === id));
  return fromPort.find((m) => m.id === id)!;
}

describe('engine in a (simulated) Electron utility process', () => {
  it('holds its messages until main hands over the port', async () => {
    // As main's supervisor does: control messages only once the engine says it listens.
    await until(() => engineListening);
    await new Promise((r) => setTimeout(r, 300));
    expect(fromPort).toEqual([]);
    child.send({ to: 'parent', data: { control: 'port' }, withPort: true });
    await until(() => fromPort.length > 0);
    expect(fromPort[0]).toMatchObject({ type: 'event', event: { type: 'ready' } });
    expect(await call('runs.list')).toMatchObject({ type: 'response', result: { runs: [] } });
  });

  it('opens and saves only paths main granted, and ignores junk control messages', async () => {
    const path = join(dir, 'granted.dlab');
    await call('project.new', { template: 'mlp' });
    expect(await call('project.save', { path })).toMatchObject({ type: 'error', error: { code: 'forbidden' } });
    child.send({ to: 'parent', data: { control: 'grant' } });
    child.send({ to: 'parent', data: 'junk' });
    child.send({ to: 'parent', data: { control: 'grant', path } });
    expect(await call('project.save', { path })).toMatchObject({ type: 'response', result: { path } });
    expect(await call('project.open', { path })).toMatchObject({ type: 'response' });
    expect(await call('project.open', { path: join(dir, 'other.dlab') })).toMatchObject({ type: 'error', error: { code: 'forbidden', message: expect.stringContaining('File › Open') } });
  });
});
