/**
 * Runs the engine (engine/host/node/entry.ts) in a Node child process with an
 * IPC channel and supervises it: when it dies, `onLost` hears why and a fresh
 * engine is started (the checkpoint folder survives, so runs can resume),
 * and requests it had not answered get an 'engine-lost' error.
 * The web host and the integration tests drive the engine through this.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { ToClientSchema, describeIssues, replyId, type EngineEvent, type RequestId, type ToClient, type ParamsOf, type RequestType, type ResultOf } from '../../protocol.ts';
import { EngineClient } from '../client.ts';
import { runtimeFiles } from '../../io/runtime-files.ts';

/** entry.ts through tsx in a checkout, engine.cjs from the bundles. */
export const ENGINE_ENTRY = runtimeFiles.engine.file;

export interface EngineProcessOptions {
  root?: string;
  checkpointDir?: string;
  env?: NodeJS.ProcessEnv;
  /** The recovery journal's session (engine/host/recovery-journal.ts); default: one of its own, kept across restarts. */
  session?: string;
  /** Restart after an unexpected exit (default true). */
  restart?: boolean;
  onLost?: (info: { code: number | null; signal: string | null; restarted: boolean }) => void;
}

/** A reply the protocol does not accept still answers its request, as an error; anything else unreadable is dropped. */
function unreadableReply(m: unknown, e: z.ZodError): ToClient | null {
  const id = replyId(m);
  return id === null ? null : { type: 'error', id, error: { code: 'failed', message: `the engine sent a reply the protocol does not accept (${describeIssues(e)}); this is a bug in Dropout Lab` } };
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
  /** Ids of sendRaw messages not answered yet, with how many (a client may reuse an id). */
  private readonly unanswered = new Map<RequestId, number>();
  generation = 0;

  private readonly session: string;

  constructor(private readonly o: EngineProcessOptions = {}) {
    this.session = o.session ?? randomUUID();
    this.spawn();
  }

  private spawn(): void {
    const args = [...(this.o.root ? ['--root', this.o.root] : []), ...(this.o.checkpointDir ? ['--checkpoints', this.o.checkpointDir] : []), '--session', this.session];
    const child = fork(ENGINE_ENTRY, args, { execArgv: runtimeFiles.engine.execArgv, serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, ...this.o.env } });
    const client = new EngineClient((m) => this.deliver(child, m));
    this.child = child;
    this.client = client;
    this.generation++;
    let gone = false;
    child.on('message', (m: unknown) => {
      if (gone) return; // IPC can deliver after 'exit'; what it carried was already failed as engine-lost
      const r = ToClientSchema.safeParse(m);
      const msg = r.success ? r.data : unreadableReply(m, r.error);
      if (!msg) return;
      if (msg.type !== 'event' && msg.id !== null) this.answered(msg.id);
      client.receive(msg);
      for (const l of this.messageListeners) l(msg);
      if (msg.type === 'event') {
        const e = msg.event;
        if (e.type === 'ready' && this.child === child) {
          this.readySeen = this.generation;
          for (const m of this.outbox.splice(0)) this.deliver(child, m);
          for (const w of this.readyWaiters.splice(0)) w();
        }
        for (const l of this.eventListeners) l(e);
      }
    });
    child.on('exit', (code, signal) => {
      gone = true;
      client.failAll(`the engine process exited (${signal ?? `code ${code}`})`);
      if (this.child === child) {
        this.outbox = [];
        this.failUnanswered(signal ?? `exit code ${code}`);
      }
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

  /**
   * Sends anything at all (the web host's traffic, tests of malformed messages). Whatever the engine
   * will answer by id is remembered until answered, so if the engine dies first the answer is an
   * 'engine-lost' error from here.
   */
  sendRaw(msg: unknown): void {
    this.deliver(this.child, msg);
    const id = replyId(msg);
    if (id !== null) this.unanswered.set(id, (this.unanswered.get(id) ?? 0) + 1);
  }

  private answered(id: RequestId): void {
    const n = this.unanswered.get(id) ?? 0;
    if (n > 1) this.unanswered.set(id, n - 1);
    else this.unanswered.delete(id);
  }

  private failUnanswered(reason: string): void {
    const message = `the engine process stopped (${reason}) before answering; nothing of this request was kept, send it again once the engine is ready`;
    const lost = [...this.unanswered].flatMap(([id, n]) => Array.from({ length: n }, () => id));
    this.unanswered.clear();
    for (const id of lost) for (const l of this.messageListeners) l({ type: 'error', id, error: { code: 'engine-lost', message } });
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
