/**
 * The sweep in progress as UI state, fed by engine events as TrainingState is:
 * which run is training, progress with ETA, and the recommendation when it
 * ends. Each finished run joins the project at once (sweep-run carries its
 * record), so a crash loses at most the run in progress once the user saves.
 * The form (what to vary, p values, seeds) and the judging choice live here
 * too, so they survive switching views.
 */
import type { EngineEvent } from '../../../engine/protocol.ts';
import { t } from '../i18n/index.svelte.ts';
import type { EngineState } from './engine.svelte.ts';
import type { ProjectState, RunRecord } from './project.svelte.ts';
import type { TrainingState } from './training.svelte.ts';
import type { JudgeAt, Recommendation, SweepMetric } from './compare.ts';
import { DEFAULT_P, runCount, toPlan, type SweepForm } from './sweep-setup.ts';

export type SweepStatus = 'idle' | 'starting' | 'running' | 'cancelling' | 'done' | 'cancelled' | 'failed';
export type SweepProgress = Omit<Extract<EngineEvent, { type: 'sweep-progress' }>, 'type'>;

export class SweepState {
  state = $state<SweepStatus>('idle');
  sweepId = $state<string | null>(null);
  runsTotal = $state(0);
  runsDone = $state(0);
  progress = $state.raw<SweepProgress | null>(null);
  /** The runs training right now (several at once on several cores), by plan index, with their labels. */
  running = $state.raw<Map<number, string>>(new Map());
  /** Seconds left, from the time so far and the fraction done (null until there is something to go on). */
  etaS = $state<number | null>(null);
  error = $state<string | null>(null);
  /** The engine's recommendation per sweep id, for this session's sweeps. */
  recommendations = $state.raw<Record<string, Recommendation>>({});
  /** Eval-mode training loss/accuracy per run id, known only from live events (a saved run does not keep it). */
  trainEval = $state.raw<Record<string, { loss: number; accuracy: number | null }>>({});

  form = $state<SweepForm>({ vary: 'layers', layers: [], tie: 'tied', placements: ['after-linear'], p: [...DEFAULT_P], seeds: 3, epochs: null });
  metric = $state<SweepMetric>('val_loss');
  /** Final by default: judging at each run's best epoch is early stopping, which hides much of dropout's effect (#8). */
  at = $state<JudgeAt>('final');
  /** The sweep Compare shows (null: the newest). */
  selected = $state<string | null>(null);

  readonly active = $derived(this.state === 'starting' || this.state === 'running' || this.state === 'cancelling');
  readonly runs = $derived(runCount(this.form));

  private startedAt = 0;
  /** Whether the user has chosen layers by hand (then an empty choice stays empty). */
  private layersChosen = false;

  constructor(
    private readonly engine: EngineState,
    private readonly project: ProjectState,
    private readonly training: Pick<TrainingState, 'active'>,
    private readonly now: () => number = () => performance.now(),
  ) {
    engine.onEvent((e) => this.onEvent(e));
  }

  /** Follows the model: layers it no longer has are dropped; with none chosen yet, its first dropout layer is. */
  syncLayers(available: readonly string[]): void {
    const kept = this.form.layers.filter((l) => available.includes(l));
    if (kept.length !== this.form.layers.length) this.form.layers = kept;
    if (!kept.length && !this.layersChosen && available.length) this.form.layers = [available[0]];
  }

  toggleLayer(path: string, on: boolean): void {
    this.layersChosen = true;
    this.form.layers = on ? [...new Set([...this.form.layers, path])] : this.form.layers.filter((l) => l !== path);
  }

  /** Why Start cannot go now (an i18n key under experiments.why.), or null. */
  get blocked(): string | null {
    if (this.engine.status.state !== 'connected') return 'engine';
    if (this.active) return 'running';
    if (this.training.active) return 'training';
    if (!this.project.doc) return 'engine';
    if (this.project.report && !this.project.report.ok) return 'invalid';
    if (this.runs === 0) return this.form.vary === 'layers' ? 'noLayer' : 'noPlacement';
    return null;
  }

  async start(): Promise<boolean> {
    const doc = this.project.doc;
    if (!doc || this.blocked) return false;
    this.state = 'starting';
    this.error = null;
    this.progress = null;
    this.etaS = null;
    this.runsDone = 0;
    this.running = new Map();
    this.startedAt = this.now();
    try {
      const r = await this.engine.request('sweep.start', { spec: doc.model, dataset: doc.dataset, settings: doc.training, plan: toPlan(this.form), metric: this.metric, at: this.at });
      this.sweepId = r.sweep_id;
      this.runsTotal = r.runs_total;
      this.selected = r.sweep_id;
      if (this.state === 'starting') this.state = 'running';
      return true;
    } catch (e) {
      this.state = 'failed';
      this.error = e instanceof Error ? e.message : String(e);
      return false;
    }
  }

  async cancel(): Promise<void> {
    if (!this.active) return;
    this.state = 'cancelling';
    try {
      await this.engine.request('sweep.cancel', {});
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    }
  }

  private onEvent(e: EngineEvent): void {
    if (e.type === 'engine-lost' && this.active) {
      this.state = 'failed';
      this.error = t('experiments.error.engineLost', { reason: e.reason });
      return;
    }
    if (!('sweep_id' in e) || e.sweep_id !== this.sweepId) return;
    switch (e.type) {
      case 'sweep-progress': {
        this.progress = { sweep_id: e.sweep_id, run_index: e.run_index, runs_total: e.runs_total, label: e.label, run_fraction: e.run_fraction, fraction: e.fraction };
        if (e.run_fraction < 1 && this.running.get(e.run_index) !== e.label) this.running = new Map(this.running).set(e.run_index, e.label);
        const elapsed = (this.now() - this.startedAt) / 1000;
        // A few percent in, the rate is a fair guess; earlier it mostly measures start-up.
        this.etaS = e.fraction > 0.02 ? (elapsed * (1 - e.fraction)) / e.fraction : null;
        break;
      }
      case 'sweep-run':
        this.trainEval = { ...this.trainEval, [e.run.id]: e.train_eval };
        this.runsDone = this.runsDone + 1;
        if (this.running.has(e.index)) {
          const left = new Map(this.running);
          left.delete(e.index);
          this.running = left;
        }
        this.project.addRun(e.run as RunRecord);
        break;
      case 'sweep-finished':
        this.state = e.status;
        this.error = e.error;
        this.running = new Map();
        this.etaS = null;
        if (e.recommendation) this.recommendations = { ...this.recommendations, [e.sweep_id]: e.recommendation };
        break;
    }
  }
}
