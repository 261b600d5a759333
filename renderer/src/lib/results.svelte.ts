/**
 * The Results view as UI state: which trained run and split are shown, and
 * what the engine's `results` says about them (loss, accuracy, confusion
 * matrix, examples, decision regions). Only the answer for the latest choice
 * is kept.
 */
import { untrack } from 'svelte';
import type { ResultOf } from '../../../engine/protocol.ts';
import type { EngineState } from './engine.svelte.ts';
import type { ProjectState, RunRecord } from './project.svelte.ts';
import { runsWithWeights } from './results-data.ts';
import { LatestRequest, errorText } from './latest-request.ts';

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
  private readonly latest = new LatestRequest();
  /** The run and split last asked about (answered or in flight). */
  private asked = '';

  constructor(private readonly engine: Pick<EngineState, 'request'>, private readonly project: Pick<ProjectState, 'doc'>) {}

  get runs(): RunRecord[] {
    const doc = this.project.doc;
    return doc ? runsWithWeights(doc.runs) : [];
  }

  get run(): RunRecord | null {
    const runs = this.runs;
    return runs.find((r) => r.id === this.picked) ?? runs[0] ?? null;
  }

  /** Asks about the shown run and split unless the answer is already here. Reads only those two, so an effect calling it follows them. */
  follow(): void {
    const id = this.run?.id ?? null;
    const split = this.split;
    untrack(() => {
      const key = JSON.stringify([id, split]);
      // A failed answer is asked again when the view comes back.
      if (key === this.asked && !this.error) return;
      this.asked = key;
      if (!id) {
        this.latest.drop();
        [this.results, this.loading, this.error] = [null, false, null];
        return;
      }
      this.loading = true;
      this.error = null;
      void this.latest.run(() => this.engine.request('results', { run_id: id, split, samples: SAMPLES, grid: RESULTS_GRID }), {
        ok: (r) => ([this.results, this.loading] = [r, false]),
        fail: (e) => ([this.results, this.error, this.loading] = [null, errorText(e), false]),
      });
    });
  }
}
