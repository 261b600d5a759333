/**
 * The open project and its run weights (which stay in the engine): new, open,
 * save, adopt after a restart, the run list, export, and finding a run for the
 * requests that name one.
 */
import type { ParsedParamsOf, ResultOf } from '../protocol.ts';
import { buildModel, type ModelSpec } from '../nn/spec.ts';
import type { Sequential } from '../nn/module.ts';
import type { DatasetChoice } from '../data/catalog.ts';
import type { Normalizer } from '../data/pipeline.ts';
import type { TrainingSettings } from '../train/settings.ts';
import { newProject, ProjectSchema, putRunWeights, type ProjectBundle, type RunRecord } from '../project/project.ts';
import { crc32 } from '../project/crc32.ts';
import { DEFAULT_DATASET, templateSpec, templateTraining } from '../project/templates.ts';
import { findRun, loadRunModel } from '../project/runs.ts';
import { exportProject } from '../export/index.ts';
import { decodeCheckpoint } from './checkpoint-file.ts';
import type { DatasetCache } from './dataset-cache.ts';
import type { EngineHost } from './engine-host.ts';
import type { EventPacer } from './event-pacer.ts';
import { ReplyError } from './reply-error.ts';

/** A trained run's model with its weights, ready to run. */
export interface LoadedRun {
  model: Sequential;
  normalizer: Normalizer | null;
  runId: string;
  spec: ModelSpec;
  dataset: DatasetChoice;
  settings: TrainingSettings;
}

export class ProjectSession {
  bundle: ProjectBundle;

  constructor(private readonly host: EngineHost, private readonly datasets: DatasetCache, private readonly events: EventPacer) {
    this.bundle = this.newBundle('mlp');
  }

  /** The run by id or name (the latest trained one when omitted); 'not-found' when there is none. */
  findRun(runId: string | undefined): RunRecord {
    try {
      return findRun(this.bundle, runId);
    } catch (e) {
      throw new ReplyError('not-found', (e as Error).message);
    }
  }

  loadRun(runId: string | undefined): LoadedRun {
    const run = this.findRun(runId);
    const { model, normalizer } = loadRunModel(this.bundle, run);
    return { model, normalizer, runId: run.id, spec: run.spec, dataset: run.dataset, settings: run.settings };
  }

  /** The run's weight entry, kept where a fresh engine finds it (project.adopt). */
  keepRunWeights(run: RunRecord): void {
    const bytes = run.weights && this.bundle.files.get(run.weights.file);
    if (!bytes) return;
    try {
      this.host.checkpoints.save(`${run.id}-final`, bytes);
    } catch (e) {
      this.events.event({ type: 'log', level: 'warn', message: `the weights of ${run.id} were not kept for crash recovery: ${(e as Error).message}` });
    }
  }

  private newBundle(template: 'mlp' | 'cnn' | 'transformer' | 'blank', dataset?: DatasetChoice, name?: string): ProjectBundle {
    const ds = dataset ?? DEFAULT_DATASET[template];
    const d = this.datasets.load(ds).data;
    const shape = { inputShape: d.inputShape, classes: d.task === 'classification' ? d.classNames.length : d.targetDim, vocab: d.vocabSize };
    return newProject({ name: name ?? 'Untitled', model: templateSpec(template, shape), dataset: ds, training: templateTraining(template, shape) });
  }

  /** Counts New/Open, so a New still importing its dataset never replaces a project opened meanwhile. */
  private loads = 0;

  async new(p: ParsedParamsOf<'project.new'>): Promise<ResultOf<'project.new'>> {
    const seq = ++this.loads;
    // Imported with progress events and cancellable, not in one blocking step; newBundle then finds it cached.
    await this.datasets.prepare(p.dataset ?? DEFAULT_DATASET[p.template]);
    if (seq !== this.loads) throw new ReplyError('cancelled', 'another project was opened or created while this one was importing its dataset; it was not made');
    this.bundle = this.newBundle(p.template, p.dataset, p.name);
    return { doc: this.bundle.project };
  }

  /** The project opens even when its data source moved or changed; `data_missing` then says which and where. */
  open(p: ParsedParamsOf<'project.open'>): ResultOf<'project.open'> {
    const path = this.host.resolvePath(p.path, 'open');
    this.bundle = this.host.openProject(path);
    this.loads++;
    return { path, doc: this.bundle.project, data_missing: this.datasets.missing(this.bundle.project.dataset) };
  }

