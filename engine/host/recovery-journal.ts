/**
 * The open project's recovery copy. The engine owns the project document
 * (project-session.ts), so keeping it safe is its job too: after every change
 * the document, where it lives and whether it is saved are written to a
 * journal of this engine's session (atomically, by the host's store). A
 * restarted engine of the same session picks its journal up at once; a
 * journal with unsaved work whose engine is gone (a closed tab or window, a
 * crashed app) is offered to the next engine of the same scope. Run weights
 * are not in the journal: they stay in the run store (`<run>-final`).
 *
 * Runs do not change once recorded, and a long one holds hundreds of
 * thousands of step losses: each is journaled once, in its own entry, before
 * the document that lists it, so an edit writes only the document and the
 * run ids. A run entry the document no longer lists is removed after it is
 * written.
 */
import { z } from 'zod';
import { RunSchema, type Project } from '../project/project.ts';
import { describeZodError } from '../train/settings.ts';

/** A journal taken whole: the document's text and each run entry's text by run id. */
export interface TakenJournal {
  doc: string;
  runs: ReadonlyMap<string, string>;
}

/** Where journals are kept (engine/io/journal-files.ts writes files; tests may keep them in memory). */
export interface JournalStore {
  /** This engine's session: the same across restarts of one window's engine, new for every window. */
  readonly session: string;
  /** Journals are offered only to engines of the same scope (the web host's folder, or the desktop). */
  readonly scope: string;
  /** Replaces the session's document atomically. */
  write(session: string, text: string): void;
  /** Replaces one run's entry atomically. */
  writeRun(session: string, runId: string, text: string): void;
  read(session: string): string | null;
  readRun(session: string, runId: string): string | null;
  /** Every run entry the session holds. */
  runIds(session: string): string[];
  removeRun(session: string, runId: string): void;
  /** Every session with a journal. */
  sessions(): string[];
  /**
   * Makes another session's journal, its runs with it, this engine's own in one
   * step (replacing this engine's), and reads it; null when another engine took
   * it first. The work stays in the journal until this engine's next write
   * replaces it, so an engine that dies after taking it loses nothing.
   */
  take(session: string): TakenJournal | null;
  remove(session: string): void;
  alive(pid: number): boolean;
}

/** The document without runs, and the ids of its run entries in order. */
const JournalSchema = z.object({
  format: z.literal('dropout-lab-journal'),
  version: z.literal(2),
  session: z.string(),
  pid: z.number().int(),
  scope: z.string(),
  path: z.string().nullable(),
  dirty: z.boolean(),
  saved_at: z.string(),
  /** Checked against the project schema when it is restored, so a damaged one is refused with the reason. */
  doc: z.unknown(),
  runs: z.array(z.string()),
});
type JournalFile = z.infer<typeof JournalSchema>;

/** A journal as read back: the document with its runs put back, and the runs that could not be. */
export type Journal = Omit<JournalFile, 'version' | 'runs'> & {
  /** Runs the document lists whose entry is missing or damaged, with the reason; the document comes back without them. */
  lost: { run: string; reason: string }[];
};

export interface JournalState {
  doc: Project;
  path: string | null;
  dirty: boolean;
}

export class RecoveryJournal {
  private failed = false;
  /** Run id → the record its entry holds (the same object: a run replaced while training is written again). */
  private readonly journaled = new Map<string, unknown>();
  /** Runs own() or take() read from this session's entries. */
  private resumable = new Set<string>();

  constructor(private readonly store: JournalStore | undefined, private readonly pid: number, private readonly warn: (message: string) => void) {}

  /** Keeps the state; a failure is said once (until a write works again), never thrown at the edit that caused it. */
  write(s: JournalState, now = new Date()): void {
    const store = this.store;
    if (!store) return;
    const { runs, ...doc } = s.doc;
    const j: JournalFile = { format: 'dropout-lab-journal', version: 2, session: store.session, pid: this.pid, scope: store.scope, path: s.path, dirty: s.dirty, saved_at: now.toISOString(), doc, runs: runs.map((r) => r.id) };
    let present: Set<string>;
    try {
      // Entries are looked for on every write (one folder listing), so one removed behind this engine's back is written again.
      present = new Set(store.runIds(store.session));
      // Runs first: a crash before the document leaves an entry no document lists yet, never a listed run without one.
      for (const r of runs) {
        if (present.has(r.id) && this.journaled.get(r.id) === r) continue;
        store.writeRun(store.session, r.id, JSON.stringify(r));
        this.journaled.set(r.id, r);
      }
      store.write(store.session, JSON.stringify(j));
      this.failed = false;
    } catch (e) {
      if (!this.failed) this.warn(`the recovery copy of the project could not be written: ${(e as Error).message}; save the project to keep your changes`);
      this.failed = true;
      return;
    }
    this.sweep(present, new Set(j.runs));
  }

