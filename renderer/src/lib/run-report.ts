/**
 * What the window's run looks like to the desktop (taskbar progress, keeping
 * the machine awake), and a throttle for telling it: the renderer hears every
 * progress event straight from the engine, main needs a few a second. A change
 * of state (started, paused, ended) goes at once; progress at most every
 * `interval` ms, the latest value last.
 */
import type { RunReport } from '../host/host.ts';
import type { TrainerState } from './training.svelte.ts';

export type { RunReport };

/** 0..1, or null when there is no number to show (the desktop refuses anything else). */
function fractionOf(f: number | undefined): number | null {
  return f === undefined || !Number.isFinite(f) ? null : Math.min(1, Math.max(0, f));
}

/** A training run counts first (a sweep cannot start while one trains); a sweep computes until it has cancelled. */
export function currentRun(training: { state: TrainerState; progress: { fraction: number } | null }, sweep: { active: boolean; progress: { fraction: number } | null }): RunReport {
  if (training.state === 'starting' || training.state === 'running') return { state: 'running', fraction: fractionOf(training.progress?.fraction) };
  if (training.state === 'paused') return { state: 'paused', fraction: fractionOf(training.progress?.fraction) };
  if (sweep.active) return { state: 'running', fraction: fractionOf(sweep.progress?.fraction) };
  return { state: 'idle', fraction: null };
}

export interface Clock {
  now(): number;
  later(f: () => void, ms: number): unknown;
  cancel(handle: unknown): void;
}

const realClock: Clock = {
  now: () => performance.now(),
  later: (f, ms) => setTimeout(f, ms),
  cancel: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export class RunReporter {
  private sent: RunReport | null = null;
  private sentAt = 0;
  private held: RunReport | null = null;
  private timer: unknown = null;

  constructor(private readonly send: (r: RunReport) => void, private readonly interval = 250, private readonly clock: Clock = realClock) {}

  report(r: RunReport): void {
    if (this.sent && r.state === this.sent.state && r.fraction === this.sent.fraction) {
      this.drop();
      return;
    }
    const wait = this.sent ? this.sentAt + this.interval - this.clock.now() : 0;
    if (!this.sent || r.state !== this.sent.state || wait <= 0) {
      this.drop();
      this.emit(r);
      return;
    }
    this.held = r;
    this.timer ??= this.clock.later(() => {
      this.timer = null;
      const h = this.held;
      this.held = null;
      if (h) this.emit(h);
    }, wait);
  }

  private emit(r: RunReport): void {
    this.sent = r;
    this.sentAt = this.clock.now();
    this.send(r);
  }

  private drop(): void {
    this.held = null;
    if (this.timer !== null) this.clock.cancel(this.timer);
    this.timer = null;
  }
}
