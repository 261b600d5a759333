/**
 * The packaged engine bundle (app.asar.unpacked/dist/node/engine.cjs) under plain Node, started
 * as Electron starts it, through both of its front doors: the utility-process branch (a
 * parentPort stand-in hands over a MessageChannel port) and the stdio branch (JSON lines).
 * Over each: catalog, the MLP template, 2 epochs on spiral, predict.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeWire, encodeWire } from '../../engine/host/wire.ts';
import { packaged } from './packaged.ts';

type Message = Record<string, unknown>;

/** Requests by id over some transport; every message the engine sent, in order. */
class Conversation {
  readonly received: Message[] = [];
  private nextId = 1;
  private waiters: (() => void)[] = [];
  constructor(private readonly send: (m: Message) => void) {}

  receive(m: unknown): void {
    this.received.push(Object(m) as Message);
    for (const w of this.waiters.splice(0)) w();
  }

  async until(pred: (m: Message) => boolean, what: string): Promise<Message> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const hit = this.received.find(pred);
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`the packaged engine never sent ${what}; it sent ${JSON.stringify(this.received.slice(-3))}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 200);
      });
    }
  }

  async call(type: string, params: Message = {}): Promise<Message> {
    const id = this.nextId++;
    this.send({ id, type, ...params });
    const reply = await this.until((m) => m.id === id, `a reply to ${type}`);
    expect(reply, JSON.stringify(reply)).toMatchObject({ type: 'response' });
    return Object(reply.result) as Message;
  }
}

const event = (type: string) => (m: Message) => m.type === 'event' && Reflect.get(Object(m.event), 'type') === type;

/** The user's first minutes: catalog, the MLP template on spiral, 2 epochs, a prediction. */
async function firstSession(c: Conversation): Promise<void> {
  const ready = await c.until(event('ready'), 'ready');
  // 'wasm' proves the packaged layout's .wasm files were found (the engine falls back to 'reference' otherwise).
  expect(ready.event).toMatchObject({ backend: 'wasm' });
  const catalog = await c.call('catalog');
  expect(catalog.backend).toBe('wasm');
  const kinds = (catalog.layers as { kind: string }[]).map((l) => l.kind);
  expect(kinds).toEqual(expect.arrayContaining(['Linear', 'ReLU', 'Dropout', 'Conv2d']));

  const { doc } = (await c.call('project.new', { template: 'mlp', dataset: { id: 'spiral' } })) as { doc: { model: { layers: { kind: string }[] }; dataset: Message; training: Message } };
  expect(doc.model.layers.map((l) => l.kind)).toEqual(['Linear', 'ReLU', 'Dropout', 'Linear']);
  const built = await c.call('validate', { spec: doc.model });
  expect(built).toMatchObject({ ok: true, outputShape: [2], totalParams: 2 * 128 + 128 + 128 * 2 + 2 });

  const start = await c.call('train.start', { spec: doc.model, dataset: doc.dataset, settings: { ...doc.training, epochs: 2 } });
  const finished = await c.until(event('finished'), 'finished');
  expect(finished.event).toMatchObject({ run_id: start.run_id, status: 'done' });
  expect(c.received.filter(event('epoch'))).toHaveLength(2);

  const predicted = (await c.call('predict', { model: { run_id: start.run_id }, input: { dataset: doc.dataset, index: 1 } })) as { output: { shape: number[]; data: Float32Array } };
  expect(predicted.output.shape).toEqual([1, 2]);
  expect(Array.from(predicted.output.data).every(Number.isFinite)).toBe(true);
}

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill();
});
const scratch = mkdtempSync(join(tmpdir(), 'dlab-packaged-'));
const standIn = join(dirname(fileURLToPath(import.meta.url)), 'parent-port-stand-in.cjs');

describe('the packaged engine bundle under plain Node', () => {
  it('serves a first session through its utility-process branch', async () => {
    // As main forks it: a working directory outside the asar, only --checkpoints.
    const child = fork(packaged.engine, ['--checkpoints', join(scratch, 'ckpt-utility')], {
      cwd: dirname(packaged.engine), execArgv: ['--require', standIn], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    children.push(child);
    const c = new Conversation((m) => child.send({ to: 'port', data: m }));
    let listening = false;
    child.on('message', (raw: { via: string; m: unknown }) => {
      if (raw.via === 'parent' && Reflect.get(Object(raw.m), 'engine') === 'listening') listening = true;
      if (raw.via === 'port') c.receive(raw.m);
    });
    // Main's supervisor hands over the port once the engine says it listens.
    await expect.poll(() => listening, { timeout: 30_000 }).toBe(true);
    child.send({ to: 'parent', data: { control: 'port' }, withPort: true });
    await firstSession(c);
  });

  it('serves a first session through its stdio branch', async () => {
    const child = spawn(process.execPath, [packaged.engine, '--checkpoints', join(scratch, 'ckpt-stdio')], { cwd: scratch, stdio: ['pipe', 'pipe', 'inherit'] });
    children.push(child);
    const c = new Conversation((m) => child.stdin?.write(`${encodeWire(m)}\n`));
    createInterface({ input: child.stdout! }).on('line', (line) => c.receive(decodeWire(line)));
    await firstSession(c);
  });
});
