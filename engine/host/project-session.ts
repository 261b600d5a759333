/**
 * The open project and its run weights: new, open, edit, save, the run list,
 * export, recovery, and finding a run for the requests that name one.
 *
 * The engine is the one owner of the project document: it records every run
 * and holds the run weights, which never travel to the renderer. The renderer
 * shows the document from replies and events and asks for each edit; this
 * session journals the document after every change (recovery-journal.ts), so
 * a restarted engine, not the renderer, brings unsaved work back.
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
import { describeZodError } from '../train/settings.ts';
import { findRun, loadRunModel } from '../project/runs.ts';
import { exportProject } from '../export/index.ts';
import { decodeCheckpoint } from './checkpoint-file.ts';
import type { DatasetCache } from './dataset-cache.ts';
import type { EngineHost } from './engine-host.ts';
import type { EventPacer } from './event-pacer.ts';
import { ReplyError } from './reply-error.ts';
import { RecoveryJournal, type Journal } from './recovery-journal.ts';

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
  /** Where the project was opened from or last saved to. */
  private path: string | null = null;
  private dirty = false;
  /** Runs whose weights the last recovery could not bring back (their records and curves stay). */
  private missing: string[] = [];
  /** Runs the last recovery could not bring back at all (their journal entry was missing or damaged), and why. */
  private lost: Journal['lost'] = [];
  private readonly journal: RecoveryJournal;

  constructor(private readonly host: EngineHost, private readonly datasets: DatasetCache, private readonly events: EventPacer) {
    this.journal = new RecoveryJournal(host.journal, host.pid, (message) => this.events.event({ type: 'log', level: 'warn', message }));
    this.bundle = this.newBundle('mlp');
    this.resumeOwnJournal();
  }

  /** After a change: journaled at once, so an engine that dies next loses nothing. */
  private changed(dirty: boolean): void {
    this.dirty = dirty;
    this.journal.write({ doc: this.bundle.project, path: this.path, dirty });
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

  /** A run was recorded into the project: its weights go to the run store, where a restarted engine finds them, and the document to the journal. */
  runRecorded(run: RunRecord): void {
    this.changed(true);
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
    this.loaded(null);
    return { doc: this.bundle.project };
  }

  /** The project opens even when its data source moved or changed; `data_missing` then says which and where. */
  open(p: ParsedParamsOf<'project.open'>): ResultOf<'project.open'> {
    const path = this.host.resolvePath(p.path, 'open');
    this.bundle = this.host.openProject(path);
    this.loads++;
    this.loaded(path);
    return { path, doc: this.bundle.project, data_missing: this.datasets.missing(this.bundle.project.dataset) };
  }

  private loaded(path: string | null): void {
    this.path = path;
    this.missing = [];
    this.lost = [];
    this.changed(false);
  }

  edit(p: ParsedParamsOf<'project.edit'>): ResultOf<'project.edit'> {
    this.bundle.project = { ...this.bundle.project, ...p };
    this.changed(true);
    return { dirty: true };
  }

  deleteRun(p: ParsedParamsOf<'runs.delete'>): ResultOf<'runs.delete'> {
    const run = this.findRun(p.run_id);
    if (run.weights) this.bundle.files.delete(run.weights.file);
    this.bundle.project = { ...this.bundle.project, runs: this.bundle.project.runs.filter((r) => r.id !== run.id) };
    this.changed(true);
    return { dirty: true };
  }

  save(p: ParsedParamsOf<'project.save'>): ResultOf<'project.save'> {
    const path = this.host.resolvePath(p.path, 'save');
    const { project } = this.bundle;
    this.bundle.files = new Map([...this.bundle.files].filter(([f]) => project.runs.some((r) => r.weights?.file === f)));
    const bytes = this.host.saveProject(path, this.bundle);
    this.path = path;
    this.changed(false);
    return { path, bytes, modified: this.bundle.project.modified };
  }

  current(): ResultOf<'project.current'> {
    // In Electron a restarted engine may start before the window's file grants reach it: look again.
    if (this.missing.length > 0) this.reattachWeights();
    return { doc: this.bundle.project, path: this.path, dirty: this.dirty, missing: this.missing, lost: this.lost };
  }

  offerRecovery(): ResultOf<'project.recovery'> {
    const j = this.journal.offer();
    const doc = ProjectSchema.safeParse(j?.doc);
    return { offer: j && { session: j.session, name: doc.success ? doc.data.name : null, path: j.path, saved_at: j.saved_at } };
  }

  /** Restores unsaved work an engine that is gone left behind (its journal is taken, so no other engine offers it again), or forgets it. */
  recover(p: ParsedParamsOf<'project.recover'>): ResultOf<'project.recover'> {
    if (!p.accept) {
      this.journal.discard(p.session);
      return this.current();
    }
    const j = this.journal.take(p.session);
    if (!j) throw new ReplyError('not-found', 'that unsaved work is no longer there (another window may have restored it)');
    try {
      this.restore(j);
    } catch (e) {
      this.changed(this.dirty); // the taken copy is this session's journal now: the open project's replaces it
      throw e;
    }
    this.journal.resumed(this.bundle.project.runs);
    this.changed(true);
    return this.current();
  }

  /** A restarted engine takes its window's project back from the journal its predecessor kept. */
  private resumeOwnJournal(): void {
    const j = this.journal.own();
    if (!j) return;
    try {
      this.restore(j);
      this.journal.resumed(this.bundle.project.runs);
      this.dirty = j.dirty;
    } catch (e) {
      this.events.event({ type: 'log', level: 'error', message: `the project could not be restored after the engine restarted: ${(e as Error).message}` });
    }
  }

  /** The journal's document with every run's weights that can be found again; `missing` names the others, `lost` the runs whose entry was lost. */
  private restore(j: Journal): void {
    const parsed = ProjectSchema.safeParse(j.doc);
    if (!parsed.success) throw new ReplyError('failed', `the recovery copy of ${j.path ?? 'an unsaved project'} is damaged (${describeZodError(parsed.error)}); it was removed`);
    this.bundle = { project: parsed.data, files: this.bundle.files };
    this.path = j.path;
    this.lost = j.lost;
    this.reattachWeights();
  }

  private reattachWeights(): void {
    const { files, missing } = this.findWeights(this.bundle.project, this.path === null ? null : this.pathOrNull(this.path));
    this.bundle.files = files;
    this.missing = missing;
  }

  private pathOrNull(path: string): string | null {
    try {
      return this.host.resolvePath(path, 'open');
    } catch {
      return null;
    }
  }

  /**
   * Run weights come back from, in turn: this engine's bundle (weights found before), the project
   * file the document was opened from or saved to (runs saved there were
   * never in this engine's run store: issue #17), the run store, a training
   * checkpoint. A candidate is taken only when it matches the run record's CRC-32.
   */
  private findWeights(doc: { runs: readonly RunRecord[] }, path: string | null): { files: Map<string, Uint8Array>; missing: string[] } {
    let onDisk: Map<string, Uint8Array> | null | undefined;
    const fromDisk = (file: string): Uint8Array | undefined => {
      if (onDisk === undefined) onDisk = path === null ? null : this.weightsOnDisk(path);
      return onDisk?.get(file);
    };
    const files = new Map<string, Uint8Array>();
    const missing: string[] = [];
    for (const r of doc.runs) {
      if (!r.weights) continue;
      const { file, crc32: want } = r.weights;
      const sources = [() => this.bundle.files.get(file), () => fromDisk(file), () => this.host.checkpoints.load(`${r.id}-final`), () => this.runWeightsFromCheckpoint(r)];
      let kept: Uint8Array | null | undefined;
      for (const source of sources) {
        kept = source();
        if (kept && crc32(kept) === want) break;
        kept = null;
      }
      if (kept) files.set(file, kept);
      else missing.push(r.id);
    }
    return { files, missing };
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
