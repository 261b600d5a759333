/**
 * The open project's recovery copy. The engine owns the project document
 * (project-session.ts), so keeping it safe is its job too: after every change
 * the whole document, where it lives and whether it is saved are written to
 * a journal of this engine's session (atomically, by the host's store). A
 * restarted engine of the same session picks its journal up at once; a
 * journal with unsaved work whose engine is gone (a closed tab or window, a
 * crashed app) is offered to the next engine of the same scope. Run weights
 * are not in the journal: they stay in the run store (`<run>-final`).
 */
import { z } from 'zod';

/** Where journals are kept (engine/host/node/node-host.ts writes files; tests may keep them in memory). */
export interface JournalStore {
  /** This engine's session: the same across restarts of one window's engine, new for every window. */
  readonly session: string;
  /** Journals are offered only to engines of the same scope (the web host's folder, or the desktop). */
  readonly scope: string;
  /** Replaces the session's journal atomically. */
  write(session: string, text: string): void;
  read(session: string): string | null;
  /** Every session with a journal. */
  sessions(): string[];
  /** Reads and removes the journal in one step; null when another engine took it first. */
  take(session: string): string | null;
  remove(session: string): void;
  alive(pid: number): boolean;
}

const JournalSchema = z.object({
  format: z.literal('dropout-lab-journal'),
  version: z.literal(1),
  session: z.string(),
  pid: z.number().int(),
  scope: z.string(),
  path: z.string().nullable(),
  dirty: z.boolean(),
  saved_at: z.string(),
  /** Checked against the project schema when it is restored, so a damaged one is refused with the reason. */
  doc: z.unknown(),
});
export type Journal = z.infer<typeof JournalSchema>;

export interface JournalState {
  doc: unknown;
  path: string | null;
  dirty: boolean;
}

export class RecoveryJournal {
  private failed = false;

  constructor(private readonly store: JournalStore | undefined, private readonly pid: number, private readonly warn: (message: string) => void) {}

  /** Keeps the state; a failure is said once (until a write works again), never thrown at the edit that caused it. */
  write(s: JournalState, now = new Date()): void {
    if (!this.store) return;
    const j: Journal = { format: 'dropout-lab-journal', version: 1, session: this.store.session, pid: this.pid, scope: this.store.scope, path: s.path, dirty: s.dirty, saved_at: now.toISOString(), doc: s.doc };
    try {
      this.store.write(this.store.session, JSON.stringify(j));
      this.failed = false;
    } catch (e) {
      if (!this.failed) this.warn(`the recovery copy of the project could not be written: ${(e as Error).message}; save the project to keep your changes`);
      this.failed = true;
    }
  }

  /** This session's journal, left by an engine of this window that died. */
  own(): Journal | null {
    return this.store ? parse(this.store.read(this.store.session)) : null;
  }

  /** The newest unsaved journal of the same scope whose engine is gone, to offer to the user. */
  offer(): Journal | null {
    const s = this.store;
    if (!s) return null;
    const orphans = s.sessions()
      .filter((id) => id !== s.session)
      .map((id) => parse(s.read(id)))
      .filter((j): j is Journal => j !== null && j.dirty && j.scope === s.scope && !s.alive(j.pid));
    return orphans.sort((a, b) => b.saved_at.localeCompare(a.saved_at))[0] ?? null;
  }

  /** Takes an offered journal away from every other engine; null when it is gone. */
  take(session: string): Journal | null {
    return this.store ? parse(this.store.take(session)) : null;
  }

  discard(session: string): void {
    this.store?.remove(session);
  }
}

function parse(text: string | null): Journal | null {
  if (text === null) return null;
  try {
    const r = JournalSchema.safeParse(JSON.parse(text));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}
