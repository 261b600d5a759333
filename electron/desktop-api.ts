/**
 * The preload's logic, free of Electron and the DOM so it is tested with
 * fakes: builds the `window.dropoutLab` API over an ipcRenderer-like object,
 * checks every value main sends, and forwards an engine port to the page only
 * with the nonce the page chose (once per request).
 */
import { wantsPath } from './dropped-files.ts';
import { AppearanceMessage, DropResultMessage, RecentList, RunReportMessage } from './ipc-messages.ts';
import { IPC, MENU_COMMANDS, type DropRefusal, type DropResult, type DropoutLabDesktopApi, type EngineLostInfo, type MenuCommand, type OpenedFile } from './preload-api.ts';

/** The part of ipcRenderer this uses; `E` is its event type (it carries `ports`). */
export interface IpcLike<E extends { ports: readonly unknown[] }> {
  send(channel: string, ...args: unknown[]): void;
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: E, ...args: unknown[]) => void): unknown;
  off(channel: string, listener: (event: E, ...args: unknown[]) => void): unknown;
}

function asOpenedFile(v: unknown): OpenedFile | null {
  if (typeof v !== 'object' || v === null) return null;
  const path: unknown = Reflect.get(v, 'path');
  return typeof path === 'string' ? { path } : null;
}

function asLost(v: unknown): EngineLostInfo {
  const o = typeof v === 'object' && v !== null ? v : {};
  const reason: unknown = Reflect.get(o, 'reason');
  const exitCode: unknown = Reflect.get(o, 'exitCode');
  return { reason: typeof reason === 'string' ? reason : 'unknown', exitCode: typeof exitCode === 'number' ? exitCode : null, restarted: Reflect.get(o, 'restarted') === true };
}

function isMenuCommand(v: unknown): v is MenuCommand {
  return typeof v === 'string' && (MENU_COMMANDS as readonly string[]).includes(v);
}

/** The preload's half of a drop: paths only for names that could be accepted (webUtils.getPathForFile is `pathOf`), main decides the rest. */
async function openDropped<E extends { ports: readonly unknown[] }>(ipc: IpcLike<E>, files: readonly File[], pathOf: (file: File) => string): Promise<DropResult> {
  const paths: string[] = [];
  const refused: DropRefusal[] = [];
  for (const file of [...files].slice(0, 64)) {
    // A file that does not live on disk (dragged out of a web page) has no path.
    const path = wantsPath(file.name) ? pathOf(file) : '';
    if (path) paths.push(path);
    else refused.push({ name: file.name, reason: 'unsupported' });
  }
  const empty: DropResult = { project: null, openedElsewhere: 0, data: null, refused: [] };
  const answer = paths.length ? DropResultMessage.safeParse(await ipc.invoke(IPC.dropped, paths)) : { success: true as const, data: empty };
  const result = answer.success ? answer.data : empty;
  return { ...result, refused: [...refused, ...result.refused] };
}

export function createDesktopApi<E extends { ports: readonly unknown[] }>(ipc: IpcLike<E>, postToPage: (nonce: string, ports: E['ports']) => void, platform: string, pathOf: (file: File) => string): DropoutLabDesktopApi {
  let pendingNonce: string | null = null;
  ipc.on(IPC.port, (event) => {
    if (pendingNonce === null || event.ports.length !== 1) return;
    const nonce = pendingNonce;
    pendingNonce = null;
    postToPage(nonce, event.ports);
  });
  return {
    platform,
    acquireEnginePort(nonce) {
      if (typeof nonce !== 'string' || nonce.length < 16) throw new Error('acquireEnginePort needs a random nonce of at least 16 characters');
      pendingNonce = nonce;
      ipc.send(IPC.acquirePort);
    },
    onEngineLost(cb) {
      const l = (_e: E, info: unknown) => cb(asLost(info));
      ipc.on(IPC.engineLost, l);
      return () => void ipc.off(IPC.engineLost, l);
    },
    onMenuCommand(cb) {
      const l = (_e: E, c: unknown) => {
        if (isMenuCommand(c)) cb(c);
      };
      ipc.on(IPC.menu, l);
      return () => void ipc.off(IPC.menu, l);
    },
    initialFile: async () => asOpenedFile(await ipc.invoke(IPC.initialFile)),
    showOpenDialog: async () => asOpenedFile(await ipc.invoke(IPC.openDialog)),
    showSaveDialog: async (name) => asOpenedFile(await ipc.invoke(IPC.saveDialog, String(name))),
    showExportDialog: async (name) => asOpenedFile(await ipc.invoke(IPC.exportDialog, String(name))),
    showDataDialog: async (kind) => asOpenedFile(await ipc.invoke(IPC.dataDialog, kind === 'idx' || kind === 'folder' || kind === 'npz' ? kind : 'csv')),
    setDocumentState: (s) => ipc.send(IPC.documentState, { dirty: Boolean(s.dirty), title: String(s.title), path: s.path === null ? null : String(s.path) }),
    recentFiles: async () => RecentList.catch([]).parse(await ipc.invoke(IPC.recentList)),
    noteRecentFile: async (path) => RecentList.catch([]).parse(await ipc.invoke(IPC.recent, String(path))),
    openRecentFile: async (path) => asOpenedFile(await ipc.invoke(IPC.openRecent, String(path))),
    openDropped: (files) => openDropped(ipc, files, pathOf),
    // Parsed here as well as in main, so a page's mistake shows up where it was made.
    reportRun: (report) => ipc.send(IPC.run, RunReportMessage.parse(report)),
    setAppearance: (appearance) => ipc.send(IPC.appearance, AppearanceMessage.parse(appearance)),
  };
}
