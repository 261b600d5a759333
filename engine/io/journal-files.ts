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
 */
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { alive, writeFileAtomic } from './atomic-write.ts';
import type { JournalStore, TakenJournal } from '../host/recovery-journal.ts';

const SESSION = /^[A-Za-z0-9_-]{1,100}$/;
const RUN = /^[A-Za-z0-9_-]{1,200}$/;
const DOC = 'journal.json';

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

function checked(pattern: RegExp, what: string, id: string): string {
  if (!pattern.test(id)) throw new Error(`'${id}' is not a ${what} id (letters, digits, - and _)`);
  return id;
}

export function journalFiles(dir: string, session: string, scope: string): JournalStore {
  checked(SESSION, 'session', session);
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
    sessions: () => namesIn(dir).filter((name) => SESSION.test(name) && statSync(join(dir, name), { throwIfNoEntry: false })?.isDirectory()),
    take(s) {
      if (s === session) return null;
      // This engine's journal goes aside (the taken document replaces the open one); a folder cannot be renamed over a full one.
      const aside = join(dir, `.${session}.replaced-${process.pid}-${Date.now()}`);
      const hadOwn = moved(folder(session), aside);
      if (!moved(folder(s), folder(session))) {
        if (hadOwn) moved(aside, folder(session));
        return null; // taken already
      }
      rmSync(aside, { recursive: true, force: true });
      return readWhole(session);
    },
    remove: (s) => rmSync(folder(s), { recursive: true, force: true }),
    alive,
  };
}
