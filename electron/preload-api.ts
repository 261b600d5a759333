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
  /** A CSV file or an IDX folder to train on; granted to this window's engine for reading. */
  showDataDialog(kind: 'csv' | 'idx'): Promise<OpenedFile | null>;
  /** Tells main whether there are unsaved changes (for the close/quit prompt) and the title to show. */
  setDocumentState(state: { dirty: boolean; title: string; path: string | null }): void;
  /** Adds a saved/opened file to Open Recent. */
  noteRecentFile(path: string): void;
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
} as const;
