/** Which journal an engine takes back or offers, and that a failed write is said once, never thrown at the edit. */
import { describe, expect, it } from 'vitest';
import { RecoveryJournal, type JournalStore } from '../../../engine/host/recovery-journal.ts';

const ALIVE = 100;
const DEAD = 200;

function memoryStore(session: string, scope = 'root:/w', files = new Map<string, string>()): JournalStore & { files: Map<string, string> } {
  return {
    files, session, scope,
    write: (s, text) => void files.set(s, text),
    read: (s) => files.get(s) ?? null,
    sessions: () => [...files.keys()],
    take(s) {
      const t = files.get(s) ?? null;
      files.delete(s);
      return t;
    },
    remove: (s) => void files.delete(s),
    alive: (pid) => pid === ALIVE,
  };
}

/** A journal left by another engine, as it would have written it. */
function left(files: Map<string, string>, session: string, o: { pid?: number; scope?: string; dirty?: boolean; saved_at?: string; name?: string } = {}): void {
  new RecoveryJournal(memoryStore(session, o.scope ?? 'root:/w', files), o.pid ?? DEAD, () => {}).write({ doc: { name: o.name ?? session }, path: null, dirty: o.dirty ?? true }, new Date(o.saved_at ?? '2026-12-01T10:00:00Z'));
}

describe('the recovery journal', () => {
  it('writes the document with where it lives, whether it is saved, and who wrote it', () => {
    const store = memoryStore('me');
    new RecoveryJournal(store, 42, () => {}).write({ doc: { name: 'P' }, path: '/w/p.dlab', dirty: true }, new Date('2026-12-03T12:00:00Z'));
    expect(JSON.parse(store.files.get('me')!)).toEqual({ format: 'dropout-lab-journal', version: 1, session: 'me', pid: 42, scope: 'root:/w', path: '/w/p.dlab', dirty: true, saved_at: '2026-12-03T12:00:00.000Z', doc: { name: 'P' } });
  });

  it('gives a restarted engine its own session’s journal, and offers it to no one else while that is so', () => {
    const files = new Map<string, string>();
    left(files, 'me');
    expect(new RecoveryJournal(memoryStore('me', 'root:/w', files), 1, () => {}).own()?.doc).toEqual({ name: 'me' });
    expect(new RecoveryJournal(memoryStore('me', 'root:/w', files), 1, () => {}).offer()).toBeNull();
  });

  it('offers the newest unsaved journal of the same scope whose engine is gone', () => {
    const files = new Map<string, string>();
    left(files, 'old', { saved_at: '2026-12-01T09:00:00Z' });
    left(files, 'newest', { saved_at: '2026-12-02T09:00:00Z' });
    left(files, 'saved', { dirty: false, saved_at: '2026-12-03T09:00:00Z' });
    left(files, 'running', { pid: ALIVE, saved_at: '2026-12-03T09:00:00Z' });
    left(files, 'elsewhere', { scope: 'root:/other', saved_at: '2026-12-03T09:00:00Z' });
    files.set('damaged', '{"format": "dropout-lab-journal"');
    const j = new RecoveryJournal(memoryStore('me', 'root:/w', files), 1, () => {});
    expect(j.offer()?.session).toBe('newest');
    expect(j.take('newest')?.doc).toEqual({ name: 'newest' });
    expect(j.take('newest')).toBeNull();
    expect(j.offer()?.session).toBe('old');
    j.discard('old');
    expect(j.offer()).toBeNull();
  });

  it('says once that it cannot write, and again only after a write worked in between', () => {
    const warnings: string[] = [];
    let full = true;
    const store = { ...memoryStore('me'), write: () => {
      if (full) throw new Error('ENOSPC: no space left on device');
    } };
    const j = new RecoveryJournal(store, 1, (m) => warnings.push(m));
    const state = { doc: {}, path: null, dirty: true };
    j.write(state);
    j.write(state);
    expect(warnings).toEqual(['the recovery copy of the project could not be written: ENOSPC: no space left on device; save the project to keep your changes']);
    full = false;
    j.write(state);
    full = true;
    j.write(state);
    expect(warnings).toHaveLength(2);
  });

  it('without a store (the CLI) keeps nothing and offers nothing', () => {
    const j = new RecoveryJournal(undefined, 1, () => {});
    j.write({ doc: {}, path: null, dirty: true });
    expect([j.own(), j.offer(), j.take('x')]).toEqual([null, null, null]);
  });
});
