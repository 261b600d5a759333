/**
 * The whole UI state, made once at start and handed to every panel: engine
 * connection, open project, training run, which view is showing, theme.
 */
import type { Host } from '../host/host.ts';
import { EngineState } from './engine.svelte.ts';
import { ProjectState } from './project.svelte.ts';
import { TrainingState } from './training.svelte.ts';
import { SweepState } from './sweep.svelte.ts';

export const VIEWS = ['model', 'data', 'train', 'modes', 'results', 'experiments'] as const;
export type View = (typeof VIEWS)[number];
export type Theme = 'light' | 'dark';

function initialTheme(): Theme {
  const saved = globalThis.localStorage?.getItem('dlab.theme');
  if (saved === 'light' || saved === 'dark') return saved;
  return globalThis.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export class AppState {
  readonly engine: EngineState;
  readonly project: ProjectState;
  readonly training: TrainingState;
  readonly sweep: SweepState;
  view = $state<View>('model');
  theme = $state<Theme>(initialTheme());

  constructor(readonly host: Host) {
    this.engine = new EngineState(host);
    this.project = new ProjectState(this.engine, host);
    this.training = new TrainingState(this.engine, this.project);
    this.sweep = new SweepState(this.engine, this.project, this.training);
  }

  setTheme(t: Theme): void {
    this.theme = t;
    globalThis.localStorage?.setItem('dlab.theme', t);
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
