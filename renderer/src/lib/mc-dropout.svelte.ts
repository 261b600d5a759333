/**
 * Uncertainty by MC-dropout in the Results view, as UI state: T passes with
 * dropout kept on. 2-D data: `mc.grid` over the decision-region plane; other
 * classifiers: `mc.samples`, the most uncertain samples. Answers for an
 * earlier run, split or T are dropped. While it runs: progress with an ETA
 * from the engine's mc-progress events, and Cancel (`mc.cancel`; the request
 * then fails with 'cancelled').
 */
import { EngineRequestError } from '../../../engine/host/client.ts';
import type { ResultOf } from '../../../engine/protocol.ts';
import type { EngineState } from './engine.svelte.ts';
import type { McMetric } from './mc.ts';
import type { Split } from './results.svelte.ts';
import { LatestRequest, errorText } from './latest-request.ts';

export const MAX_PASSES = 1000;
const SAMPLES = 24;

/** What the panel is about: a run's split, drawn as a grid (2-D points), as samples, or not at all (regression). */
export interface McTarget {
  runId: string;
  split: Split;
  kind: 'grid' | 'samples' | 'regression';
  grid: number;
}

export class McDropoutState {
  /** What the number box holds: null while it is empty (Svelte binds number inputs as numbers). */
  passes = $state<number | null>(30);
  metric = $state<McMetric>('mutual_information');
  busy = $state(false);
  error = $state<string | null>(null);
  cancelled = $state(false);
  progress = $state.raw<{ fraction: number; eta_s: number | null } | null>(null);
  grid = $state.raw<ResultOf<'mc.grid'> | null>(null);
  samples = $state.raw<(ResultOf<'mc.samples'> & { by: McMetric }) | null>(null);
  private target: McTarget | null = null;
  private readonly latest = new LatestRequest();

  constructor(private readonly engine: Pick<EngineState, 'request' | 'onEvent'>) {
    engine.onEvent((e) => {
      if (e.type === 'mc-progress' && this.busy) this.progress = { fraction: e.fraction, eta_s: e.eta_s };
    });
  }

  get passesOk(): boolean {
    const p = this.passes;
    return typeof p === 'number' && Number.isInteger(p) && p >= 1 && p <= MAX_PASSES;
  }

  /** Another run or split: what was shown belongs to the old one. */
  show(target: McTarget): void {
    const old = this.target;
    this.target = target;
    if (old && old.runId === target.runId && old.split === target.split) return;
    this.latest.drop();
    [this.grid, this.samples, this.error, this.busy, this.cancelled] = [null, null, null, false, false];
  }

  async run(by: McMetric = this.metric): Promise<void> {
    const target = this.target;
    const passes = this.passes;
    if (!target || !this.passesOk || passes === null || target.kind === 'regression') return;
    [this.busy, this.error, this.cancelled, this.progress] = [true, null, false, null];
    const { runId: run_id, split } = target;
    const done = () => (this.busy = false);
    const fail = (e: unknown) => {
      if (e instanceof EngineRequestError && e.code === 'cancelled') this.cancelled = true;
      else this.error = errorText(e);
      done();
    };
    if (target.kind === 'grid') {
      await this.latest.run(() => this.engine.request('mc.grid', { run_id, split, grid: target.grid, passes }), { ok: (r) => ((this.grid = r), done()), fail });
    } else {
      await this.latest.run(() => this.engine.request('mc.samples', { run_id, split, passes, samples: SAMPLES, by }), { ok: (r) => ((this.samples = { ...r, by }), done()), fail });
    }
  }

  async cancel(): Promise<void> {
    try {
      await this.engine.request('mc.cancel', {});
    } catch (e) {
      this.error = errorText(e);
    }
  }

  /** The grid carries both measures; the samples are ranked by one, so switching asks again. */
  setMetric(m: McMetric): void {
    this.metric = m;
    if (this.target?.kind === 'samples' && this.samples && this.samples.by !== m) void this.run(m);
  }
}
