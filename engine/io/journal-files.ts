/**
 * Recovery journals as files. A session's journal is a folder:
 * `<dir>/<session>/journal.json` (the document without its runs, replaced on
 * every change) and `<dir>/<session>/runs/<run-id>.json` (each run, written
 * once when it is recorded). Every file is replaced atomically (temp, fsync,
 * rename), so a crash mid-write leaves the previous one whole. Taking a
 * journal renames its whole folder to the taker's own session: of two engines
 * that want the same orphan, exactly one gets the document and all its runs,
 * and the work is never out of a session folder, so an engine killed at any
 * point after taking it leaves it to its restart or to the next engine.
 * The taker's own journal goes aside while it takes one; an engine killed
 * mid-take leaves it there, and the folder's asides are settled (gone if the
 * take got that far, else put back) whenever a store opens on it and whenever
 * one lists the sessions, so an engine already open when the taker died finds
 * its journal too.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { alive, writeFileAtomic } from './atomic-write.ts';
import type { JournalStore, TakenJournal } from '../host/recovery-journal.ts';

const SESSION = /^[A-Za-z0-9_-]{1,100}$/;
const RUN = /^[A-Za-z0-9_-]{1,200}$/;
const DOC = 'journal.json';
/** A journal set aside by a take: `.<session>.replaced-<pid>-<ms>`. */
const ASIDE = /^\.([A-Za-z0-9_-]{1,100})\.replaced-(\d+)-\d+$/;

function readOrNull(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

function namesIn(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function moved(from: string, to: string): boolean {
  try {
    renameSync(from, to);
    return true;
  } catch {
    return false;
  }
}

/** Best effort: a folder that cannot go now is settled at the next open or listing (settleAside). */
function removed(path: string): void {
  try {
    rmSync(path, { recursive: true, force: true });
  } catch {
    // left for the next store
  }
}

function checked(pattern: RegExp, what: string, id: string): string {
  if (!pattern.test(id)) throw new Error(`'${id}' is not a ${what} id (letters, digits, - and _)`);
  return id;
}

/**
 * Journals set aside by takes whose engine is gone: its session folder holds
 * the taken work (the take got that far), so the aside goes; else the take
 * stopped before it and the aside is that session's journal, put back.
 */
function settleAside(dir: string): void {
  for (const name of namesIn(dir)) {
    const m = ASIDE.exec(name);
    if (!m || alive(Number(m[2]))) continue;
    const own = join(dir, m[1]);
    if (existsSync(own)) removed(join(dir, name));
    else moved(join(dir, name), own);
  }
}

export function journalFiles(dir: string, session: string, scope: string): JournalStore {
  checked(SESSION, 'session', session);
  settleAside(dir);
  const folder = (s: string) => join(dir, checked(SESSION, 'session', s));
  const runsOf = (s: string) => join(folder(s), 'runs');
  const runFile = (s: string, id: string) => join(runsOf(s), `${checked(RUN, 'run', id)}.json`);
  const runIdsIn = (runs: string) => namesIn(runs).filter((n) => n.endsWith('.json')).map((n) => n.slice(0, -5)).filter((id) => RUN.test(id));

  function readWhole(s: string): TakenJournal | null {
    const doc = readOrNull(join(folder(s), DOC));
    const runs = new Map<string, string>();
    for (const id of runIdsIn(runsOf(s))) {
      const text = readOrNull(runFile(s, id));
      if (text !== null) runs.set(id, text);
    }
    return doc === null ? null : { doc, runs };
  }

  return {
    session,
    scope,
    write(s, text) {
      mkdirSync(folder(s), { recursive: true });
      writeFileAtomic(join(folder(s), DOC), new TextEncoder().encode(text));
    },
    writeRun(s, id, text) {
      mkdirSync(runsOf(s), { recursive: true });
      writeFileAtomic(runFile(s, id), new TextEncoder().encode(text));
    },
    read: (s) => readOrNull(join(folder(s), DOC)),
    readRun: (s, id) => readOrNull(runFile(s, id)),
    runIds: (s) => runIdsIn(runsOf(s)),
    removeRun: (s, id) => rmSync(runFile(s, id), { force: true }),
    sessions() {
      settleAside(dir);
      return namesIn(dir).filter((name) => SESSION.test(name) && statSync(join(dir, name), { throwIfNoEntry: false })?.isDirectory());
    },
    take(s) {
      if (s === session) return null;
      // This engine's journal goes aside (the taken document replaces the open one); a folder cannot be renamed over a full one.
      const aside = join(dir, `.${session}.replaced-${process.pid}-${Date.now()}`);
      const hadOwn = moved(folder(session), aside);
      if (!moved(folder(s), folder(session))) {
        if (hadOwn) moved(aside, folder(session));
        return null; // taken already
      }
      removed(aside);
      return readWhole(session);
    },
    remove: (s) => rmSync(folder(s), { recursive: true, force: true }),
    alive,
  };
}
