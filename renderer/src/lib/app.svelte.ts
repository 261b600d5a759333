/**
 * The whole UI state, made once at start and handed to every panel: engine
 * connection, open project, training run, sweep, each view's requests and
 * answers (Train/Eval with its mode, Results, MC-dropout, export, the data
 * preview), which view is showing, theme.
 */
import type { DropResult, Host } from '../host/host.ts';
import { i18n, t } from '../i18n/index.svelte.ts';
import { dropNotice } from './drop-notice.ts';
import { EngineState } from './engine.svelte.ts';
import { ProjectState } from './project.svelte.ts';
import { TrainingState } from './training.svelte.ts';
import { SweepState } from './sweep.svelte.ts';
import { ModesState } from './modes.svelte.ts';
import { ResultsState } from './results.svelte.ts';
import { McDropoutState } from './mc-dropout.svelte.ts';
import { ExportState } from './export.svelte.ts';
import { DatasetPreviewState } from './dataset-preview.svelte.ts';
import { ADVICE_DELAY_MS, Advisor } from './advice.svelte.ts';

export const VIEWS = ['model', 'data', 'train', 'modes', 'results', 'experiments'] as const;
export type View = (typeof VIEWS)[number];
export type Theme = 'light' | 'dark';

function initialTheme(saved: string | null): Theme {
  if (saved === 'light' || saved === 'dark') return saved;
  return globalThis.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export class AppState {
  readonly engine: EngineState;
  readonly project: ProjectState;
  readonly training: TrainingState;
  readonly sweep: SweepState;
  readonly modes: ModesState;
  readonly results: ResultsState;
  readonly mc: McDropoutState;
  readonly exporter: ExportState;
  readonly dataPreview: DatasetPreviewState;
  view = $state<View>('model');
  theme = $state<Theme>('light');
  /** A dropped CSV file or folder for the Data view to show as the chosen source (it takes it, then clears this). */
  dataOffer = $state.raw<NonNullable<DropResult['data']> | null>(null);

  constructor(readonly host: Host) {
    this.engine = new EngineState(host);
    this.project = new ProjectState(this.engine, host);
    this.training = new TrainingState(this.engine, this.project);
    this.sweep = new SweepState(this.engine, this.project, this.training);
    this.modes = new ModesState(this.engine, this.project, (d) => this.dataPreview.cancelledFor(d));
    this.results = new ResultsState(this.engine, this.project, (d) => this.dataPreview.cancelledFor(d));
    this.mc = new McDropoutState(this.engine, this.project);
    this.exporter = new ExportState(this.engine);
    this.dataPreview = new DatasetPreviewState(this.engine, this.project);
    this.theme = initialTheme(host.preferences.read('theme'));
    i18n.restore(host.preferences);
  }

  /** A placement advisor asking this engine (the model view's waits for a pause in editing; a one-off note asks at once). */
  advisor(delay = ADVICE_DELAY_MS): Advisor {
    return new Advisor((p) => this.engine.request('advice', p), delay);
  }

  setTheme(t: Theme): void {
    this.theme = t;
    this.host.preferences.save('theme', t);
  }

  /** Import again a dataset whose import was cancelled in the Data view: there, with its bar. */
  importAgainInDataView(): void {
    this.view = 'data';
    this.dataPreview.retry();
  }

  /** A menu command (Electron's native menu, or the toolbar). */
  command(c: string): void {
    const p = this.project;
    switch (c) {
      case 'new': void p.newProject('mlp'); break;
      case 'open': void p.open(); break;
      case 'save': void p.save(); break;
      case 'save-as': void p.saveAs(); break;
      case 'undo': p.undo(); break;
      case 'redo': p.redo(); break;
      case 'export': this.view = 'results'; break;
      case 'article': this.view = 'modes'; break;
    }
  }

  /**
   * Files dropped on the window: a project opens as File › Open would
   * (asking before unsaved changes go), a CSV file or folder waits in the
   * Data view for the user to load it, the rest is explained.
   */
  async dropFiles(files: readonly File[]): Promise<void> {
    if (!files.length) return;
    const r = await this.host.openDropped(files);
    if (!r) {
      this.project.notice = { kind: 'info', text: t('common.drop.noPaths') };
      return;
    }
    const earlier = this.project.notice;
    if (r.project && (!this.project.dirty || globalThis.confirm(t('common.discardChanges')))) await this.project.open(r.project);
    if (r.data) {
      this.dataOffer = r.data;
      this.view = 'data';
    }
    // Said after Open's own notice (opened, or why not), so neither hides the other.
    const said = this.project.notice === earlier ? null : this.project.notice;
    const notice = dropNotice(r, t);
    if (notice) this.project.notice = said ? { kind: said.kind === 'error' ? 'error' : notice.kind, text: `${said.text} ${notice.text}` } : notice;
  }

  /** Connects to the engine and opens the launch project, or a new MLP project. */
  async start(): Promise<void> {
    this.engine.start();
    await this.engine.whenReady();
    const initial = await this.host.initialPath();
    if (initial && (await this.project.open(initial))) return;
    // The user may have opened a project while the engine was starting.
    if (!this.project.doc) await this.project.newProject('mlp');
  }
}
