/**
 * Runs the engine (engine/host/node/entry.ts) in a Node child process with an
 * IPC channel and supervises it: when it dies, `onLost` hears why and a fresh
 * engine is started (the checkpoint folder survives, so runs can resume).
 * The web host and the integration tests drive the engine through this.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { ToClientSchema, type EngineEvent, type ToClient, type ParamsOf, type RequestType, type ResultOf } from '../../protocol.ts';
import { EngineClient } from '../client.ts';
import { runtimeFiles } from '../../io/runtime-files.ts';

/** entry.ts through tsx in a checkout, engine.cjs from the bundles. */
export const ENGINE_ENTRY = runtimeFiles.engine.file;

export interface EngineProcessOptions {
  root?: string;
  checkpointDir?: string;
  env?: NodeJS.ProcessEnv;
  /** Restart after an unexpected exit (default true). */
  restart?: boolean;
  onLost?: (info: { code: number | null; signal: string | null; restarted: boolean }) => void;
}

export class EngineProcess {
  child!: ChildProcess;
  client!: EngineClient;
  private readonly eventListeners = new Set<(e: EngineEvent) => void>();
  private readonly messageListeners = new Set<(m: ToClient) => void>();
  private closing = false;
  private readyWaiters: (() => void)[] = [];
  private readySeen = -1;
  private outbox: unknown[] = [];
  generation = 0;

  constructor(private readonly o: EngineProcessOptions = {}) {
    this.spawn();
  }

  private spawn(): void {
    const args = [...(this.o.root ? ['--root', this.o.root] : []), ...(this.o.checkpointDir ? ['--checkpoints', this.o.checkpointDir] : [])];
    const child = fork(ENGINE_ENTRY, args, { execArgv: runtimeFiles.engine.execArgv, serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, ...this.o.env } });
    const client = new EngineClient((m) => this.deliver(child, m));
    this.child = child;
    this.client = client;
    this.generation++;
    child.on('message', (m: unknown) => {
      const r = ToClientSchema.safeParse(m);
      if (!r.success) return;
      client.receive(r.data);
      for (const l of this.messageListeners) l(r.data);
      if (r.data.type === 'event') {
        const e = r.data.event;
        if (e.type === 'ready' && this.child === child) {
          this.readySeen = this.generation;
          for (const m of this.outbox.splice(0)) this.deliver(child, m);
          for (const w of this.readyWaiters.splice(0)) w();
        }
        for (const l of this.eventListeners) l(e);
      }
    });
    child.on('exit', (code, signal) => {
      client.failAll(`the engine process exited (${signal ?? `code ${code}`})`);
      if (this.child === child) this.outbox = [];
      if (this.closing || this.child !== child) return;
      const restart = this.o.restart ?? true;
      if (restart) this.spawn();
      this.o.onLost?.({ code, signal, restarted: restart });
    });
  }

  /** Messages wait until the engine has announced itself: IPC messages sent before it listens would be lost. */
  private deliver(child: ChildProcess, m: unknown): void {
    if (!child.connected || child !== this.child) throw new Error('the engine process is not running');
    if (this.readySeen !== this.generation) this.outbox.push(m);
    else child.send(m as never);
  }

  /** Resolves once the current engine process has announced itself. */
  ready(): Promise<void> {
    if (this.readySeen === this.generation) return Promise.resolve();
    return new Promise((r) => this.readyWaiters.push(r));
  }

  request<T extends RequestType>(type: T, params: ParamsOf<T>): Promise<ResultOf<T>> {
    return this.client.request(type, params);
  }

  /** Sends anything at all (tests of malformed traffic). */
  sendRaw(msg: unknown): void {
    this.deliver(this.child, msg);
  }

  /** Every message from the engine (validated envelope), from this and every later engine process. */
  onMessage(l: (m: ToClient) => void): () => void {
    this.messageListeners.add(l);
    return () => this.messageListeners.delete(l);
  }

  onEvent(l: (e: EngineEvent) => void): () => void {
    this.eventListeners.add(l);
    return () => this.eventListeners.delete(l);
  }

  async close(): Promise<void> {
    this.closing = true;
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const gone = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.kill('SIGTERM');
    await gone;
  }
}
