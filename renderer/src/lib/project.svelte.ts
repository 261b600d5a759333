/**
 * The open project as UI state: a view of the engine's document (model, data
 * choice, training settings, runs), where it lives, whether it has unsaved
 * changes, undo/redo for every edit, the engine's live validation of the
 * model. The engine owns the document (engine/host/project-session.ts): each
 * edit here is shown at once and sent to it as a request, runs arrive in its
 * events, and its recovery journal brings unsaved work back after a crash.
 * The recent-files list belongs to the host.
 */
import { UNTITLED, type Project, type RunRecord } from '../../../engine/project/project.ts';
import type { ModelSpec } from '../../../engine/nn/spec.ts';
import type { DatasetChoice } from '../../../engine/data/catalog.ts';
import type { TrainingSettings } from '../../../engine/train/settings.ts';
import type { ResultOf } from '../../../engine/protocol.ts';
import type { Host } from '../host/host.ts';
import type { EngineState, SpecReport } from './engine.svelte.ts';
import { History } from './history.ts';
import { t } from '../i18n/index.svelte.ts';

export type { Project, RunRecord, ModelSpec, DatasetChoice, TrainingSettings };
export type Template = 'mlp' | 'cnn' | 'transformer' | 'blank';

/** What undo/redo restores: everything the user edits by hand (runs are results, not edits). */
export interface Editable {
  name: string;
  model: ModelSpec;
  dataset: DatasetChoice;
  training: TrainingSettings;
}

export interface Notice {
  kind: 'error' | 'info';
  text: string;
}

/** Unsaved work an engine that is gone left behind, as the engine offers it. */
export type Recovery = NonNullable<ResultOf<'project.recovery'>['offer']>;
type ProjectView = ResultOf<'project.current'>;

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The file name without folders or extension, for titles. */
export function baseName(path: string): string {
  return (path.split(/[\\/]/).pop() ?? path).replace(/\.dlab$/i, '');
}

export class ProjectState {
  doc = $state.raw<Project | null>(null);
  path = $state<string | null>(null);
  report = $state.raw<SpecReport | null>(null);
  /** Path of indices to the selected layer ([2] = third top-level layer, [3, 0] = first layer inside the fourth). */
  selected = $state.raw<number[] | null>(null);
  notice = $state.raw<Notice | null>(null);
  /** News under way (each imports its dataset first): their import shows under the New button, and only there. */
  creating = $state(0);
  busy = $state<string | null>(null);
  /** The host's recent files, newest first. */
  recent = $state.raw<string[]>([]);
  /** Unsaved work found at start, offered to the user until restored or discarded. */
  recovery = $state.raw<Recovery | null>(null);
  undoLabel = $state<string | null>(null);
  redoLabel = $state<string | null>(null);
  private changes = $state(0);
  private savedAt = $state(0);
  readonly dirty = $derived(this.changes !== this.savedAt);
  readonly title = $derived(this.path ? baseName(this.path) : this.doc && this.doc.name !== UNTITLED ? this.doc.name : t('common.untitled'));

  private readonly history = new History<Editable>();
  private validateSeq = 0;

  constructor(private readonly engine: EngineState, private readonly host: Host) {
    engine.onEvent((e) => {
      if (e.type !== 'ready') return;
      // A fresh engine after a crash took the project back from its journal: show what it holds.
      if (this.engine.restarts > 0) void this.resync();
      else void this.findRecovery();
    });
    void host.recent().then((r) => (this.recent = r), () => {});
  }

  get editable(): Editable | null {
    const d = this.doc;
    return d ? { name: d.name, model: d.model, dataset: d.dataset, training: d.training } : null;
  }

  // ------------------------------------------------------------ editing

  /** Applies one user edit (undoable); `coalesce` merges rapid edits of one field into one undo step. */
  edit(label: string, change: (e: Editable) => Partial<Editable>, coalesce: string | null = null): void {
    const before = this.editable;
    if (!before || !this.doc) return;
    const next = { ...before, ...change(before) };
    this.history.record(before, label, coalesce);
    this.apply(next);
  }

  setModel(model: ModelSpec, label: string, coalesce: string | null = null): void {
    this.edit(label, () => ({ model }), coalesce);
  }

  setDataset(dataset: DatasetChoice, label: string, coalesce: string | null = null): void {
    this.edit(label, () => ({ dataset }), coalesce);
  }

