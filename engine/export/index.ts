/**
 * Leaving the lab (and coming back): the one entry point the CLI and the app's
 * File → Export use. Every export is a map of file names to bytes; the caller
 * decides where they go. PNG charts are drawn and exported by the UI.
 */
import type { FileSource } from '../data/catalog.ts';
import { buildModel } from '../nn/spec.ts';
import type { ProjectBundle } from '../project/project.ts';
import { findRun, loadRunModel } from '../project/runs.ts';
import { exportOnnx } from './onnx/export.ts';
import { exportPytorch, exportSource, runSplits, type ExportFiles } from './pytorch.ts';
import { fitNormalizer } from '../data/pipeline.ts';
import { metricsFiles } from './metrics-csv.ts';
import { ExportError } from './pytorch-model.ts';

export const EXPORT_FORMATS = ['pytorch', 'onnx', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportRequest {
  format: ExportFormat;
  /** Run id or name; the latest trained run by default, the untrained project when there is none. */
  run?: string;
}

export function exportProject(b: ProjectBundle, req: ExportRequest, files: FileSource): ExportFiles & { run: string | null } {
  if (req.format === 'csv') {
    if (b.project.runs.length === 0) throw new ExportError('this project has no runs yet, so there are no metrics to export; train it first');
    const runs = req.run === undefined ? b.project.runs : [findRun(b, req.run)];
    return { files: metricsFiles(runs), notes: [], run: req.run ?? null };
  }
  const hasRuns = b.project.runs.some((r) => r.weights);
  const run = req.run !== undefined || hasRuns ? findRun(b, req.run) : null;
  if (run?.weights) loadRunModel(b, run); // refuses stored tensors or a normaliser that do not fit the run's model
  const source = exportSource(b, run);
  if (req.format === 'pytorch') return { ...exportPytorch(source, files), run: source.runId };
  const weights = source.weights ?? new Map([...buildModel(source.spec, { seed: source.settings.seed }).model.stateDict()].map(([k, t]) => [k, { shape: [...t.shape], data: t.data }]));
  // Before any run, standardise as the trainer will (fitted on the training split).
  const normalizer = source.runId || !source.settings.normalize ? source.normalizer : fitNormalizer(runSplits(source, files).train);
  const onnx = exportOnnx(source.spec, { title: source.title, weights, normalizer });
  return { files: new Map([['model.onnx', onnx]]), notes: source.weights ? [] : ['the project has no trained run: the ONNX model holds the initial weights'], run: source.runId };
}

export { ExportError } from './pytorch-model.ts';
export { exportPytorch, exportSource, type ExportFiles, type ExportSource } from './pytorch.ts';
export { exportOnnx, onnxUnsupportedKinds, ONNX_INPUT, ONNX_OUTPUT } from './onnx/export.ts';
export { importWeights, checkWeights, reportLines, ImportError } from './import-weights.ts';
export { metricsCsv, stepLossesCsv } from './metrics-csv.ts';
