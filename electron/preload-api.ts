/**
 * What the preload exposes to the renderer as `window.dropoutLab` — the whole
 * desktop API, typed once. No Electron or DOM imports: main, preload and
 * renderer all `import type` it. IPC channel names live here too.
 */

export interface EngineLostInfo {
  reason: string;
  exitCode: number | null;
  /** A fresh engine was started; call acquireEnginePort again for its port. */
  restarted: boolean;
}

export interface OpenedFile {
  path: string;
}

/** The run a window shows, as the renderer reports it for the taskbar/dock progress bar and the power-save blocker. */
export interface RunReport {
  state: 'idle' | 'running' | 'paused';
  /** Done so far, 0..1; null while a run has not reported any progress yet. */
  fraction: number | null;
}

/** What the Data view's chooser asks for (electron/ipc-messages.ts validates it in main). */
export type DataDialogKind = 'csv' | 'npz' | 'idx' | 'folder';

export type DesktopLocale = 'en' | 'zh';
export type DesktopTheme = 'light' | 'dark';

/** A dropped CSV/TSV or .npz file or a folder, granted to this window's engine, for the Data view to offer. */
export interface DroppedData {
  kind: 'csv' | 'npz' | 'idx' | 'cifar10' | 'cifar100' | 'images';
  path: string;
}

export interface DropRefusal {
  /** The file's name (not its path), to show. */
  name: string;
  reason: 'unsupported' | 'missing' | 'one-data-source' | 'too-many';
}

export interface DropResult {
  /** A .dlab for this window to open (granted to its engine); further .dlab files opened in windows of their own. */
  project: string | null;
  openedElsewhere: number;
  data: DroppedData | null;
  refused: DropRefusal[];
}

export interface DropoutLabDesktopApi {
  readonly platform: string;
  /**
   * Asks main for a MessagePort to this window's engine. The port arrives as
   * `window.postMessage(nonce, origin, [port])`: accept it only when the data
   * equals the nonce you passed and the source is the window itself.
   */
  acquireEnginePort(nonce: string): void;
  /** The engine died; main has started a fresh one unless `restarted` is false. Returns an unsubscribe function. */
  onEngineLost(cb: (info: EngineLostInfo) => void): () => void;
  /** A menu command for this window (File › Save, Edit › Undo, …). */
  onMenuCommand(cb: (command: MenuCommand) => void): () => void;
  /** The .dlab file this window should open at start (argv, open-file, Open Recent), or null for a new project. */
  initialFile(): Promise<OpenedFile | null>;
  /** Native dialogs; the chosen path is granted to this window's engine. */
  showOpenDialog(): Promise<OpenedFile | null>;
  showSaveDialog(suggestedName: string): Promise<OpenedFile | null>;
  /** A folder to export a run into (File › Export); granted to this window's engine like the others. */
  showExportDialog(suggestedName: string): Promise<OpenedFile | null>;
  /** A CSV/TSV or .npz file, or a folder (IDX, images, CIFAR), to train on; granted to this window's engine for reading. */
  showDataDialog(kind: DataDialogKind): Promise<OpenedFile | null>;
  /** Tells main whether there are unsaved changes (for the close/quit prompt) and the title to show. */
  setDocumentState(state: { dirty: boolean; title: string; path: string | null }): void;
  /** Open Recent, as main keeps it (window-state.json), newest first. */
  recentFiles(): Promise<string[]>;
  /** Adds a file this window opened or saved to Open Recent (and the OS's recent documents); answers the list after. */
  noteRecentFile(path: string): Promise<string[]>;
  /** A file of Open Recent, granted to this window's engine; null when it is not in the list or no longer on disk (then it leaves the list). */
  openRecentFile(path: string): Promise<OpenedFile | null>;
  /**
   * Files dropped on the window: their paths are looked up here (only for
   * names that could be a project, a CSV/TSV file or a folder) and main
   * decides what each may do.
   */
  openDropped(files: readonly File[]): Promise<DropResult>;
  /** The run in progress, for the taskbar/dock progress bar and the power-save blocker; send it throttled. */
  reportRun(report: RunReport): void;
  /** The renderer's theme and language, so the window background, native menus and dialogs follow them. */
  setAppearance(appearance: { theme: DesktopTheme; locale: DesktopLocale }): void;
}

export const MENU_COMMANDS = ['new', 'open', 'save', 'save-as', 'export', 'undo', 'redo', 'about', 'article'] as const;
export type MenuCommand = (typeof MENU_COMMANDS)[number];

export const IPC = {
  acquirePort: 'dlab:acquire-engine-port',
  port: 'dlab:engine-port',
  engineLost: 'dlab:engine-lost',
  menu: 'dlab:menu',
  initialFile: 'dlab:initial-file',
  openDialog: 'dlab:open-dialog',
  saveDialog: 'dlab:save-dialog',
  exportDialog: 'dlab:export-dialog',
  dataDialog: 'dlab:data-dialog',
  documentState: 'dlab:document-state',
  recent: 'dlab:recent-file',
  recentList: 'dlab:recent-list',
  openRecent: 'dlab:open-recent',
  dropped: 'dlab:dropped',
  run: 'dlab:run',
  appearance: 'dlab:appearance',
} as const;
