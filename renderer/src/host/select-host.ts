/** Picks the host for where the renderer runs: the preload's API under Electron, else the web host. */
import type { DropoutLabDesktopApi } from '../../../electron/preload-api.ts';
import { ElectronHost } from './electron-host.ts';
import type { Host } from './host.ts';
import { WebHost, tokenFromLocation } from './web-host.ts';

declare global {
  interface Window {
    dropoutLab?: DropoutLabDesktopApi;
  }
}

export function selectHost(): Host {
  return window.dropoutLab ? new ElectronHost(window.dropoutLab) : new WebHost(tokenFromLocation(location));
}
