/**
 * The Train/Eval view as UI state. The switch's mode (model.train() /
 * model.eval()) lives here, beyond the view: the advisor warns when a model
 * in train mode is evaluated or exported elsewhere; a PyTorch module starts in
 * train mode, and so does this. One sample of the latest trained run (or the
 * untrained model) is traced layer by layer through `inspect`; "Run again"
 * draws a new seed, and each forward joins a short history in the order the
 * runs were asked for. MC-dropout on the same sample (`predict` with passes).
 * The dataset may not be loaded in the engine any more (evicted from its
 * cache, or a restarted engine): its import shows while these wait, with
 * Cancel, and a cancelled one is not imported again behind the user's back.
 */
import { untrack } from 'svelte';
import type { ParamsOf, ResultOf } from '../../../engine/protocol.ts';
import type { EngineState } from './engine.svelte.ts';
import type { ProjectState } from './project.svelte.ts';
import type { DatasetChoice } from './data-choice.ts';
import { DatasetImport } from './dataset-import.svelte.ts';
import { latestRunWithWeights } from './results-data.ts';
import { compareLast, makeEntry, pushEntry, type Mode, type RunEntry } from './mode-runs.ts';
import { LatestRequest, errorText, wasCancelled } from './latest-request.ts';

export type Trace = ResultOf<'inspect'>;
export type ModelSource = ParamsOf<'inspect'>['model'];
export type McStats = NonNullable<ResultOf<'predict'>['mc']>;

export const MC_PREDICT_PASSES = 30;

export class ModesState {
  mode = $state<Mode>('train');
  index = $state(0);
  seed = $state(0);
  trace = $state.raw<Trace | null>(null);
  error = $state<string | null>(null);
  entries = $state.raw<RunEntry[]>([]);
  /** The dataset shown (its size and class names), for the sample picker. */
  info = $state.raw<ResultOf<'dataset.preview'> | null>(null);
  /** The last MC-dropout answer, with the context it was asked in. */
  mc = $state.raw<{ key: string; stats: McStats } | null>(null);
  mcBusy = $state(false);
  mcError = $state<string | null>(null);
  readonly importing: DatasetImport;

  private made = 0;
  private shownKey = '';
  /** The context and mode last traced: coming back to the view shows that trace rather than running again. */
  private followed = '';
  private infoFor = '';
  private queue: Promise<void> = Promise.resolve();
  private readonly preview = new LatestRequest();
  /** The dataset whose import the user cancelled here (JSON), until Import again. */
  private cancelledHere = $state<string | null>(null);
  /** Requests in flight that may import the dataset (the info preview, inspect, predict). */
  private waiting = 0;

  /** `cancelled` says whether the user cancelled the import of a dataset in the Data view: it is not imported here behind their back. */
  constructor(
    private readonly engine: Pick<EngineState, 'request' | 'onEvent'>,
    private readonly project: Pick<ProjectState, 'doc' | 'creating'>,
    private readonly cancelled: (dataset: DatasetChoice) => boolean = () => false,
  ) {
    this.importing = new DatasetImport(engine, () => this.waiting > 0 && project.creating === 0);
    this.importing.follow(); // for the app's lifetime, as this state's
  }

  /** The dataset's import was cancelled (here or in the Data view): nothing is asked until it is imported again (the view offers to). */
  get importCancelled(): boolean {
    const d = this.dataset;
    return d !== null && (this.cancelledHere === JSON.stringify(d) || this.cancelled(d));
  }

  /** Import again after a cancel here: the sample is traced, and the dataset's size read, anew. */
  retry(): void {
    [this.cancelledHere, this.followed, this.infoFor] = [null, '', ''];
    this.follow();
  }

  /** The latest run with weights, or null: the untrained model is shown. */
  get run() {
    const doc = this.project.doc;
    return doc ? latestRunWithWeights(doc.runs) : null;
  }

  get dataset() {
    return this.run?.dataset ?? this.project.doc?.dataset ?? null;
  }

  get model(): ModelSource | null {
    const run = this.run;
    if (run) return { run_id: run.id };
    const doc = this.project.doc;
    return doc ? { spec: doc.model, seed: 0 } : null;
  }

  /** The model and sample the history belongs to: a change starts a new history. */
  get contextKey(): string {
    const run = this.run;
    return JSON.stringify([run ? run.id : this.project.doc?.model, this.dataset, this.index]);
  }