  /** The records own() gave back, as the session now holds them: their entries are there already, so they are not written again. */
  resumed(runs: readonly { id: string }[]): void {
    for (const r of runs) if (this.resumable.has(r.id)) this.journaled.set(r.id, r);
  }

  /** Removes the entries the written document no longer lists (a deleted run's, or one a crash left); a failure is tried again at the next write. */
  private sweep(present: ReadonlySet<string>, listed: ReadonlySet<string>): void {
    const store = this.store!;
    for (const id of this.journaled.keys()) if (!listed.has(id)) this.journaled.delete(id);
    for (const id of present) {
      if (listed.has(id)) continue;
      try {
        store.removeRun(store.session, id);
      } catch {
        /* an entry no document lists is never read */
      }
    }
  }

  /** This session's journal, left by an engine of this window that died. */
  own(): Journal | null {
    const s = this.store;
    if (!s) return null;
    return this.resuming(parse(s.read(s.session)), (id) => s.readRun(s.session, id));
  }

  /** The journal with its runs put back; the runs that came back are in this session already, so resumed() need not write them again. */
  private resuming(j: JournalFile | null, entry: (runId: string) => string | null): Journal | null {
    const back = assemble(j, entry);
    if (back && j) this.resumable = new Set(j.runs.filter((id) => !back.lost.some((l) => l.run === id)));
    return back;
  }

  /** The newest unsaved journal of the same scope whose engine is gone, to offer to the user (its runs are read when it is taken). */
  offer(): Omit<Journal, 'lost'> | null {
    const s = this.store;
    if (!s) return null;
    const orphans = s.sessions()
      .filter((id) => id !== s.session)
      // Named by where it is: a journal taken by an engine that died before writing its own still names the session it was taken from.
      .map((id) => { const j = parse(s.read(id)); return j && { ...j, session: id }; })
      .filter((j): j is JournalFile => j !== null && this.orphaned(j));
    return orphans.sort((a, b) => b.saved_at.localeCompare(a.saved_at))[0] ?? null;
  }

  private orphaned(j: JournalFile): boolean {
    return j.dirty && j.scope === this.store!.scope && !this.store!.alive(j.pid);
  }

  /**
   * Makes an offered journal, its runs with it, this engine's own, away from every
   * other engine; null when it is gone (or its engine came back since it was offered).
   */
  take(session: string): Journal | null {
    const s = this.store;
    const j = s && parse(s.read(session));
    if (!s || !j || !this.orphaned(j)) return null;
    const taken = s.take(session);
    return taken && this.resuming(parse(taken.doc), (id) => taken.runs.get(id) ?? null);
  }

  discard(session: string): void {
    this.store?.remove(session);
  }
}

function parse(text: string | null): JournalFile | null {
  if (text === null) return null;
  try {
    const r = JournalSchema.safeParse(JSON.parse(text));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}

/** Puts the document's runs back in their order. */
function assemble(j: JournalFile | null, entry: (runId: string) => string | null): Journal | null {
  if (!j) return null;
  const { version: _, runs: ids, ...rest } = j;
  const runs: unknown[] = [];
  const lost: Journal['lost'] = [];
  for (const id of ids) {
    const r = readRun(id, entry(id));
    if ('reason' in r) lost.push({ run: id, reason: r.reason });
    else runs.push(r.run);
  }
  // A damaged document is refused whole when it is restored (project-session.ts); its runs only go back into a document.
  const doc = typeof rest.doc === 'object' && rest.doc !== null ? { ...rest.doc, runs } : rest.doc;
  return { ...rest, doc, lost };
}

function readRun(id: string, text: string | null): { run: unknown } | { reason: string } {
  if (text === null) return { reason: 'its recovery entry is missing' };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { reason: `its recovery entry is damaged (${(e as Error).message})` };
  }
  const r = RunSchema.safeParse(raw);
  if (!r.success) return { reason: `its recovery entry is damaged (${describeZodError(r.error)})` };
  if (r.data.id !== id) return { reason: `its recovery entry holds another run (${r.data.id})` };
  return { run: raw };
}
