/**
 * One project window and its engine. The window's renderer gets a port
 * straight to its own engine; paths the user picks in this window's dialogs
 * are granted to that engine only. Closing with unsaved changes asks first;
 * closing stops the engine.
 */
import { BrowserWindow, MessageChannelMain, dialog, powerSaveBlocker, utilityProcess, type MessagePortMain } from 'electron';
import { randomUUID } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { basename, isAbsolute } from 'node:path';
import { BACKGROUND } from './appearance.ts';
import { planDrop, type DroppedEntry } from './dropped-files.ts';
import { EngineSupervisor } from './engine-supervisor.ts';
import { fill, type NativeText } from './native-text.ts';
import { IPC, type DesktopTheme, type DropResult, type EngineLostInfo, type MenuCommand, type OpenedFile, type RunReport } from './preload-api.ts';
import { RunIndicator } from './run-indicator.ts';
import type { Rect } from './window-state.ts';

export interface AppPaths {
  /** The engine's working directory: never inside app.asar (utility processes fail there). */
  engineCwd: string;
  preload: string;
  rendererIndex: string;
  engineEntry: string;
  checkpoints: string;
}

export interface WindowHost {
  paths: AppPaths;
  rememberBounds(bounds: Rect, maximized: boolean): void;
  noteRecent(path: string): void;
  closed(w: ProjectWindow): void;
  /** Opens a project in a window of its own (a second .dlab dropped at once). */
  openElsewhere(path: string): void;
  /** Native words in the app's current language. */
  text(): NativeText;
  theme(): DesktopTheme;
}

let serial = 0;

export class ProjectWindow {
  readonly win: BrowserWindow;
  readonly engine: EngineSupervisor<MessagePortMain>;
  readonly serviceName: string;
  private doc: { dirty: boolean; title: string; path: string | null } = { dirty: false, title: 'Untitled', path: null };
  private forceClose = false;
  private closeAfterSave = false;
  private readonly granted = new Set<string>();
  private readonly run: RunIndicator;

  constructor(private readonly host: WindowHost, private readonly initial: string | null, bounds: Rect, maximized: boolean) {
    this.serviceName = `dropout-lab-engine-${++serial}`;
    // The engine journals this window's project under it; a restarted engine of this window takes the project back.
    const session = randomUUID();
    // Written out here (not built by a helper) so electronegativity can see every setting.
    this.win = new BrowserWindow({
      ...bounds,
      minWidth: 800,
      minHeight: 560,
      show: false,
      title: 'Dropout Lab',
      backgroundColor: BACKGROUND[host.theme()],
      webPreferences: {
        preload: host.paths.preload,
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        nodeIntegrationInSubFrames: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        experimentalFeatures: false,
        disableBlinkFeatures: 'Auxclick',
        webviewTag: false,
        navigateOnDragDrop: false,
        spellcheck: false,
        safeDialogs: true,
      },
    });
    if (maximized) this.win.maximize();
    this.win.once('ready-to-show', () => this.win.show());
    this.engine = new EngineSupervisor<MessagePortMain>({
      fork: () => utilityProcess.fork(host.paths.engineEntry, ['--checkpoints', host.paths.checkpoints, '--session', session], { serviceName: this.serviceName, cwd: host.paths.engineCwd, stdio: 'inherit' }),
      channel: () => {
        const { port1, port2 } = new MessageChannelMain();
        return { engine: port1, renderer: port2 };
      },
      deliver: (port) => this.win.webContents.postMessage(IPC.port, null, [port]),
      lost: (info) => {
        // Whatever was training died with the engine.
        this.run.end();
        const msg: EngineLostInfo = info;
        if (!this.win.isDestroyed()) this.win.webContents.send(IPC.engineLost, msg);
      },
    });
    this.run = new RunIndicator({
      progress: (value, mode) => {
        if (!this.win.isDestroyed()) this.win.setProgressBar(value, { mode });
      },
      block: () => powerSaveBlocker.start('prevent-app-suspension'),
      unblock: (id) => powerSaveBlocker.stop(id),
    });
    if (initial) this.grant(initial);
    this.engine.start();
    this.win.on('close', (e) => this.onClose(e));
    this.win.on('closed', () => {
      this.run.end();
      this.engine.stop();
      host.closed(this);
    });
    void this.win.loadFile(host.paths.rendererIndex);
  }

  get id(): number {
    return this.win.webContents.id;
  }

  private grant(path: string): void {
    this.granted.add(path);
    this.engine.grant(path);
  }

  /** A file of Open Recent the renderer asked to open here (main checked it is in the list and on disk). */
  grantRecent(path: string): OpenedFile {
    this.grant(path);
    return { path };
  }

  isGranted(path: string): boolean {
    return this.granted.has(path);
  }

  initialFile(): OpenedFile | null {
    return this.initial ? { path: this.initial } : null;
  }

  async openDialog(): Promise<OpenedFile | null> {
    const tx = this.host.text();
    const r = await dialog.showOpenDialog(this.win, { title: tx.openProject, properties: ['openFile'], filters: [{ name: tx.projectFilter, extensions: ['dlab'] }] });
    const path = r.canceled ? undefined : r.filePaths[0];
    if (!path) return null;
    this.grant(path);
    return { path };
  }

