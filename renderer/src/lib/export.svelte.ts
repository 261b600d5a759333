/** Exporting a run (PyTorch code + weights, ONNX, metrics CSV) into a folder, as UI state: what was written, or why not. */
import type { ResultOf } from '../../../engine/protocol.ts';
import type { EngineState } from './engine.svelte.ts';
import { errorText } from './latest-request.ts';

export type ExportFormat = 'pytorch' | 'onnx' | 'csv';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['pytorch', 'onnx', 'csv'];

export class ExportState {
  format = $state<ExportFormat>('pytorch');
  busy = $state(false);
  done = $state.raw<ResultOf<'export'> | null>(null);
  error = $state<string | null>(null);

  constructor(private readonly engine: Pick<EngineState, 'request'>) {}

  async run(runId: string, dir: string): Promise<void> {
    if (this.busy) return;
    [this.busy, this.error, this.done] = [true, null, null];
    try {
      this.done = await this.engine.request('export', { run_id: runId, format: this.format, dir });
    } catch (e) {
      this.error = errorText(e);
    } finally {
      this.busy = false;
    }
  }
}
