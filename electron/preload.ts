/**
 * The renderer's only door to the desktop: a narrow, typed API on
 * `window.dropoutLab` (electron/preload-api.ts). The engine port is handed to
 * the page with window.postMessage carrying the nonce the page chose, so only
 * the page that asked gets it. Runs sandboxed: bundled, no Node.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC, MENU_COMMANDS, type DropoutLabDesktopApi, type EngineLostInfo, type MenuCommand, type OpenedFile } from './preload-api.ts';

let pendingNonce: string | null = null;

ipcRenderer.on(IPC.port, (event: IpcRendererEvent) => {
  if (pendingNonce === null || event.ports.length !== 1) return;
  window.postMessage(pendingNonce, '*', [...event.ports]);
  pendingNonce = null;
});

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

const api: DropoutLabDesktopApi = {
  platform: process.platform,
  acquireEnginePort(nonce) {
    if (typeof nonce !== 'string' || nonce.length < 16) throw new Error('acquireEnginePort needs a random nonce of at least 16 characters');
    pendingNonce = nonce;
    ipcRenderer.send(IPC.acquirePort);
  },
  onEngineLost(cb) {
    const l = (_e: IpcRendererEvent, info: unknown) => cb(asLost(info));
    ipcRenderer.on(IPC.engineLost, l);
    return () => void ipcRenderer.off(IPC.engineLost, l);
  },
  onMenuCommand(cb) {
    const l = (_e: IpcRendererEvent, c: unknown) => {
      if (isMenuCommand(c)) cb(c);
    };
    ipcRenderer.on(IPC.menu, l);
    return () => void ipcRenderer.off(IPC.menu, l);
  },
  initialFile: async () => asOpenedFile(await ipcRenderer.invoke(IPC.initialFile)),
  showOpenDialog: async () => asOpenedFile(await ipcRenderer.invoke(IPC.openDialog)),
  showSaveDialog: async (name) => asOpenedFile(await ipcRenderer.invoke(IPC.saveDialog, String(name))),
  setDocumentState: (s) => ipcRenderer.send(IPC.documentState, { dirty: Boolean(s.dirty), title: String(s.title), path: s.path === null ? null : String(s.path) }),
  noteRecentFile: (path) => ipcRenderer.send(IPC.recent, String(path)),
};

contextBridge.exposeInMainWorld('dropoutLab', api);
