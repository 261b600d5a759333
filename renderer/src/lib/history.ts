/**
 * Undo/redo over immutable snapshots: every edit pushes the state before it
 * with a label ("Insert Dropout", "Set p"), so the menu can say what Undo
 * will undo. Edits made in quick succession to the same field (typing in a
 * number box) merge into one entry when they share a `coalesce` key.
 */
export interface HistoryEntry<T> {
  state: T;
  label: string;
}

export class History<T> {
  private past: HistoryEntry<T>[] = [];
  private future: HistoryEntry<T>[] = [];
  private lastKey: string | null = null;
  private lastAt = 0;

  constructor(private readonly limit = 200, private readonly mergeWindowMs = 800) {}

  /** Records `before` as the state an undo returns to; drops the redo branch. */
  record(before: T, label: string, coalesce: string | null = null, now = Date.now()): void {
    const merge = coalesce !== null && coalesce === this.lastKey && now - this.lastAt < this.mergeWindowMs && this.past.length > 0;
    if (!merge) {
      this.past.push({ state: before, label });
      if (this.past.length > this.limit) this.past.shift();
    }
    this.future = [];
    this.lastKey = coalesce;
    this.lastAt = now;
  }

  /** The state to go back to, given the current one (which becomes redoable), or null. */
  undo(current: T): HistoryEntry<T> | null {
    const e = this.past.pop();
    if (!e) return null;
    this.future.push({ state: current, label: e.label });
    this.lastKey = null;
    return e;
  }

  redo(current: T): HistoryEntry<T> | null {
    const e = this.future.pop();
    if (!e) return null;
    this.past.push({ state: current, label: e.label });
    this.lastKey = null;
    return e;
  }

  clear(): void {
    this.past = [];
    this.future = [];
    this.lastKey = null;
  }

  get undoLabel(): string | null {
    return this.past.at(-1)?.label ?? null;
  }

  get redoLabel(): string | null {
    return this.future.at(-1)?.label ?? null;
  }
}