  setTraining(training: TrainingSettings, label: string, coalesce: string | null = null): void {
    this.edit(label, () => ({ training }), coalesce);
  }

  undo(): void {
    const cur = this.editable;
    const e = cur && this.history.undo(cur);
    if (e) this.apply(e.state);
  }

  redo(): void {
    const cur = this.editable;
    const e = cur && this.history.redo(cur);
    if (e) this.apply(e.state);
  }

  private apply(e: Editable): void {
    if (!this.doc) return;
    const modelChanged = e.model !== this.doc.model;
    const d = this.doc;
    const changes: Partial<Editable> = {
      ...(e.name !== d.name ? { name: e.name } : {}), ...(modelChanged ? { model: e.model } : {}),
      ...(e.dataset !== d.dataset ? { dataset: e.dataset } : {}), ...(e.training !== d.training ? { training: e.training } : {}),
    };
    this.doc = { ...this.doc, ...e };
    this.tell('edit', () => this.engine.request('project.edit', changes));
    this.undoLabel = this.history.undoLabel;
    this.redoLabel = this.history.redoLabel;
    this.touched();
    if (modelChanged) void this.validate();
  }

  /** A run the engine recorded into its project (from its `finished`/`sweep-run` event): shown here, unsaved until saved. */
  addRun(run: RunRecord): void {
    if (!this.doc) return;
    this.doc = { ...this.doc, runs: [...this.doc.runs.filter((r) => r.id !== run.id), run] };
    this.touched();
  }

  removeRun(id: string): void {
    if (!this.doc) return;
    this.doc = { ...this.doc, runs: this.doc.runs.filter((r) => r.id !== id) };
    this.touched();
    this.tell('deleteRun', () => this.engine.request('runs.delete', { run_id: id }));
  }

  private touched(): void {
    this.changes++;
    this.publish();
  }

  /** Sends an edit the view already shows; if the engine refuses it, the user is told (the engine's document stays as it was). */
  private tell(what: 'edit' | 'deleteRun' | 'discard', f: () => Promise<unknown>): void {
    f().catch((e: unknown) => (this.notice = { kind: 'error', text: t(`common.tell.${what}.failed`, { error: message(e) }) }));
  }

  /** Live shape inference: the engine validates every model edit; stale answers are dropped. */
  async validate(): Promise<void> {
    const doc = this.doc;
    if (!doc) return;
    const seq = ++this.validateSeq;
    try {
      const r = await this.engine.request('validate', { spec: doc.model });
      if (seq === this.validateSeq) this.report = r;
    } catch (e) {
      if (seq === this.validateSeq) this.report = { ok: false, layers: [], outputShape: null, totalParams: 0, errors: [message(e)] };
    }
  }

  // ------------------------------------------------------------ files

  private load(doc: Project, path: string | null, dirty: boolean): void {
    this.doc = doc;
    this.path = path;
    this.selected = null;
    this.history.clear();
    this.undoLabel = null;
    this.redoLabel = null;
    this.changes++;
    if (!dirty) this.savedAt = this.changes;
    this.publish();
    void this.validate();
  }

  /** Runs a file task, named in the toolbar while it runs (`common.task.<kind>.busy`) and in the notice if it fails. */
  private async task<T>(kind: 'new' | 'open' | 'save' | 'restore', path: string, f: () => Promise<T>): Promise<T | null> {
    this.busy = t(`common.task.${kind}.busy`, { path });
    try {
      return await f();
    } catch (e) {
      this.notice = { kind: 'error', text: t(`common.task.${kind}.failed`, { path, error: message(e) }) };
      return null;
    } finally {
      this.busy = null;
    }
  }

  /** Numbers New/Open requests, so a slow answer never replaces a project opened after it. */
  private loadSeq = 0;

  async newProject(template: Template = 'mlp', dataset?: DatasetChoice): Promise<boolean> {
    const seq = ++this.loadSeq;
    this.creating++;
    let r;
    try {
      r = await this.task('new', '', () => this.engine.request('project.new', { template, ...(dataset ? { dataset } : {}) }));
    } finally {
      this.creating--;
    }
    if (!r || seq !== this.loadSeq) return false;
    this.load(r.doc, null, false);
    return true;
  }

