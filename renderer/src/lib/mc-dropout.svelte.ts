/**
 * Uncertainty by MC-dropout in the Results view, as UI state: T passes with
 * dropout kept on. 2-D data: `mc.grid` over the decision-region plane; other
 * classifiers: `mc.samples`, the most uncertain samples. Answers for an
 * earlier run, split or T are dropped. While it runs: progress with an ETA
 * from the engine's mc-progress events, and Cancel (`mc.cancel`; the request
 * then fails with 'cancelled'). The run's dataset may not be loaded in the
 * engine any more (evicted from its cache, or a restarted engine): its import
 * shows first, as the Results view's does, with its own Cancel.
 */
import type { ResultOf } from '../../../engine/protocol.ts';
import type { EngineState } from './engine.svelte.ts';
import type { ProjectState } from './project.svelte.ts';
import { DatasetImport } from './dataset-import.svelte.ts';
import type { McMetric } from './mc.ts';
import type { Split } from './results.svelte.ts';
import { LatestRequest, errorText, wasCancelled } from './latest-request.ts';

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
  /** The passes were cancelled (mc.cancel). */
  cancelled = $state(false);
  /** The import of the run's dataset was cancelled before any pass ran. */
  importCancelled = $state(false);
  progress = $state.raw<{ fraction: number; eta_s: number | null } | null>(null);
  grid = $state.raw<ResultOf<'mc.grid'> | null>(null);
  samples = $state.raw<(ResultOf<'mc.samples'> & { by: McMetric }) | null>(null);
  readonly importing: DatasetImport;
  private target: McTarget | null = null;
  private readonly latest = new LatestRequest();
  /** Which Cancel the user pressed in this run, to tell the two 'cancelled' failures apart. */
  private stopping: 'passes' | 'import' | null = null;

  constructor(private readonly engine: Pick<EngineState, 'request' | 'onEvent'>, project: Pick<ProjectState, 'creating'>) {
    engine.onEvent((e) => {
      if (e.type === 'mc-progress' && this.busy) this.progress = { fraction: e.fraction, eta_s: e.eta_s };
    });
    this.importing = new DatasetImport(engine, () => this.busy && project.creating === 0);
    this.importing.follow(); // for the app's lifetime, as this state's
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
    [this.grid, this.samples, this.error, this.busy, this.cancelled, this.importCancelled] = [null, null, null, false, false, false];
    this.importing.clear();
  }

  async run(by: McMetric = this.metric): Promise<void> {
    const target = this.target;
    const passes = this.passes;
    if (!target || !this.passesOk || passes === null || target.kind === 'regression') return;
    [this.busy, this.error, this.cancelled, this.importCancelled, this.progress, this.stopping] = [true, null, false, false, null, null];
    const { runId: run_id, split } = target;
    const done = () => ((this.busy = false), this.importing.clear());
    const fail = (e: unknown) => {
      if (wasCancelled(e)) {
        // The import's Cancel, or an import stopped before any pass (another one took over): the data is what was not read.
        if (this.stopping === 'import' || (this.stopping === null && this.progress === null)) this.importCancelled = true;
        else this.cancelled = true;
      } else this.error = errorText(e);
      done();
    };
    if (target.kind === 'grid') {
      await this.latest.run(() => this.engine.request('mc.grid', { run_id, split, grid: target.grid, passes }), { ok: (r) => ((this.grid = r), done()), fail });
    } else {
      await this.latest.run(() => this.engine.request('mc.samples', { run_id, split, passes, samples: SAMPLES, by }), { ok: (r) => ((this.samples = { ...r, by }), done()), fail });
    }
  }

  /** Stops the import of the run's dataset; the request then fails with 'cancelled'. */
  cancelImport(): void {
    this.stopping = 'import';
    this.importing.cancel();
  }

  async cancel(): Promise<void> {
    this.stopping = 'passes';
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
