/**
 * A window's signs of a long run, Electron-free so it is tested with fakes:
 * the taskbar/dock progress bar and a power-save blocker
 * (prevent-app-suspension) held while a run computes. The renderer reports
 * its run (it talks to the engine directly, so main cannot see progress);
 * main.ts passes the reports in, and ends everything when the engine is lost
 * or the window closes.
 */
import type { RunReport } from './preload-api.ts';

/** The Electron calls this makes; `progress` takes BrowserWindow.setProgressBar's value and mode. */
export interface RunSignals {
  progress(value: number, mode: 'normal' | 'paused' | 'none'): void;
  block(): number;
  unblock(id: number): void;
}

/**
 * setProgressBar's value: -1 removes the bar, 0..1 fills it, and a value
 * above 1 shows it indeterminate (Windows; elsewhere it shows full).
 */
export function progressBarValue(r: RunReport): { value: number; mode: 'normal' | 'paused' | 'none' } {
  if (r.state === 'idle') return { value: -1, mode: 'none' };
  const mode = r.state === 'paused' ? 'paused' : 'normal';
  if (r.fraction === null) return { value: 2, mode };
  return { value: Math.min(1, Math.max(0, r.fraction)), mode };
}

export class RunIndicator {
  private blocker: number | null = null;
  private shown = false;

  constructor(private readonly signals: RunSignals) {}

  get blocking(): boolean {
    return this.blocker !== null;
  }

  report(r: RunReport): void {
    const { value, mode } = progressBarValue(r);
    if (value >= 0 || this.shown) this.signals.progress(value, mode);
    this.shown = value >= 0;
    // A paused run computes nothing, so the machine may sleep.
    const hold = r.state === 'running';
    if (hold && this.blocker === null) this.blocker = this.signals.block();
    else if (!hold && this.blocker !== null) {
      this.signals.unblock(this.blocker);
      this.blocker = null;
    }
  }

  /** The run cannot go on (engine lost, window closing): clear the bar, let the machine sleep. */
  end(): void {
    this.report({ state: 'idle', fraction: null });
  }
}
