/**
 * The host in a browser tab served by `npm run web`: the engine is behind a
 * WebSocket on the same origin; the launch token comes from the URL fragment
 * (never sent in a Referer). File paths are relative to the folder the web
 * host was started in; it refuses anything outside.
 */
import { MAX_MESSAGE_BYTES, type ToClient } from '../../../engine/protocol.ts';
import { tooLargeMessage } from '../../../engine/host/message-limits.ts';
import { decodeWire, encodeWire } from '../../../engine/host/wire.ts';
import { RecentAnswer } from '../../../web/recent-api.ts';
import { isToClient, type ConnectionStatus, type DropResult, type FileSetId, type Host } from './host.ts';
import { localPreferences } from './preferences.ts';
import { t } from '../i18n/index.svelte.ts';


export function tokenFromLocation(loc: Location): string | null {
  const m = /(?:^#|&)token=([A-Za-z0-9_-]+)/.exec(loc.hash);
  return m ? m[1] : null;
}

export class WebHost implements Host {
  readonly kind = 'web';
  readonly preferences = localPreferences;
  private ws: WebSocket | null = null;
  private queue: string[] = [];

  constructor(private readonly token: string | null) {}

  connect(h: { message(msg: ToClient): void; status(s: ConnectionStatus): void }): void {
    if (!this.token) {
      h.status({ state: 'disconnected', detail: t('common.web.noToken') });
      return;
    }
    h.status({ state: 'connecting' });
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/engine?token=${encodeURIComponent(this.token)}`;
    const ws = new WebSocket(url);
    ws.onopen = () => {
      this.ws = ws;
      for (const q of this.queue.splice(0)) ws.send(q);
      h.status({ state: 'connected', detail: 'engine in a Node process behind the web host' });
    };
    ws.onmessage = (e) => {
      if (typeof e.data !== 'string') return;
      let msg: unknown;
      try {
        msg = decodeWire(e.data);
      } catch {
        return;
      }
      if (isToClient(msg)) h.message(msg);
    };
    ws.onclose = (e) => {
      this.ws = null;
      h.status({ state: 'disconnected', detail: e.reason || t('common.web.closed', { code: e.code }) });
    };
  }

  /** Throws (the request fails with the reason) instead of sending what the web host would refuse by closing the connection (1009). */
  post(msg: unknown): void {
    const text = encodeWire(msg);
    if (text.length * 3 > MAX_MESSAGE_BYTES) { // UTF-8 takes at most 3 bytes per UTF-16 unit: measure only near the limit
      const bytes = new TextEncoder().encode(text).length;
      if (bytes > MAX_MESSAGE_BYTES) throw new Error(tooLargeMessage(bytes));
    }
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(text);
    else this.queue.push(text);
  }

  async chooseOpenPath(): Promise<string | null> {
    return window.prompt(t('common.web.prompt.open'), 'project.dlab');
  }

  async chooseSavePath(suggestedName: string): Promise<string | null> {
    return window.prompt(t('common.web.prompt.save'), suggestedName);
  }

  async chooseDataPath(kind: FileSetId): Promise<string | null> {
    return window.prompt(t('common.web.prompt.data', { what: t(`common.web.source.${kind}`) }), '');
  }

  async chooseExportDir(suggestedName: string): Promise<string | null> {
    return window.prompt(t('common.web.prompt.export'), suggestedName);
  }

  async initialPath(): Promise<string | null> {
    return null;
  }

  onMenuCommand(): () => void {
    return () => {};
  }

  setDocumentState(state: { dirty: boolean; title: string }): void {
    document.title = `${state.dirty ? '• ' : ''}${state.title} — Dropout Lab`;
  }

  /** The web host keeps the list on disk for its folder (a tab's own storage would be lost with the port, which changes every launch). */
  recent(): Promise<string[]> {
    return this.recentRequest('GET');
  }

  noteRecent(path: string): Promise<string[]> {
    return this.recentRequest('POST', path);
  }

  /** The engine reads the path inside the web host's folder and says when it is gone. */
  async openRecent(path: string): Promise<string | null> {
    return path;
  }

  private async recentRequest(method: 'GET' | 'POST', path?: string): Promise<string[]> {
    if (!this.token) return [];
    const res = await fetch('/recent', {
      method,
      headers: { Authorization: `Bearer ${this.token}`, ...(path === undefined ? {} : { 'Content-Type': 'application/json' }) },
      ...(path === undefined ? {} : { body: JSON.stringify({ path }) }),
    });
    if (!res.ok) throw new Error(`the web host did not answer for the recent files (${res.status} ${await res.text()})`);
    const r = RecentAnswer.safeParse(await res.json());
    return r.success ? r.data.recent : [];
  }

  /** A browser never tells a page where a dropped file lives, and the engine reads files by path: nothing to open. */
  async openDropped(): Promise<DropResult | null> {
    return null;
  }

  /** A tab has no taskbar progress or power-save blocker. */
  reportRun(): void {}

  /** The page's own colours are all a tab shows, and it has no native menus. */
  setAppearance(): void {}
}
