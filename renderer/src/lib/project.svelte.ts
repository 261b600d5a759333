/**
 * The open project as UI state: the document (model, data choice, training
 * settings, runs), where it lives, whether it has unsaved changes, undo/redo
 * for every edit, the engine's live validation of the model, and a recovery
 * copy kept while there are unsaved changes (restored after a crash or a
 * closed tab). Files are read and written by the engine; the host only
 * chooses paths.
 */
import { UNTITLED, type Project, type RunRecord } from '../../../engine/project/project.ts';
import type { ModelSpec } from '../../../engine/nn/spec.ts';
import type { DatasetChoice } from '../../../engine/data/catalog.ts';
import type { TrainingSettings } from '../../../engine/train/settings.ts';
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

export interface Recovery {
  doc: Project;
  path: string | null;
  saved_at: string;
}

const RECOVERY_KEY = 'dlab.recovery';
const RECENT_KEY = 'dlab.recent';

function readJson<T>(key: string): T | null {
  try {
    const s = globalThis.localStorage?.getItem(key);
    return s ? (JSON.parse(s) as T) : null;
  } catch {
    return null;
  }
}

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
  busy = $state<string | null>(null);
  recent = $state<string[]>(readJson<string[]>(RECENT_KEY) ?? []);
  /** A recovery copy found at start, offered to the user until restored or discarded. */
  recovery = $state.raw<Recovery | null>(readJson<Recovery>(RECOVERY_KEY));
  undoLabel = $state<string | null>(null);
  redoLabel = $state<string | null>(null);
  private changes = $state(0);
  private savedAt = $state(0);
  readonly dirty = $derived(this.changes !== this.savedAt);
  readonly title = $derived(this.path ? baseName(this.path) : this.doc && this.doc.name !== UNTITLED ? this.doc.name : t('common.untitled'));

  private readonly history = new History<Editable>();
  private validateSeq = 0;
  private autosaveTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly engine: EngineState, private readonly host: Host) {
    engine.onEvent((e) => {
      // A fresh engine after a crash knows nothing: hand it the project we still hold.
      if (e.type === 'ready' && this.doc && this.engine.restarts > 0) void this.adopt(this.doc, this.path);
    });
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
    this.doc = { ...this.doc, ...e };
    this.undoLabel = this.history.undoLabel;
    this.redoLabel = this.history.redoLabel;
    this.touched();
    if (modelChanged) void this.validate();
  }

  /** A finished run joins the project (not an undoable edit, but unsaved until saved). */
  addRun(run: RunRecord): void {
    if (!this.doc) return;
    this.doc = { ...this.doc, runs: [...this.doc.runs.filter((r) => r.id !== run.id), run] };
    this.touched();
  }

  removeRun(id: string): void {
    if (!this.doc) return;
    this.doc = { ...this.doc, runs: this.doc.runs.filter((r) => r.id !== id) };
    this.touched();
  }

  private touched(): void {
    this.changes++;
    this.publish();
    this.scheduleRecovery();
  }

  /** Live shape inference: the engine validates every model edit; stale answers are dropped. */
  async validate(): Promise<void> {
    const doc = this.doc;
    if (!doc) return;
    const seq = ++this.validateSeq;
    try {
      const r = await this.engine.request('validate', { spec: doc.model as never });
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
    const r = await this.task('new', '', () => this.engine.request('project.new', { template, ...(dataset ? { dataset } : {}) }));
    if (!r || seq !== this.loadSeq) return false;
    this.load(r.doc, null, false);
    this.clearRecovery();
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
    this.clearRecovery();
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
    const stamped = { ...doc, modified: new Date().toISOString() };
    const r = await this.task('save', path, () => this.engine.request('project.save', { path, doc: stamped as never }));
    if (!r) return false;
    this.path = r.path;
    if (this.doc === doc) this.doc = stamped;
    this.savedAt = stamp;
    this.remember(r.path);
    this.clearRecovery();
    this.publish();
    this.notice = { kind: 'info', text: t('common.notice.saved', { path: r.path, size: (r.bytes / 1024).toFixed(1) }) };
    return true;
  }

  private remember(path: string): void {
    this.recent = [path, ...this.recent.filter((p) => p !== path)].slice(0, 10);
    globalThis.localStorage?.setItem(RECENT_KEY, JSON.stringify(this.recent));
  }

  private publish(): void {
    this.host.setDocumentState({ dirty: this.dirty, title: this.title, path: this.path });
  }

  // ------------------------------------------------------------ recovery

  private scheduleRecovery(): void {
    if (this.autosaveTimer) clearTimeout(this.autosaveTimer);
    this.autosaveTimer = setTimeout(() => {
      this.autosaveTimer = null;
      // While a recovery copy is still on offer, it is not overwritten.
      if (!this.doc || !this.dirty || this.recovery) return;
      const copy: Recovery = { doc: this.doc, path: this.path, saved_at: new Date().toISOString() };
      try {
        globalThis.localStorage?.setItem(RECOVERY_KEY, JSON.stringify(copy));
      } catch (e) {
        this.notice = { kind: 'error', text: t('common.notice.recoveryFailed', { error: message(e) }) };
      }
    }, 1000);
  }

  private clearRecovery(): void {
    if (this.recovery) return;
    if (this.autosaveTimer) clearTimeout(this.autosaveTimer);
    this.autosaveTimer = null;
    globalThis.localStorage?.removeItem(RECOVERY_KEY);
  }

  /** Brings back the unsaved work found at start; run weights come from the engine's run store. */
  async restoreRecovery(): Promise<void> {
    const r = this.recovery;
    if (!r) return;
    this.recovery = null;
    // The engine checks the copy against the project schema first: a damaged one is refused, not loaded.
    if (!(await this.adopt(r.doc, r.path))) {
      this.clearRecovery();
      return;
    }
    this.load(r.doc, r.path, true);
  }

  discardRecovery(): void {
    this.recovery = null;
    if (!this.dirty) this.clearRecovery();
  }

  private async adopt(doc: Project, path: string | null): Promise<boolean> {
    const r = await this.task('restore', path ?? '', () => this.engine.request('project.adopt', { doc: doc as never, path }));
    if (r && r.missing.length > 0) this.notice = { kind: 'info', text: t('common.notice.restoredMissing', { n: r.missing.length, runs: r.missing.join(', ') }) };
    return r !== null;
  }
}