  async open(path?: string): Promise<boolean> {
    const chosen = path ?? (await this.host.chooseOpenPath());
    if (!chosen) return false;
    const seq = ++this.loadSeq;
    const r = await this.task('open', chosen, () => this.engine.request('project.open', { path: chosen }));
    if (!r || seq !== this.loadSeq) return false;
    this.load(r.doc, r.path, false);
    this.remember(r.path);
    this.notice = {
      kind: 'info',
      text: r.data_missing ? t('common.notice.openedDataMissing', { path: r.path, data: r.data_missing.path }) : t('common.notice.opened', { path: r.path }),
    };
    return true;
  }

  async save(): Promise<boolean> {
    return this.path ? this.saveTo(this.path) : this.saveAs();
  }

  async saveAs(): Promise<boolean> {
    const suggested = `${(this.doc?.name ?? 'project').replace(/[^\w.-]+/g, '-')}.dlab`;
    const chosen = await this.host.chooseSavePath(suggested);
    return chosen ? this.saveTo(chosen.endsWith('.dlab') ? chosen : `${chosen}.dlab`) : false;
  }

  private async saveTo(path: string): Promise<boolean> {
    const doc = this.doc;
    if (!doc) return false;
    const stamp = this.changes;
    const r = await this.task('save', path, () => this.engine.request('project.save', { path }));
    if (!r) return false;
    this.path = r.path;
    if (this.doc === doc) this.doc = { ...doc, modified: r.modified };
    this.savedAt = stamp;
    this.remember(r.path);
    this.publish();
    this.notice = { kind: 'info', text: t('common.notice.saved', { path: r.path, size: (r.bytes / 1024).toFixed(1) }) };
    return true;
  }

  private remember(path: string): void {
    this.host.noteRecent(path).then((r) => (this.recent = r), () => {});
  }

  /** A recent file, as the host lets this window open it (Electron grants it to this window's engine first). */
  async openRecent(path: string): Promise<boolean> {
    const granted = await this.host.openRecent(path);
    if (granted) return this.open(granted);
    this.recent = await this.host.recent();
    this.notice = { kind: 'error', text: t('common.notice.recentGone', { path }) };
    return false;
  }

  private publish(): void {
    this.host.setDocumentState({ dirty: this.dirty, title: this.title, path: this.path });
  }

  // ------------------------------------------------------------ recovery

  private async findRecovery(): Promise<void> {
    const r = await this.engine.request('project.recovery', {}).catch(() => null);
    this.recovery = r?.offer ?? null;
  }

  /** After an engine restart: the view takes what the engine holds (the same document, unless an edit was lost on the way). */
  private async resync(): Promise<void> {
    const r = await this.task('restore', '', () => this.engine.request('project.current', {}));
    if (!r) return;
    this.show(r);
    this.noteLosses(r, 'common.notice.restartedMissing');
  }

  /** Brings back the unsaved work found at start; run weights come from the engine's run store or the project file. */
  async restoreRecovery(): Promise<void> {
    const r = this.recovery;
    if (!r) return;
    this.recovery = null;
    // The engine checks the copy against the project schema first: a damaged one is refused (and removed), not loaded.
    const v = await this.task('restore', '', () => this.engine.request('project.recover', { session: r.session, accept: true }));
    if (!v) return;
    this.load(v.doc, v.path, true);
    this.noteLosses(v, 'common.notice.restoredMissing');
  }

  discardRecovery(): void {
    const r = this.recovery;
    this.recovery = null;
    if (r) this.tell('discard', () => this.engine.request('project.recover', { session: r.session, accept: false }));
  }

  /** What a recovery could not bring back: runs without their weights, and runs left out whole (with why). */
  private noteLosses(v: ProjectView, weightsKey: 'common.notice.restartedMissing' | 'common.notice.restoredMissing'): void {
    const said = [
      v.missing.length > 0 ? t(weightsKey, { n: v.missing.length, runs: v.missing.join(', ') }) : '',
      v.lost.length > 0 ? t('common.notice.runsLost', { n: v.lost.length, runs: v.lost.map((l) => `${l.run} (${l.reason})`).join('; ') }) : '',
    ].filter((s) => s !== '');
    if (said.length > 0) this.notice = { kind: v.lost.length > 0 ? 'error' : 'info', text: said.join(' ') };
  }

  /** The engine's project in place of the view, keeping undo/redo (it is the same document the edits were made to). */
  private show(v: ProjectView): void {
    this.doc = v.doc;
    this.path = v.path;
    this.changes++;
    if (!v.dirty) this.savedAt = this.changes;
    this.publish();
    void this.validate();
  }
}
