/** An engine for state-class tests: every request waits until the test answers or fails it, in any order; events are emitted by hand. */
import type { EngineEvent } from '../../engine/protocol.ts';

export interface Pending {
  type: string;
  params: Record<string, unknown>;
  answer(result: unknown): void;
  fail(error: Error): void;
}

export function fakeEngine() {
  const listeners: ((e: EngineEvent) => void)[] = [];
  const calls: Pending[] = [];
  const engine = {
    onEvent(l: (e: EngineEvent) => void) {
      listeners.push(l);
      return () => {};
    },
    request(type: string, params: Record<string, unknown>): Promise<never> {
      return new Promise((resolve, reject) => calls.push({ type, params, answer: resolve as (r: unknown) => void, fail: reject }));
    },
  };
  return {
    engine,
    calls,
    /** The requests of one type, oldest first. */
    of: (type: string) => calls.filter((c) => c.type === type),
    emit: (e: EngineEvent) => listeners.forEach((l) => l(e)),
  };
}

/** Lets answered promises run their continuations. */
export const settle = () => new Promise((r) => setTimeout(r, 0));
