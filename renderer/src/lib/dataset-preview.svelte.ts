/**
 * The Data view's preview as UI state: the engine's `dataset.preview` of the
 * project's data choice, asked a beat after the last change (only the latest
 * answer kept); a folder's import progress while the preview waits for it,
 * Cancel (`dataset.cancel`: the preview then fails with 'cancelled') and
 * "Import again"; a source that moved or changed (the engine's data_missing),
 * offered to be chosen again.
 */
import { untrack } from 'svelte';
import { EngineRequestError } from '../../../engine/host/client.ts';
import type { MissingSource } from '../../../engine/data/source-missing.ts';
import type { EngineState } from './engine.svelte.ts';
import type { ProjectState } from './project.svelte.ts';
import { isFileSet, previewCount, type DatasetChoice, type Preview } from './data-choice.ts';
import { LatestRequest, errorText, wasCancelled } from './latest-request.ts';
import { DatasetImport } from './dataset-import.svelte.ts';

export const PREVIEW_DELAY_MS = 200;

export class DatasetPreviewState {
  preview = $state.raw<Preview | null>(null);
  error = $state<string | null>(null);
  loading = $state(false);
  /** The user cancelled the import the preview waited for. */
  cancelled = $state(false);
  /** The engine's import in progress (a folder of pictures), while the preview waits for it; its Cancel. */
  readonly importing: DatasetImport;
  /** The project's file or folder moved or changed (the engine says which). */
  missing = $state.raw<MissingSource | null>(null);
  private asked = '';
  private readonly latest = new LatestRequest();

  constructor(private readonly engine: Pick<EngineState, 'request' | 'onEvent'>, private readonly project: Pick<ProjectState, 'doc' | 'setDataset' | 'creating'>, private readonly delay = PREVIEW_DELAY_MS) {
    this.importing = new DatasetImport(engine, () => this.loading && project.creating === 0);
    this.importing.follow(); // for the app's lifetime, as this state's
  }

  /**
   * Previews the project's data choice unless it is the one already shown. Reads only the choice (by value, so
   * edits elsewhere in the project, which replace the doc, do not reload it): an effect calling it follows the choice.
   */
  follow(): void {
    const key = JSON.stringify(this.project.doc?.dataset ?? null);
    untrack(() => {
      // A failed preview is asked again when the view comes back.
      if (key !== this.asked || this.error) this.load(key);
    });
  }

  /** Whether the user cancelled the import of this choice: other views do not import it behind their back, they offer Import again. */
  cancelledFor(choice: DatasetChoice): boolean {
    return this.cancelled && JSON.stringify(choice) === this.asked;
  }

  /** Previews (and so imports) the same choice anew, after a cancel. */
  retry(): void {
    this.load(this.asked);
  }

  /**
   * Points the project's source at `path` (chosen again in Electron's dialog or the web host's prompt) and imports
   * it; the same path as before is looked at anew.
   */
  chooseAgain(path: string, describe: (path: string) => string): void {
    const choice = this.project.doc?.dataset;
    if (!choice || !('path' in choice) || !isFileSet(choice.id)) return;
    if (path === choice.path) this.retry();
    else this.project.setDataset({ ...choice, path }, describe(path));
  }

  private load(key: string): void {
    this.asked = key;
    const choice = JSON.parse(key) as DatasetChoice | null;
    if (!choice) return;
    this.cancelled = false;
    this.loading = true;
    const settle = (preview: Preview | null, error: string | null, cancelled = false, missing: MissingSource | null = null) => {
      [this.preview, this.error, this.cancelled, this.missing, this.loading] = [preview, error, cancelled, missing, false];
      this.importing.clear();
    };
    void this.latest.run(() => this.engine.request('dataset.preview', { dataset: choice, count: previewCount(choice.id) }), {
      ok: (r) => settle(r, null),
      fail: (e) => {
        const stopped = wasCancelled(e);
        const missing = e instanceof EngineRequestError ? e.dataMissing : null;
        settle(null, stopped || missing ? null : errorText(e), stopped, missing);
      },
    }, this.delay);
  }
}
