/**
 * "Latest request wins", for every state class that asks the engine about
 * what the user is looking at: each `run` supersedes the requests before it,
 * whose answers and errors are then dropped, so a slow answer about an
 * earlier choice never replaces a newer one. With a delay, the request waits
 * that long first and a newer run (or `drop`) cancels it before it is sent:
 * typing p = 0.35 is one question, not four.
 */
import { EngineRequestError } from '../../../engine/host/client.ts';

export interface Outcome<T> {
  ok(value: T): void;
  fail(error: unknown): void;
}

export class LatestRequest {
  private seq = 0;
  private waiting: { timer: ReturnType<typeof setTimeout>; resolve: (applied: boolean) => void } | null = null;

  /** Asks (after `delayMs`) and hands the answer to `outcome` if nothing newer started meanwhile; resolves to whether it did. */
  run<T>(ask: () => Promise<T>, outcome: Outcome<T>, delayMs = 0): Promise<boolean> {
    this.drop();
    const mine = this.seq;
    const send = async (): Promise<boolean> => {
      let answer: { value: T } | { error: unknown };
      try {
        answer = { value: await ask() };
      } catch (error) {
        answer = { error };
      }
      if (mine !== this.seq) return false;
      if ('value' in answer) outcome.ok(answer.value);
      else outcome.fail(answer.error);
      return true;
    };
    if (delayMs <= 0) return send();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting = null;
        void send().then(resolve);
      }, delayMs);
      this.waiting = { timer, resolve };
    });
  }

  /** Forgets the request waiting or in flight: its answer will not be handed on. */
  drop(): void {
    this.seq++;
    if (!this.waiting) return;
    clearTimeout(this.waiting.timer);
    this.waiting.resolve(false);
    this.waiting = null;
  }
}

/** An error as the one line a panel shows. */
export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Whether a request failed because it was cancelled (an import's or a job's Cancel), which a panel shows as a note, not an error. */
export function wasCancelled(e: unknown): boolean {
  return e instanceof EngineRequestError && e.code === 'cancelled';
}
