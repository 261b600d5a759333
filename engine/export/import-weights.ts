/**
 * Importing weights saved by PyTorch (state_dict names, safetensors) into a
 * project as a new run. Every tensor is checked by name and shape first; a
 * file that does not fit the model is refused with the full per-tensor report
 * and the project is left as it was.
 */
import { buildModel } from '../nn/spec.ts';
import { describeReport, type StateDictReport } from '../nn/module.ts';
import { fitNormalizer, normalize } from '../data/pipeline.ts';
import type { FileSource } from '../data/catalog.ts';
import { evaluate } from '../train/trainer.ts';
import type { ProjectBundle, RunRecord } from '../project/project.ts';
import { newRunId, recordRun } from '../project/runs.ts';
import { decodeAsFloat32 } from './safetensors-dtypes.ts';
import { runSplits } from './pytorch.ts';

export class ImportError extends Error {
  constructor(message: string, readonly report: StateDictReport | null = null) {
    super(message);
    this.name = 'ImportError';
  }
}

/** Loads `bytes` into the project's model (strict=false) and reports what did not fit. */
export function checkWeights(b: ProjectBundle, bytes: Uint8Array, where: string) {
  const { tensors, metadata } = decodeAsFloat32(bytes, where);
  const { model } = buildModel(b.project.model, { seed: b.project.training.seed });
  const report = model.loadStateDict(tensors, false);
  const ok = report.missing.length + report.unexpected.length + report.wrongShape.length === 0;
  return { model, report, ok, metadata, tensors };
}

/** One line per tensor that does not fit, for people. */
export function reportLines(r: StateDictReport): string[] {
  return [
    ...r.missing.map((k) => `missing     ${k} (the model has it; the file does not)`),
    ...r.unexpected.map((k) => `unexpected  ${k} (in the file; the model has no such tensor)`),
    ...r.wrongShape.map((w) => `wrong shape ${w.name}: file [${w.got.join(', ')}], model [${w.expected.join(', ')}]`),
  ];
}

export interface ImportOptions {
  name?: string;
  /** When given, the run is evaluated on the project's test split (in eval mode). */
  files?: FileSource;
  now?: Date;
}

/** Adds the weights as a new run of the project's current model; throws ImportError with the report on any mismatch. */
export function importWeights(b: ProjectBundle, bytes: Uint8Array, where: string, o: ImportOptions = {}): RunRecord {
  const { model, report, ok } = checkWeights(b, bytes, where);
  if (!ok) {
    throw new ImportError(`${where} does not fit the model: ${describeReport(report)}\n${reportLines(report).join('\n')}\nrename the tensors to the model's state_dict names (dlab inspect shows the layer names) or change the model`, report);
  }
  model.eval();
  const p = b.project;
  let normalizer = null;
  let test: RunRecord['test'] = null;
  if (o.files) {
    const splits = runSplits({ dataset: p.dataset, settings: p.training }, o.files);
    normalizer = p.training.normalize ? fitNormalizer(splits.train) : null; // what train.py and the lab trained with
    if (splits.test.size > 0) test = evaluate(model, normalize(splits.test, normalizer), 256);
  }
  const now = o.now ?? new Date();
  const record = recordRun(b, {
    id: newRunId(now),
    name: o.name ?? `imported ${where.split('/').pop()}`,
    created: now.toISOString(),
    status: 'done',
    spec: p.model,
    dataset: p.dataset,
    settings: p.training,
    history: { epochs: [], step_losses: [], best_epoch: null, stopped_early: false },
    test,
    normalizer,
    checkpoint: { weights: new Map([...model.stateDict()].map(([k, t]) => [k, t.data.slice()])), optimizer: { step: 0, lr: 0, buffers: new Map() } },
    model,
  });
  record.note = `weights imported from ${where}`;
  return record;
}
