/**
 * The engine's dataset import (a folder of pictures) as one place in the app
 * shows it: its latest `dataset-progress` while that place is waiting for it
 * (a preview, a training start, a New), and Cancel. The engine runs one import
 * at a time, so `dataset.cancel` needs no id; two places waiting for it would
 * show two bars for it, so while a New waits (ProjectState.creating) only the
 * New's shows.
 */
import type { EngineEvent } from '../../../engine/protocol.ts';
import type { EngineState } from './engine.svelte.ts';

export type ImportProgressEvent = Extract<EngineEvent, { type: 'dataset-progress' }>;

export class DatasetImport {
  /** The latest progress, or null: none under way, finished, or not this place's to show. */
  progress = $state.raw<ImportProgressEvent | null>(null);

  /** `waiting` says whether this place waits for an import now (read at each event). */
  constructor(
    private readonly engine: Pick<EngineState, 'onEvent' | 'request'>,
    private readonly waiting: () => boolean,
  ) {}

  /** Follows the engine's events; returns the unsubscribe function (an `$effect` returns it). */
  follow(): () => void {
    return this.engine.onEvent((e) => {
      if (e.type === 'dataset-progress') this.progress = this.waiting() && e.done < e.total ? e : null;
    });
  }

  /** The wait is over (imported, failed or cancelled): a stale bar never shows at the next one. */
  clear(): void {
    this.progress = null;
  }

  /** Stops the import; the request waiting for it then fails with 'cancelled'. */
  cancel(): void {
    void this.engine.request('dataset.cancel', {}).catch(() => {});
  }
}
