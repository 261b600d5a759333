/**
 * Paces the events a busy engine would otherwise send by the thousand: a
 * tiny model trains ~20,000 steps a second, and one message per step floods
 * the WebSocket or IPC channel and the renderer behind it, so a Pause click
 * shows seconds late and the engine spends its time encoding messages.
 *
 * - Step losses are gathered into one `steps` event per interval.
 * - Progress events (`progress`, `sweep-progress`, `mc-progress`, `dataset-progress`) keep only the
 *   latest per run (a sweep's runs each have their own) and leave once per
 *   interval, in the order of their latest news.
 * - Any other event first sends what is held, so the order a client sees is
 *   the order things happened in (a run's last progress before its `finished`).
 */
import type { EngineEvent } from '../protocol.ts';

type Paced = Extract<EngineEvent, { type: 'progress' | 'sweep-progress' | 'mc-progress' | 'dataset-progress' }>;
type Steps = Extract<EngineEvent, { type: 'steps' }>;

/** Held events leave at most once per this many milliseconds (20 batches a second). */
export const PACE_MS = 50;

export class EventPacer {
  private steps: Steps | null = null;
  private readonly latest = new Map<string, Paced>();
  private lastSent = -Infinity;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly send: (e: EngineEvent) => void,
    private readonly intervalMs = PACE_MS,
  ) {}

  /** One step's loss of a run. */
  step(run_id: string, epoch: number, step: number, loss: number): void {
    const s = this.steps;
    if (s && s.run_id === run_id && s.epoch === epoch && s.first_step + s.losses.length === step) s.losses.push(loss);
    else {
      if (s) this.send(s); // a new epoch, run or gap: the batch so far leaves as it is
      this.steps = { type: 'steps', run_id, epoch, first_step: step, losses: [loss] };
    }
    this.due();
  }

  /** Any event: progress kinds are held (latest wins), others go out at once after what is held. */
  event(e: EngineEvent): void {
    if (e.type === 'progress' || e.type === 'sweep-progress' || e.type === 'mc-progress' || e.type === 'dataset-progress') {
      // Latest per run (a sweep trains several at once); re-inserted so they leave in the order of their last news.
      const key = e.type === 'progress' ? `progress ${e.run_id}` : e.type === 'sweep-progress' ? `sweep ${e.sweep_id} ${e.run_index}` : e.type;
      this.latest.delete(key);
      this.latest.set(key, e);
      this.due();
      return;
    }
    this.flush();
    this.send(e);
  }

  /** Sends everything held now. */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.lastSent = performance.now();
    const s = this.steps;
    this.steps = null;
    if (s) this.send(s);
    const held = [...this.latest.values()];
    this.latest.clear();
    for (const e of held) this.send(e);
  }

  /** Sends now when an interval has passed, else makes sure a timer will (the engine yields to its loop while it works). */
  private due(): void {
    const wait = this.intervalMs - (performance.now() - this.lastSent);
    if (wait <= 0) this.flush();
    else this.timer ??= setTimeout(() => {
      this.timer = null;
      this.flush();
    }, wait);
  }
}
