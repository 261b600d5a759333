/**
 * Recovery journals as files: `<dir>/<session>.json`, each replaced
 * atomically (temp, fsync, rename), so a crash mid-write leaves the previous
 * journal whole. Taking one renames it out of the way first: of two engines
 * that want the same orphan, exactly one gets it.
 */
import { mkdirSync, readFileSync, readdirSync, renameSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { alive, writeFileAtomic } from './atomic-write.ts';
import type { JournalStore } from '../host/recovery-journal.ts';

const SESSION = /^[A-Za-z0-9_-]{1,100}$/;

function readOrNull(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

export function journalFiles(dir: string, session: string, scope: string): JournalStore {
  if (!SESSION.test(session)) throw new Error(`'${session}' is not a session id (letters, digits, - and _, at most 100)`);
  const file = (s: string) => {
    if (!SESSION.test(s)) throw new Error(`'${s}' is not a session id`);
    return join(dir, `${s}.json`);
  };
  return {
    session,
    scope,
    write(s, text) {
      mkdirSync(dir, { recursive: true });
      writeFileAtomic(file(s), new TextEncoder().encode(text));
    },
    read: (s) => readOrNull(file(s)),
    sessions() {
      try {
        return readdirSync(dir).filter((n) => n.endsWith('.json')).map((n) => n.slice(0, -5)).filter((s) => SESSION.test(s));
      } catch {
        return [];
      }
    },
    take(s) {
      const taken = join(dir, `.${s}.taken-by-${process.pid}`);
      try {
        renameSync(file(s), taken);
      } catch {
        return null;
      }
      const text = readOrNull(taken);
      unlinkSync(taken);
      return text;
    },
    remove(s) {
      try {
        unlinkSync(file(s));
      } catch {
        /* gone already */
      }
    },
    alive,
  };
}
