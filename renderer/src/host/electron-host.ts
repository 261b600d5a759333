/** The host inside Electron: the engine port arrives from the preload (nonce-checked), dialogs are native. */
import type { DesktopLocale, DesktopTheme, DropoutLabDesktopApi } from '../../../electron/preload-api.ts';
import type { ToClient } from '../../../engine/protocol.ts';
import { transferables } from '../../../engine/host/wire.ts';
import { isToClient, type ConnectionStatus, type DropResult, type FileSetId, type Host, type RunReport } from './host.ts';
import { localPreferences } from './preferences.ts';
import { t } from '../i18n/index.svelte.ts';

export class ElectronHost implements Host {
  readonly kind = 'electron';
  readonly preferences = localPreferences;
  private port: MessagePort | null = null;
  private queue: unknown[] = [];

  constructor(private readonly api: DropoutLabDesktopApi) {}

  connect(h: { message(msg: ToClient): void; status(s: ConnectionStatus): void }): void {
    const acquire = () => {
      const nonce = crypto.randomUUID();
      const onPort = (e: MessageEvent) => {
        if (e.source !== window || e.data !== nonce || e.ports.length !== 1) return;
        window.removeEventListener('message', onPort);
        this.port?.close();
        const port = e.ports[0];
        port.onmessage = (m) => {
          if (isToClient(m.data)) h.message(m.data);
        };
        port.start();
        this.port = port;
        for (const q of this.queue.splice(0)) this.post(q);
        h.status({ state: 'connected', detail: 'engine in a utility process' });
      };
      window.addEventListener('message', onPort);
      this.api.acquireEnginePort(nonce);
    };
    h.status({ state: 'connecting' });
    this.api.onEngineLost((info) => {
      this.port?.close();
      this.port = null;
      if (info.restarted) {
        h.status({ state: 'restarting', detail: t('common.engine.restarting', { reason: info.reason }) });
        acquire();
      } else h.status({ state: 'disconnected', detail: info.reason });
    });
    acquire();
  }

  post(msg: unknown): void {
    if (!this.port) {
      this.queue.push(msg);
      return;
    }
    this.port.postMessage(msg, transferables(msg));
  }

  async chooseOpenPath(): Promise<string | null> {
    return (await this.api.showOpenDialog())?.path ?? null;
  }

  async chooseSavePath(suggestedName: string): Promise<string | null> {
    return (await this.api.showSaveDialog(suggestedName))?.path ?? null;
  }

  async chooseDataPath(kind: FileSetId): Promise<string | null> {
    const dialog = kind === 'csv' || kind === 'npz' || kind === 'idx' ? kind : 'folder';
    return (await this.api.showDataDialog(dialog))?.path ?? null;
  }

  async chooseExportDir(suggestedName: string): Promise<string | null> {
    return (await this.api.showExportDialog(suggestedName))?.path ?? null;
  }

  async initialPath(): Promise<string | null> {
    return (await this.api.initialFile())?.path ?? null;
  }

  onMenuCommand(cb: (command: string) => void): () => void {
    return this.api.onMenuCommand(cb);
  }

  setDocumentState(state: { dirty: boolean; title: string; path: string | null }): void {
    this.api.setDocumentState(state);
  }

  recent(): Promise<string[]> {
    return this.api.recentFiles();
  }

  noteRecent(path: string): Promise<string[]> {
    return this.api.noteRecentFile(path);
  }

  async openRecent(path: string): Promise<string | null> {
    return (await this.api.openRecentFile(path))?.path ?? null;
  }

  openDropped(files: readonly File[]): Promise<DropResult | null> {
    return this.api.openDropped(files);
  }

  reportRun(report: RunReport): void {
    this.api.reportRun(report);
  }

  setAppearance(appearance: { theme: DesktopTheme; locale: DesktopLocale }): void {
    this.api.setAppearance(appearance);
  }
}
