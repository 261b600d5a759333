/**
 * One window's engine: a utility process, re-forked when it dies. The window
 * gets a MessageChannelMain port straight to the engine, so progress and
 * tensors never pass through main; main only forks, hands out ports, grants
 * paths chosen in dialogs and watches for the process going away. The fork
 * and the channel are injected so this logic is tested without Electron.
 */

/** The part of Electron's UtilityProcess this uses. */
export interface EngineChild {
  readonly pid: number | undefined;
  postMessage(message: unknown, transfer?: PortToEngine[]): void;
  kill(): boolean;
  on(event: 'exit', listener: (code: number) => void): this;
  /** The engine posts `{engine: 'listening'}` once it can take control messages. */
  on(event: 'message', listener: (message: unknown) => void): this;
}

/** Opaque port objects (MessagePortMain in Electron). */
export type PortToEngine = object;

export interface EngineLoss {
  reason: string;
  exitCode: number | null;
  restarted: boolean;
}

export interface SupervisorDeps<P extends PortToEngine> {
  fork(): EngineChild;
  /** A connected pair: one end for the engine, one for the renderer. */
  channel(): { engine: P; renderer: P };
  /** Hand the renderer end to the window (webContents.postMessage). */
  deliver(port: P): void;
  /** The window hears that its engine died (and whether a new one started). */
  lost(info: EngineLoss): void;
  /** Restarts allowed within `restartWindowMs` before giving up (a crash loop). */
  maxRestarts?: number;
  restartWindowMs?: number;
  now?: () => number;
}

export class EngineSupervisor<P extends PortToEngine> {
  private child: EngineChild | null = null;
  private stopped = false;
  private readonly grants = new Set<string>();
  private restarts: number[] = [];
  private listening = false;
  private held: { message: unknown; transfer?: P[] }[] = [];
  /** Bumped per fork so a late notice about an old process is ignored. */
  generation = 0;

  constructor(private readonly d: SupervisorDeps<P>) {}

  start(): void {
    this.stopped = false;
    this.spawn();
  }

  private spawn(): void {
    const child = this.d.fork();
    const gen = ++this.generation;
    this.child = child;
    this.listening = false;
    this.held = [...this.grants].map((path) => ({ message: { control: 'grant', path } }));
    child.on('exit', (code) => this.gone(gen, `the engine process exited with code ${code}`, code));
    child.on('message', (m) => {
      if (gen !== this.generation || typeof m !== 'object' || m === null || Reflect.get(m, 'engine') !== 'listening') return;
      this.listening = true;
      for (const h of this.held.splice(0)) child.postMessage(h.message, h.transfer);
    });
  }

  /** Control messages wait until the engine listens: a utility process may drop earlier ones. */
  private post(message: unknown, transfer?: P[]): void {
    if (!this.child) return;
    if (this.listening) this.child.postMessage(message, transfer);
    else this.held.push({ message, transfer });
  }

  /** Called for 'exit' and for app 'child-process-gone' (whichever comes first wins). */
  gone(gen: number, reason: string, exitCode: number | null): void {
    if (gen !== this.generation || this.stopped || !this.child) return;
    this.child = null;
    const now = (this.d.now ?? Date.now)();
    const windowMs = this.d.restartWindowMs ?? 60_000;
    this.restarts = [...this.restarts.filter((t) => now - t < windowMs), now];
    const restart = this.restarts.length <= (this.d.maxRestarts ?? 5);
    if (restart) this.spawn();
    this.d.lost({ reason, exitCode, restarted: restart });
  }

  /** A fresh channel: one end to the engine, the other to the window. */
  connectWindow(): void {
    if (!this.child) return;
    const { engine, renderer } = this.d.channel();
    this.post({ control: 'port' }, [engine]);
    this.d.deliver(renderer);
  }

  /** Lets the engine open or save a path the user chose in a dialog (kept across restarts). */
  grant(path: string): void {
    this.grants.add(path);
    this.post({ control: 'grant', path });
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  stop(): void {
    this.stopped = true;
    this.child?.kill();
    this.child = null;
  }
}
