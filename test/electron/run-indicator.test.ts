/** A window's taskbar progress and power-save blocker follow the run the renderer reports, and end when the run cannot go on. */
import { describe, expect, it } from 'vitest';
import { RunIndicator, progressBarValue, type RunSignals } from '../../electron/run-indicator.ts';

class FakeSignals implements RunSignals {
  bars: [number, string][] = [];
  started: number[] = [];
  stopped: number[] = [];
  private next = 7;
  progress(value: number, mode: 'normal' | 'paused' | 'none'): void {
    this.bars.push([value, mode]);
  }
  block(): number {
    this.started.push(this.next);
    return this.next++;
  }
  unblock(id: number): void {
    this.stopped.push(id);
  }
}

describe('progressBarValue', () => {
  it.each([
    [{ state: 'idle', fraction: null }, -1, 'none'],
    [{ state: 'idle', fraction: 0.4 }, -1, 'none'],
    [{ state: 'running', fraction: 0.25 }, 0.25, 'normal'],
    [{ state: 'running', fraction: null }, 2, 'normal'], // started, no progress yet: indeterminate
    [{ state: 'paused', fraction: 0.5 }, 0.5, 'paused'],
  ] as const)('%o → %d (%s)', (report, value, mode) => {
    expect(progressBarValue(report)).toEqual({ value, mode });
  });
});

describe('RunIndicator', () => {
  it('shows progress while a run goes on and clears it when the run ends', () => {
    const s = new FakeSignals();
    const run = new RunIndicator(s);
    run.report({ state: 'idle', fraction: null }); // nothing shown yet: nothing to clear
    run.report({ state: 'running', fraction: 0.1 });
    run.report({ state: 'running', fraction: 0.6 });
    run.report({ state: 'idle', fraction: null });
    expect(s.bars).toEqual([[0.1, 'normal'], [0.6, 'normal'], [-1, 'none']]);
  });

  it('holds one power-save blocker while running, lets go while paused, and takes a fresh one on resume', () => {
    const s = new FakeSignals();
    const run = new RunIndicator(s);
    run.report({ state: 'running', fraction: 0 });
    run.report({ state: 'running', fraction: 0.3 });
    expect(s.started).toEqual([7]);
    expect(run.blocking).toBe(true);
    run.report({ state: 'paused', fraction: 0.3 });
    expect(s.stopped).toEqual([7]);
    expect(run.blocking).toBe(false);
    run.report({ state: 'running', fraction: 0.4 });
    run.report({ state: 'idle', fraction: null });
    expect(s.started).toEqual([7, 8]);
    expect(s.stopped).toEqual([7, 8]);
  });

  it('ends a run when the engine is lost or the window closes, once', () => {
    const s = new FakeSignals();
    const run = new RunIndicator(s);
    run.report({ state: 'running', fraction: 0.5 });
    run.end();
    run.end();
    expect(s.bars.at(-1)).toEqual([-1, 'none']);
    expect(s.bars.filter(([v]) => v === -1)).toHaveLength(1);
    expect(s.stopped).toEqual([7]);
  });
});
