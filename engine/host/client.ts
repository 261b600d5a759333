/**
 * The caller's side of the protocol, for any transport: requests get ids and
 * promises, replies are matched by id, events go to listeners. Used by the
 * renderer (MessagePort or WebSocket), the web host and the tests.
 */
import type { EngineEvent, ParamsOf, RequestType, ResultOf, ToClient } from '../protocol.ts';
import type { MissingSource } from '../data/source-missing.ts';

export class EngineRequestError extends Error {
  /** `dataMissing`: with code 'data-missing', the data source that moved or changed. */
  constructor(readonly code: string, message: string, readonly requestType: string, readonly dataMissing: MissingSource | null = null) {
    super(message);
    this.name = 'EngineRequestError';
  }
}

type Pending = { type: string; resolve(v: unknown): void; reject(e: Error): void };

export class EngineClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Set<(e: EngineEvent) => void>();
  /** Errors that answer no pending request (id null or unknown): malformed traffic. */
  readonly strayErrors: { code: string; message: string }[] = [];

  constructor(private readonly post: (msg: unknown) => void) {}

  request<T extends RequestType>(type: T, params: ParamsOf<T>): Promise<ResultOf<T>> {
    const id = this.nextId++;
    return new Promise<ResultOf<T>>((resolve, reject) => {
      this.pending.set(id, { type, resolve: (v) => resolve(v as ResultOf<T>), reject });
      try {
        this.post({ ...params, id, type });
      } catch (e) {
        this.pending.delete(id);
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  }

  onEvent(listener: (e: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Feed every message from the engine here (already validated by the caller or trusted transport). */
  receive(msg: ToClient): void {
    switch (msg.type) {
      case 'response': {
        const p = typeof msg.id === 'number' ? this.pending.get(msg.id) : undefined;
        if (!p) return;
        this.pending.delete(msg.id as number);
        p.resolve(msg.result);
        break;
      }
      case 'error': {
        const p = typeof msg.id === 'number' ? this.pending.get(msg.id) : undefined;
        if (!p) {
          this.strayErrors.push(msg.error);
          return;
        }
        this.pending.delete(msg.id as number);
        p.reject(new EngineRequestError(msg.error.code, msg.error.message, p.type, msg.error.data_missing ?? null));
        break;
      }
      case 'event':
        for (const l of this.listeners) l(msg.event);
        break;
    }
  }

  /** Rejects everything in flight (the engine went away). */
  failAll(reason: string): void {
    for (const p of this.pending.values()) p.reject(new EngineRequestError('engine-lost', reason, p.type));
    this.pending.clear();
  }

  get inFlight(): number {
    return this.pending.size;
  }
}
