/**
 * The run in progress as UI state, fed by engine events: trainer state,
 * progress with ETA, per-epoch metrics and per-step losses. Events arrive as
 * messages, so the UI thread never waits on the engine; charts read these
 * arrays. A finished run joins the project (and so its file on Save).
 */
import type { EngineEvent, ResultOf } from '../../../engine/protocol.ts';
import { t } from '../i18n/index.svelte.ts';
import type { EngineState } from './engine.svelte.ts';
import type { ProjectState, RunRecord } from './project.svelte.ts';

export type EpochMetrics = Extract<EngineEvent, { type: 'epoch' }>['metrics'];
export type TrainerState = 'idle' | 'starting' | 'running' | 'paused' | 'cancelled' | 'done' | 'failed';
export type Progress = Omit<Extract<EngineEvent, { type: 'progress' }>, 'type' | 'run_id'>;

export class TrainingState {
  runId = $state<string | null>(null);
  state = $state<TrainerState>('idle');
  progress = $state.raw<Progress | null>(null);
  epochs = $state.raw<EpochMetrics[]>([]);
  steps = $state.raw<number[]>([]);
  error = $state<string | null>(null);
  test = $state.raw<{ loss: number; accuracy: number | null } | null>(null);
  /** Bumped on every new metric, so charts can update without diffing arrays. */
  tick = $state(0);
  readonly active = $derived(this.state === 'starting' || this.state === 'running' || this.state === 'paused');

  private pendingSteps: number[] = [];
  /** The project (by its `created` stamp) whose runs the shown curves belong to. */
  private shownFor: string | null = null;
  private flushQueued = false;

  constructor(private readonly engine: EngineState, private readonly project: ProjectState) {
    engine.onEvent((e) => this.onEvent(e));
  }

  async start(name?: string): Promise<ResultOf<'train.start'> | null> {
    const doc = this.project.doc;
    if (!doc || this.active) return null;
    this.state = 'starting';
    this.error = null;
    this.test = null;
    this.epochs = [];
    this.steps = [];
    this.pendingSteps = [];
    this.progress = null;
    this.shownFor = doc.created;
    this.tick++;
    try {
      const r = await this.engine.request('train.start', { spec: doc.model, dataset: doc.dataset, settings: doc.training, ...(name ? { name } : {}) });
      this.runId = r.run_id;
      if (this.state === 'starting') this.state = 'running';
      return r;
    } catch (e) {
      this.state = 'failed';
      this.error = e instanceof Error ? e.message : String(e);
      return null;
    }
  }

  async control(action: 'pause' | 'resume' | 'stop'): Promise<void> {
    try {
      await this.engine.request(`train.${action}`, {});
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    }
  }

  /** Shows a saved run's curves (from the project) as if it had just finished. */
  showRun(run: RunRecord): void {
    if (this.active) return;
    this.runId = run.id;
    this.state = run.status === 'running' ? 'cancelled' : run.status;
    this.epochs = run.history.epochs;
    this.steps = run.history.step_losses;
    this.test = run.test;
    this.progress = null;
    this.error = null;
    this.tick++;
  }

  /**
   * Keeps the shown curves in step with the open project: a project just opened
   * shows its latest run, one without runs shows none, a deleted run gives way
   * to the latest. A live run is never replaced, nor a failed one (its error
   * stays readable) while its project is open.
   */
  syncWithProject(doc: { created: string; runs: readonly RunRecord[] }): void {
    if (this.active) return;
    const sameProject = doc.created === this.shownFor;
    if (sameProject && (this.state === 'failed' || (this.runId !== null && doc.runs.some((r) => r.id === this.runId)))) return;
    this.shownFor = doc.created;
    const last = doc.runs.at(-1);
    if (last) this.showRun(last);
    else if (this.runId !== null || this.state !== 'idle') this.reset();
  }

  /** Nothing shown: no run, no curves. */
  reset(): void {
    this.runId = null;
    this.state = 'idle';
    this.epochs = [];
    this.steps = [];
    this.test = null;
    this.progress = null;
    this.error = null;
    this.tick++;
  }

  private onEvent(e: EngineEvent): void {
    if (e.type === 'engine-lost' && this.active) {
      this.state = 'failed';
      this.error = t('train.error.engineLost', { reason: e.reason });
      return;
    }
    if (!('run_id' in e) || e.run_id !== this.runId) return;
    switch (e.type) {
      case 'state':
        this.state = e.state;
        break;
      case 'progress':
        this.progress = { epoch: e.epoch, step: e.step, steps_total: e.steps_total, fraction: e.fraction, elapsed_s: e.elapsed_s, eta_s: e.eta_s };
        break;
      case 'steps':
        // The engine sends a batch every ~50 ms; fold them into one update per animation frame.
        for (const loss of e.losses) this.pendingSteps.push(loss);
        if (!this.flushQueued) {
          this.flushQueued = true;
          (globalThis.requestAnimationFrame ?? ((f: () => void) => setTimeout(f, 16)))(() => this.flush());
        }
        break;
      case 'epoch':
        this.flush();
        this.epochs = [...this.epochs, e.metrics];
        this.tick++;
        break;
      case 'finished':
        this.flush();
        this.state = e.status;
        this.test = e.test;
        this.error = e.error;
        if (e.run) this.project.addRun(e.run as RunRecord);
        break;
    }
  }

  private flush(): void {
    this.flushQueued = false;
    if (this.pendingSteps.length === 0) return;
    this.steps = [...this.steps, ...this.pendingSteps];
    this.pendingSteps = [];
    this.tick++;
  }
}