  get size(): number {
    return this.info?.size ?? 0;
  }

  get classNames(): string[] {
    return this.info?.task === 'classification' ? this.info.class_names : [];
  }

  get comparison() {
    return compareLast(this.entries);
  }

  /** The MC-dropout answer about what is shown now (null once the model or sample changed). */
  get mcShown(): McStats | null {
    return this.mc && this.mc.key === this.contextKey ? this.mc.stats : null;
  }

  /**
   * Brings the view up to date with the project: the dataset's size and classes, and the sample traced once more
   * (a new model or sample clears the history first). Reads only the model, dataset, sample and mode, so an effect
   * calling it re-runs when one of them changes.
   */
  follow(): void {
    const key = this.contextKey;
    const at = JSON.stringify([key, this.mode]);
    if (this.importCancelled) return;
    untrack(() => {
      this.loadInfo();
      if (at === this.followed) return;
      this.followed = at;
      if (key !== this.shownKey) {
        this.shownKey = key;
        this.entries = [];
        this.trace = null;
      }
      this.enqueue();
    });
  }

  runAgain(): void {
    this.seed++;
    this.enqueue();
  }

  setMode(mode: Mode): void {
    this.mode = mode;
  }

  setIndex(v: number): void {
    if (Number.isFinite(v)) this.index = Math.max(0, Math.min(Math.max(0, this.size - 1), Math.round(v)));
  }

  /** MC-dropout on the shown sample: T passes with only the dropout-like layers in train mode. */
  async predictMc(passes = MC_PREDICT_PASSES): Promise<void> {
    const model = this.model;
    const dataset = this.dataset;
    if (!model || !dataset || this.importCancelled) return;
    const key = this.contextKey;
    this.mcBusy = true;
    this.mcError = null;
    try {
      const r = await this.mayImport(dataset, () => this.engine.request('predict', { model, input: { dataset, index: this.index }, mc: { passes } }));
      if (r?.mc) this.mc = { key, stats: r.mc };
    } catch (e) {
      this.mcError = errorText(e);
    } finally {
      this.mcBusy = false;
    }
  }

  private loadInfo(): void {
    const dataset = this.dataset;
    const key = JSON.stringify(dataset);
    if (!dataset || key === this.infoFor) return;
    this.infoFor = key;
    void this.preview.run(() => this.mayImport(dataset, () => this.engine.request('dataset.preview', { dataset, count: 1 })), {
      ok: (r) => {
        if (!r) return; // import cancelled: asked again on Import again
        this.info = r;
        if (this.index >= r.size) this.index = 0;
      },
      fail: (e) => {
        this.info = null;
        this.infoFor = '';
        this.error = errorText(e);
      },
    });
  }

  /** One forward with the current choices; queued, so presses land in the history in order. */
  private enqueue(): void {
    const model = this.model;
    const dataset = this.dataset;
    if (!model || !dataset || this.importCancelled) return;
    const key = this.contextKey;
    const params = { model, input: { dataset, index: this.index }, mode: this.mode, seed: this.seed };
    this.queue = this.queue.then(async () => {
      try {
        const r = await this.mayImport(dataset, () => this.engine.request('inspect', params));
        if (!r || key !== this.contextKey) return;
        const last = r.layers.at(-1)?.output ?? r.input;
        this.trace = r;
        this.error = null;
        this.entries = pushEntry(this.entries, makeEntry(++this.made, params.mode, params.seed, last.data));
      } catch (e) {
        if (key === this.contextKey) this.error = errorText(e);
      }
    });
  }

  /**
   * A request that may import the dataset: the import's bar shows while it waits. Null when the import was
   * cancelled (with the bar's Cancel, or stopped by another import): the view then offers Import again.
   */
  private async mayImport<T>(dataset: DatasetChoice, ask: () => Promise<T>): Promise<T | null> {
    this.waiting++;
    try {
      return await ask();
    } catch (e) {
      // This view offers no other Cancel: a cancelled request here is its dataset's import.
      if (!wasCancelled(e)) throw e;
      this.cancelledHere = JSON.stringify(dataset);
      return null;
    } finally {
      if (--this.waiting === 0) this.importing.clear();
    }
  }
}