  save(p: ParsedParamsOf<'project.save'>): ResultOf<'project.save'> {
    const path = this.host.resolvePath(p.path, 'save');
    const doc = ProjectSchema.parse(p.doc);
    const files = new Map([...this.bundle.files].filter(([f]) => doc.runs.some((r) => r.weights?.file === f)));
    this.bundle = { project: doc, files };
    return { path, bytes: this.host.saveProject(path, this.bundle) };
  }

  /**
   * Run weights come back from, in turn: this engine's bundle, the project
   * file the window names (runs saved there were never in this engine's run
   * store: issue #17), the run store, a training checkpoint. A candidate is
   * taken only when it matches the run record's CRC-32.
   */
  adopt(p: ParsedParamsOf<'project.adopt'>): ResultOf<'project.adopt'> {
    const path = p.path === null ? null : this.host.resolvePath(p.path, 'open');
    let onDisk: Map<string, Uint8Array> | null | undefined;
    const fromDisk = (file: string): Uint8Array | undefined => {
      if (onDisk === undefined) onDisk = path === null ? null : this.weightsOnDisk(path);
      return onDisk?.get(file);
    };
    const files = new Map<string, Uint8Array>();
    const restored: string[] = [];
    const missing: string[] = [];
    for (const r of p.doc.runs) {
      if (!r.weights) continue;
      const { file, crc32: want } = r.weights;
      const sources = [() => this.bundle.files.get(file), () => fromDisk(file), () => this.host.checkpoints.load(`${r.id}-final`), () => this.runWeightsFromCheckpoint(r)];
      let kept: Uint8Array | null = null;
      for (const source of sources) {
        const bytes = source();
        if (bytes && crc32(bytes) === want) {
          kept = bytes;
          break;
        }
      }
      if (kept) {
        files.set(file, kept);
        restored.push(r.id);
      } else missing.push(r.id);
    }
    this.bundle = { project: p.doc, files };
    return { restored, missing };
  }

  /** The run entries of the project file at `path`, or null (with a warning) when it cannot be opened. */
  private weightsOnDisk(path: string): Map<string, Uint8Array> | null {
    try {
      return this.host.openProject(path).files;
    } catch (e) {
      this.events.event({ type: 'log', level: 'warn', message: `run weights could not be restored from ${path}: ${(e as Error).message}` });
      return null;
    }
  }

  /** A run that was still training when the engine died: its last checkpoint's weights, re-encoded as the record expects. */
  private runWeightsFromCheckpoint(r: RunRecord): Uint8Array | null {
    const bytes = this.host.checkpoints.load(r.id);
    if (!bytes) return null;
    try {
      const { checkpoint } = decodeCheckpoint(bytes, `checkpoint of ${r.id}`);
      const { model } = buildModel(r.spec as ModelSpec, { seed: r.settings.seed });
      const shapes = new Map([...model.stateDict()].map(([k, t]) => [k, [...t.shape]]));
      const scratch: ProjectBundle = { project: this.bundle.project, files: new Map() };
      putRunWeights(scratch, r.id, new Map([...checkpoint.weights].map(([k, d]) => [k, { shape: shapes.get(k) ?? [d.length], data: d }])), checkpoint.optimizer);
      return scratch.files.get(`runs/${r.id}.safetensors`) ?? null;
    } catch {
      return null;
    }
  }

  runsList(): ResultOf<'runs.list'> {
    return {
      runs: this.bundle.project.runs.map((r) => ({ id: r.id, name: r.name, status: r.status, created: r.created, epochs: r.history.epochs.length, test: r.test, has_weights: r.weights !== null })),
    };
  }

  exportRun(p: ParsedParamsOf<'export'>): ResultOf<'export'> {
    const dir = this.host.resolvePath(p.dir, 'export');
    const run = this.findRun(p.run_id);
    if (p.format !== 'csv' && !run.weights) throw new ReplyError('failed', `run '${run.name}' (${run.id}) has no weights to export (it stopped before its first epoch ended); export its metrics as CSV or train it again`);
    // Export from the run's dataset file as this engine resolves it, so train.py gets the same split.
    const scratch: ProjectBundle = { project: { ...this.bundle.project, runs: [{ ...run, dataset: this.datasets.resolved(run.dataset) }] }, files: this.bundle.files };
    const out = exportProject(scratch, { format: p.format, run: run.id }, this.host.files);
    return { dir, files: this.host.writeExport(dir, out.files), notes: out.notes };
  }
}
