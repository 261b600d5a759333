/** The run the desktop is told about, and how often: state changes at once, progress at most every 250 ms, never lost. */
import { describe, expect, it } from 'vitest';
import { RunReporter, currentRun, type Clock, type RunReport } from '../../renderer/src/lib/run-report.ts';

class FakeClock implements Clock {
  t = 0;
  private timers: { at: number; f: () => void; id: number }[] = [];
  private ids = 0;
  now(): number {
    return this.t;
  }
  later(f: () => void, ms: number): unknown {
    const id = ++this.ids;
    this.timers.push({ at: this.t + ms, f, id });
    return id;
  }
  cancel(handle: unknown): void {
    this.timers = this.timers.filter((x) => x.id !== handle);
  }
  /** Moves time on, running each timer at its own moment. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const due = this.timers.filter((x) => x.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((x) => x !== due);
      this.t = due.at;
      due.f();
    }
    this.t = end;
  }
  get pending(): number {
    return this.timers.length;
  }
}

const running = (fraction: number | null): RunReport => ({ state: 'running', fraction });

function setup() {
  const clock = new FakeClock();
  const sent: [number, RunReport][] = [];
  const r = new RunReporter((x) => sent.push([clock.t, x]), 250, clock);
  return { clock, sent, r };
}

describe('currentRun', () => {
  const none = { active: false, progress: null };
  it.each([
    ['nothing running', { state: 'done', progress: { fraction: 1 } }, none, { state: 'idle', fraction: null }],
    ['a run starting, no progress yet', { state: 'starting', progress: null }, none, { state: 'running', fraction: null }],
    ['a run training', { state: 'running', progress: { fraction: 0.42 } }, none, { state: 'running', fraction: 0.42 }],
    ['a paused run', { state: 'paused', progress: { fraction: 0.5 } }, none, { state: 'paused', fraction: 0.5 }],
    ['a sweep', { state: 'idle', progress: null }, { active: true, progress: { fraction: 0.3 } }, { state: 'running', fraction: 0.3 }],
    ['a fraction out of range', { state: 'running', progress: { fraction: 1.2 } }, none, { state: 'running', fraction: 1 }],
    ['a fraction that is not a number', { state: 'running', progress: { fraction: Number.NaN } }, none, { state: 'running', fraction: null }],
  ] as const)('%s', (_what, training, sweep, expected) => {
    expect(currentRun(training, sweep)).toEqual(expected);
  });
});

describe('RunReporter', () => {
  it('sends a change of state at once and progress at most every 250 ms, the latest value last', () => {
    const { clock, sent, r } = setup();
    r.report(running(0));
    for (let i = 1; i <= 20; i++) {
      clock.advance(20);
      r.report(running(i / 100));
    }
    clock.advance(1000);
    // 0 at t=0; at t=250 the latest held (0.12, from t=240); at t=500 the last of the burst (0.20, from t=400).
    expect(sent).toEqual([[0, running(0)], [250, running(0.12)], [500, running(0.2)]]);
  });

  it('sends the end of a run at once and forgets progress held back before it', () => {
    const { clock, sent, r } = setup();
    r.report(running(0.1));
    clock.advance(10);
    r.report(running(0.2));
    r.report({ state: 'idle', fraction: null });
    clock.advance(1000);
    expect(sent).toEqual([[0, running(0.1)], [10, { state: 'idle', fraction: null }]]);
    expect(clock.pending).toBe(0);
  });

  it('does not repeat itself, and drops a held value that went back to what was sent', () => {
    const { clock, sent, r } = setup();
    r.report(running(0.5));
    r.report(running(0.5));
    clock.advance(10);
    r.report(running(0.6));
    r.report(running(0.5));
    clock.advance(1000);
    expect(sent).toEqual([[0, running(0.5)]]);
  });
});
