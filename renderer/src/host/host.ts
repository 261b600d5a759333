/**
 * Everything the UI needs from where it runs (Netron's `host` idea): the
 * engine connection and file choices. The Electron host uses the preload API;
 * the web host a WebSocket to `npm run web`. Views talk only to this.
 */
import type { DesktopLocale, DesktopTheme, DropResult, RunReport } from '../../../electron/preload-api.ts';
import type { ToClient } from '../../../engine/protocol.ts';
import type { FileSetId } from '../lib/data-choice.ts';
import type { PreferenceKey, Preferences } from './preferences.ts';

export type { FileSetId };

export type { DropResult, RunReport, PreferenceKey, Preferences };

export type ConnectionStatus =
  | { state: 'connecting' }
  | { state: 'connected'; detail: string }
  | { state: 'restarting'; detail: string }
  | { state: 'disconnected'; detail: string };

export interface Host {
  readonly kind: 'electron' | 'web';
  /** Starts the engine connection; messages and status changes arrive through the handlers. */
  connect(handlers: { message(msg: ToClient): void; status(s: ConnectionStatus): void }): void;
  /** Sends one protocol request (tensors are transferred where the transport allows). */
  post(msg: unknown): void;
  /** A path to open, or null when the user cancelled. */
  chooseOpenPath(): Promise<string | null>;
  chooseSavePath(suggestedName: string): Promise<string | null>;
  /** A path for a dataset source read from the user's files (a file or folder, as the source takes). */
  chooseDataPath(kind: FileSetId): Promise<string | null>;
  /** A folder to export into (created by the engine if new), or null when cancelled. */
  chooseExportDir(suggestedName: string): Promise<string | null>;
  /** The project to open at start, if the app was launched with one. */
  initialPath(): Promise<string | null>;
  /** Menu commands from the native menu (Electron); returns an unsubscribe function. The web host has none. */
  onMenuCommand(cb: (command: string) => void): () => void;
  setDocumentState(state: { dirty: boolean; title: string; path: string | null }): void;
  /** The host owns the one recent-projects list (Electron: Open Recent in window-state.json; web: the web host's list for its folder), newest first. */
  recent(): Promise<string[]>;
  /** Puts a project just opened or saved at the top of the list; answers the list after. */
  noteRecent(path: string): Promise<string[]>;
  /** A recent project as this window may open it (Electron grants it to the window's engine), or null when it is gone from disk or the list. */
  openRecent(path: string): Promise<string | null>;
  /**
   * Files dropped on the window, judged by the desktop (a .dlab to open here,
   * a CSV/TSV file or folder to offer as data). Null where dropped files have
   * no path the engine could read (a browser tab).
   */
  openDropped(files: readonly File[]): Promise<DropResult | null>;
  /** The run in progress, for the taskbar/dock progress bar and keeping the machine awake; call it throttled. */
  reportRun(report: RunReport): void;
  /** The theme and language, for the window background and the native menus and dialogs. */
  setAppearance(appearance: { theme: DesktopTheme; locale: DesktopLocale }): void;
  /** Theme and language as chosen in an earlier session. */
  readonly preferences: Preferences;
}

/** Engine messages are trusted only as far as their envelope: checked before use. */
export function isToClient(v: unknown): v is ToClient {
  if (typeof v !== 'object' || v === null) return false;
  const t = (v as { type?: unknown }).type;
  return t === 'response' || t === 'error' || t === 'event';
}