  async saveDialog(suggestedName: string): Promise<OpenedFile | null> {
    const name = suggestedName.replace(/[\\/]/g, '_').slice(0, 120) || 'Untitled.dlab';
    const tx = this.host.text();
    const r = await dialog.showSaveDialog(this.win, { title: tx.saveProject, defaultPath: /\.dlab$/i.test(name) ? name : `${name}.dlab`, filters: [{ name: tx.projectFilter, extensions: ['dlab'] }] });
    if (r.canceled || !r.filePath) return null;
    this.grant(r.filePath);
    return { path: r.filePath };
  }

  /** A CSV/TSV or .npz file, or a folder (IDX files, class subfolders of images, CIFAR binaries), for the Data view. */
  async dataDialog(kind: 'csv' | 'npz' | 'idx' | 'folder'): Promise<OpenedFile | null> {
    const tx = this.host.text();
    const r = kind === 'csv'
      ? await dialog.showOpenDialog(this.win, { title: tx.chooseCsv, properties: ['openFile'], filters: [{ name: tx.csvFilter, extensions: ['csv', 'tsv', 'txt'] }] })
      : kind === 'npz'
        ? await dialog.showOpenDialog(this.win, { title: tx.chooseNpz, properties: ['openFile'], filters: [{ name: tx.npzFilter, extensions: ['npz'] }] })
        : await dialog.showOpenDialog(this.win, { title: kind === 'idx' ? tx.chooseIdx : tx.chooseDataFolder, properties: ['openDirectory'] });
    const path = r.canceled ? undefined : r.filePaths[0];
    if (!path) return null;
    this.grant(path);
    return { path };
  }

  /** A folder for File › Export (created if the user types a new name); the engine writes model.py and friends inside it. */
  async exportDialog(suggestedName: string): Promise<OpenedFile | null> {
    const name = suggestedName.replace(/[\\/]/g, '_').slice(0, 120) || 'export';
    const tx = this.host.text();
    const r = await dialog.showSaveDialog(this.win, { title: tx.exportTitle, defaultPath: name, buttonLabel: tx.exportButton, properties: ['createDirectory', 'showOverwriteConfirmation'] });
    if (r.canceled || !r.filePath) return null;
    this.grant(r.filePath);
    return { path: r.filePath };
  }

  setDocumentState(s: { dirty: boolean; title: string; path: string | null }): void {
    this.doc = s;
    this.win.setTitle(`${s.title}${s.dirty ? ' •' : ''} — Dropout Lab`);
    this.win.setDocumentEdited(s.dirty);
    if (s.path && this.isGranted(s.path)) this.win.setRepresentedFilename(s.path);
    if (this.closeAfterSave && !s.dirty) {
      this.forceClose = true;
      this.win.close();
    }
  }

  /**
   * Files dropped on this window (paths from the preload, already parsed):
   * what planDrop allows is granted to this window's engine, a second .dlab
   * opens in a window of its own.
   */
  async openDropped(paths: readonly string[]): Promise<DropResult> {
    const entries = await Promise.all(paths.map(async (path): Promise<DroppedEntry> => {
      // getPathForFile gives absolute paths; anything else would resolve against our cwd.
      const s = isAbsolute(path) ? await stat(path).catch(() => null) : null;
      if (s?.isDirectory()) return { path, kind: 'directory', names: await readdir(path).catch(() => []) };
      return { path, kind: s?.isFile() ? 'file' : 'missing' };
    }));
    const plan = planDrop(entries);
    if (plan.project) this.grant(plan.project);
    if (plan.data) this.grant(plan.data.path);
    for (const p of plan.moreProjects) this.host.openElsewhere(p);
    return { project: plan.project, openedElsewhere: plan.moreProjects.length, data: plan.data, refused: plan.refused };
  }

  reportRun(r: RunReport): void {
    this.run.report(r);
  }

  setTheme(theme: DesktopTheme): void {
    this.win.setBackgroundColor(BACKGROUND[theme]);
  }

  command(c: MenuCommand): void {
    this.win.webContents.send(IPC.menu, c);
  }

  private onClose(e: Electron.Event): void {
    const bounds = this.win.getNormalBounds();
    this.host.rememberBounds(bounds, this.win.isMaximized());
    if (!this.doc.dirty || this.forceClose) return;
    e.preventDefault();
    const tx = this.host.text();
    const choice = dialog.showMessageBoxSync(this.win, {
      type: 'question',
      buttons: [tx.saveButton, tx.dontSave, tx.cancel],
      defaultId: 0,
      cancelId: 2,
      message: fill(tx.saveChanges, { name: this.doc.path ? basename(this.doc.path) : this.doc.title }),
      detail: tx.saveChangesDetail,
    });
    if (choice === 0) {
      this.closeAfterSave = true;
      this.command('save');
    } else if (choice === 1) {
      this.forceClose = true;
      this.win.close();
    }
  }
}
