/**
 * The renderer's only door to the desktop: the narrow, typed API of
 * electron/preload-api.ts on `window.dropoutLab` (logic in desktop-api.ts).
 * The engine port reaches the page by window.postMessage carrying the nonce
 * the page chose. Runs sandboxed: bundled, no Node.
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { createDesktopApi } from './desktop-api.ts';

const api = createDesktopApi(ipcRenderer, (nonce, ports) => window.postMessage(nonce, '*', [...ports]), process.platform, (file) => webUtils.getPathForFile(file));
contextBridge.exposeInMainWorld('dropoutLab', api);
