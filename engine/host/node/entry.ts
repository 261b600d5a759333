/**
 * The engine process's entry, one file for every way it is started:
 * - Electron utility process (`process.parentPort` exists): the protocol runs
 *   on the MessagePort main hands over; parentPort itself only carries main's
 *   control messages (the port, paths granted by dialogs).
 * - Node child process with an IPC channel (web host, tests): `process.send`,
 *   'advanced' serialization so tensors arrive as Float32Arrays.
 * - Anything else: JSON lines on stdin/stdout (engine/host/wire.ts).
 * Options: --root DIR (only paths inside DIR), --checkpoints DIR, --session ID
 * (the window's project is journaled under this id and taken back on restart).
 * Every transport refuses messages over MAX_MESSAGE_BYTES with an error reply:
 * stdio skips long lines unread, the server checks values that IPC delivers.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { useBackend } from '../../kernels/registry.ts';
import { EngineServer } from '../server.ts';
import { encodeWire, readWireMessage } from '../wire.ts';
import { LineSplitter } from '../json-lines.ts';
import { tooLargeMessage } from '../message-limits.ts';
import { makeNodeHost, type PathPolicy } from './node-host.ts';
import { MAX_MESSAGE_BYTES, type ToClient } from '../../protocol.ts';

interface PortLike {
  on(event: 'message', cb: (e: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
  start(): void;
}
interface ParentPortLike {
  on(event: 'message', cb: (e: { data: unknown; ports: PortLike[] }) => void): void;
  postMessage(message: unknown): void;
}

const ControlSchema = z.discriminatedUnion('control', [
  z.object({ control: z.literal('port') }),
  z.object({ control: z.literal('grant'), path: z.string().min(1) }),
]);

async function chooseBackend(): Promise<string> {
  if (process.env.DLAB_BACKEND === 'reference') return 'reference';
  try {
    const { installWasmBackend } = await import('../../kernels/wasm/node/load.ts');
    installWasmBackend();
    useBackend('wasm');
    return 'wasm';
  } catch (e) {
    process.stderr.write(`engine: using the reference kernels (${(e as Error).message})\n`);
    return 'reference';
  }
}

function electronParentPort(): ParentPortLike | null {
  const p: unknown = Reflect.get(process, 'parentPort');
  return typeof p === 'object' && p !== null && typeof Reflect.get(p, 'on') === 'function' ? (p as ParentPortLike) : null;
}

/**
 * Listens at once (messages that arrive before a listener exists are lost) and
 * buffers until the backend is loaded and the server exists.
 */
async function main(): Promise<void> {
  // slice(1): Electron's utility process and Node lay out argv differently; positionals are ignored either way.
  const { values } = parseArgs({ args: process.argv.slice(1), options: { root: { type: 'string' }, checkpoints: { type: 'string' }, session: { type: 'string' } }, strict: false, allowPositionals: true });
  const root = typeof values.root === 'string' ? values.root : undefined;
  const checkpointDir = typeof values.checkpoints === 'string' ? values.checkpoints : undefined;
  const session = typeof values.session === 'string' ? values.session : undefined;
  const parentPort = electronParentPort();
  const granted = new Set<string>();
  const policy: PathPolicy = root ? { kind: 'root', root } : parentPort ? { kind: 'granted', granted } : { kind: 'any', cwd: process.cwd() };
  let server: EngineServer | null = null;
  const early: unknown[] = [];
  const inflight = new Set<Promise<void>>();
  const handle = (srv: EngineServer, m: unknown) => {
    const p = srv.handle(m).finally(() => inflight.delete(p));
    inflight.add(p);
  };
  const incoming = (m: unknown) => (server ? handle(server, m) : early.push(m));
  let inputClosed = false;
  /** stdin closed: answer what was asked, then go. */
  const exitWhenAnswered = () => void Promise.all(inflight).then(() => process.exit(0));

  if (parentPort) {
    let port: PortLike | null = null;
    const queue: ToClient[] = [];
    const send = (m: ToClient) => (port ? port.postMessage(m) : queue.push(m));
    parentPort.on('message', (e) => {
      const c = ControlSchema.safeParse(e.data);
      if (!c.success) return; // main is trusted but the shape is still checked
      switch (c.data.control) {
        case 'port':
          port = e.ports[0] ?? null;
          port?.on('message', (m) => incoming(m.data));
          port?.start();
          for (const m of queue.splice(0)) port?.postMessage(m);
          break;
        case 'grant':
          granted.add(c.data.path);
          break;
      }
    });
    parentPort.postMessage({ engine: 'listening' }); // main holds its control messages until now
    const backend = await chooseBackend();
    server = new EngineServer(makeNodeHost({ send, policy, checkpointDir, session, backend }));
  } else if (process.send) {
    const send = (m: ToClient) => process.send?.(m);
    process.on('message', incoming);
    process.on('disconnect', () => process.exit(0)); // the host went away: nothing left to serve
    const backend = await chooseBackend();
    server = new EngineServer(makeNodeHost({ send, policy, checkpointDir, session, backend }));
  } else {
    const send = (m: ToClient) => process.stdout.write(`${encodeWire(m)}\n`);
    const lines = new LineSplitter(MAX_MESSAGE_BYTES, {
      line(text) {
        const r = readWireMessage(text);
        if ('reply' in r) send(r.reply);
        else incoming(r.msg);
      },
      tooLarge: (bytes) => send({ type: 'error', id: null, error: { code: 'too-large', message: tooLargeMessage(bytes) } }),
    });
    process.stdin.on('data', (chunk: Buffer) => lines.push(chunk));
    process.stdin.on('end', () => {
      lines.end();
      inputClosed = true;
      if (server) exitWhenAnswered();
    });
    const backend = await chooseBackend();
    server = new EngineServer(makeNodeHost({ send, policy, checkpointDir, session, backend }));
  }
  server.announce();
  for (const m of early.splice(0)) handle(server, m);
  if (inputClosed) exitWhenAnswered();
}

process.on('uncaughtException', (e) => process.stderr.write(`engine: uncaught ${e.stack ?? e.message}\n`));
main().catch((e: Error) => {
  // Without this the process would idle with no server and no `ready`, and the host would wait for ever.
  process.stderr.write(`engine: could not start: ${e.stack ?? e.message}\n`);
  process.exit(1);
});
