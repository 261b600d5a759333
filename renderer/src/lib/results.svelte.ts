/**
 * The Results view as UI state: which trained run and split are shown, and
 * what the engine's `results` says about them (loss, accuracy, confusion
 * matrix, examples, decision regions). Only the answer for the latest choice
 * is kept. The run's dataset may be a folder of pictures not imported yet:
 * its import shows here with Cancel, and a cancelled one is not imported
 * again behind the user's back.
 */
import { untrack } from 'svelte';
import type { ResultOf } from '../../../engine/protocol.ts';
import type { EngineState } from './engine.svelte.ts';
import type { ProjectState, RunRecord } from './project.svelte.ts';
import type { DatasetChoice } from './data-choice.ts';
import { DatasetImport } from './dataset-import.svelte.ts';
import { runsWithWeights } from './results-data.ts';
import { LatestRequest, errorText, wasCancelled } from './latest-request.ts';

export type Split = 'test' | 'val' | 'train';
export const SPLITS: readonly Split[] = ['test', 'val', 'train'];
/** Cells per side of the decision-region grid (2-D data). */
export const RESULTS_GRID = 120;
const SAMPLES = 48;

export class ResultsState {
  /** The run the user picked (null: the newest with weights). */
  picked = $state<string | null>(null);
  split = $state<Split>('test');
  results = $state.raw<ResultOf<'results'> | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);
  /** The dataset whose import the user cancelled here (JSON), until Import again. */
  private cancelledHere = $state<string | null>(null);
  readonly importing: DatasetImport;
  private readonly latest = new LatestRequest();
  /** The run and split last asked about (answered or in flight). */
  private asked = '';

  /** `cancelled` says whether the user cancelled the import of a dataset in the Data view: it is not imported here behind their back. */
  constructor(
    private readonly engine: Pick<EngineState, 'request' | 'onEvent'>,
    private readonly project: Pick<ProjectState, 'doc' | 'creating'>,
    private readonly cancelled: (dataset: DatasetChoice) => boolean = () => false,
  ) {
    this.importing = new DatasetImport(engine, () => this.loading && project.creating === 0);
    this.importing.follow(); // for the app's lifetime, as this state's
  }

  /** The shown run's dataset import was cancelled (here or in the Data view): nothing is asked until it is imported again. */
  get importCancelled(): boolean {
    const d = this.run?.dataset;
    return d !== undefined && (this.cancelledHere === JSON.stringify(d) || this.cancelled(d));
  }

  /** Import again after a cancel here: asks anew. */
  retry(): void {
    this.cancelledHere = null;
    this.asked = '';
    this.follow();
  }

  get runs(): RunRecord[] {
    const doc = this.project.doc;
    return doc ? runsWithWeights(doc.runs) : [];
  }

  get run(): RunRecord | null {
    const runs = this.runs;
    return runs.find((r) => r.id === this.picked) ?? runs[0] ?? null;
  }

  /** Asks about the shown run and split unless the answer is already here. Reads only those two (and whether their import was cancelled), so an effect calling it follows them. */
  follow(): void {
    const id = this.run?.id ?? null;
    const split = this.split;
    const cancelled = this.importCancelled;
    untrack(() => {
      const key = JSON.stringify([id, split]);
      // A failed answer is asked again when the view comes back.
      if (key === this.asked && !this.error) return;
      this.asked = cancelled ? '' : key;
      if (!id || cancelled) {
        this.latest.drop();
        [this.results, this.loading, this.error] = [null, false, null];
        return;
      }
      this.loading = true;
      this.error = null;
      const dataset = JSON.stringify(this.run?.dataset);
      const done = () => ((this.loading = false), this.importing.clear());
      void this.latest.run(() => this.engine.request('results', { run_id: id, split, samples: SAMPLES, grid: RESULTS_GRID }), {
        ok: (r) => ((this.results = r), done()),
        fail: (e) => {
          this.results = null;
          if (wasCancelled(e)) [this.cancelledHere, this.asked] = [dataset, ''];
          else this.error = errorText(e);
          done();
        },
      });
    });
  }
}
