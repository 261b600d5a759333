/**
 * The engine as UI state: connection status, the catalog, the last validation
 * report, live training events. Requests go through the host; replies are
 * matched by id (engine/host/client.ts).
 */
import { EngineClient } from '../../../engine/host/client.ts';
import type { EngineEvent, ParamsOf, RequestType, ResultOf } from '../../../engine/protocol.ts';
import type { ConnectionStatus, Host } from '../host/host.ts';
import { t } from '../i18n/index.svelte.ts';

export type Catalog = ResultOf<'catalog'>;
export type SpecReport = ResultOf<'validate'>;

export class EngineState {
  status = $state<ConnectionStatus>({ state: 'connecting' });
  catalog = $state.raw<Catalog | null>(null);
  error = $state<string | null>(null);
  /** The engine's recent log lines (warnings about checkpoints, failures), newest last. */
  logs = $state.raw<Extract<EngineEvent, { type: 'log' }>[]>([]);
  /** How many times a fresh engine replaced a lost one. */
  restarts = 0;
  private readonly client: EngineClient;
  private readonly readyWaiters: (() => void)[] = [];

  constructor(private readonly host: Host) {
    this.client = new EngineClient((m) => host.post(m));
  }

  start(): void {
    this.client.onEvent((e) => {
      if (e.type === 'log') this.logs = [...this.logs.slice(-49), e];
      if (e.type === 'ready') {
        if (this.status.state === 'restarting') this.status = { state: 'connected', detail: t('common.engine.tookOver') };
        void this.loadCatalog();
      }
      if (e.type === 'engine-lost') {
        if (e.restarted) this.restarts++;
        this.client.failAll(t('common.engine.stopped', { reason: e.reason }));
        this.status = e.restarted ? { state: 'restarting', detail: t('common.engine.restarting', { reason: e.reason }) } : { state: 'disconnected', detail: e.reason };
      }
    });
    this.host.connect({
      message: (m) => this.client.receive(m),
      status: (s) => {
        if (s.state === 'restarting') this.restarts++;
        this.status = s;
        if (s.state !== 'connected') this.client.failAll(t(s.state === 'restarting' ? 'common.engine.restarted' : 'common.engine.closed'));
      },
    });
  }

  /** Engine events (training progress, …) for whoever shows them; returns an unsubscribe function. */
  onEvent(listener: (e: EngineEvent) => void): () => void {
    return this.client.onEvent(listener);
  }

  request<T extends RequestType>(type: T, params: ParamsOf<T>): Promise<ResultOf<T>> {
    return this.client.request(type, params);
  }

  /** Resolves once the catalog has loaded (the engine answers requests). */
  whenReady(): Promise<void> {
    if (this.catalog) return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  async loadCatalog(): Promise<void> {
    try {
      this.catalog = await this.request('catalog', {});
      for (const w of this.readyWaiters.splice(0)) w();
      this.error = null;
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    }
  }
}
