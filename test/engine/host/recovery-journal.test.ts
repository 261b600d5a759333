/**
 * Which journal an engine takes back or offers; that runs are journaled once
 * each, apart from the document, and put back in order (or reported lost with
 * the reason); and that a failed write is said once, never thrown at the
 * edit.
 */
import { describe, expect, it } from 'vitest';
import { RecoveryJournal, type JournalStore } from '../../../engine/host/recovery-journal.ts';
import { newProject, type Project, type RunRecord } from '../../../engine/project/project.ts';

const ALIVE = 100;
const DEAD = 200;

type MemoryStore = JournalStore & { docs: Map<string, string>; runs: Map<string, Map<string, string>>; log: string[] };

/** Journals in memory; `log` lists every change in order. */
function memoryStore(session: string, scope = 'root:/w', docs = new Map<string, string>(), runs = new Map<string, Map<string, string>>()): MemoryStore {
  const of = (s: string) => runs.get(s) ?? runs.set(s, new Map()).get(s)!;
  const log: string[] = [];
  return {
    docs, runs, log, session, scope,
    write: (s, text) => void (log.push(`doc ${s}`), docs.set(s, text)),
    writeRun: (s, id, text) => void (log.push(`run ${s}/${id}`), of(s).set(id, text)),
    read: (s) => docs.get(s) ?? null,
    readRun: (s, id) => runs.get(s)?.get(id) ?? null,
    runIds: (s) => [...of(s).keys()],
    removeRun: (s, id) => void (log.push(`remove ${s}/${id}`), of(s).delete(id)),
    sessions: () => [...docs.keys()],
    take(s) {
      const doc = docs.get(s);
      if (doc === undefined || s === session) return null;
      log.push(`take ${s}`);
      docs.delete(s);
      docs.set(session, doc);
      runs.set(session, of(s));
      runs.delete(s);
      return { doc, runs: of(session) };
    },
    remove: (s) => void (docs.delete(s), runs.delete(s)),
    alive: (pid) => pid === ALIVE,
  };
}

const BASE = newProject({ name: 'P', model: { input_shape: [2], layers: [{ kind: 'Linear', name: 'fc', in_features: 2, out_features: 2 }] }, dataset: { id: 'moons', samples: 100, seed: 0 } }, new Date('2026-12-01T09:00:00Z')).project;

function run(id: string, steps = 3): RunRecord {
  return {
    id, name: id, created: '2026-12-01T09:30:00Z', status: 'done', spec: BASE.model, dataset: BASE.dataset, settings: BASE.training,
    history: { epochs: [], step_losses: Array.from({ length: steps }, (_, i) => 1 / (i + 1)), best_epoch: null, stopped_early: false },
    test: null, normalizer: null, weights: null, note: '',
  };
}

function project(name: string, runs: RunRecord[] = []): Project {
  return { ...BASE, name, runs };
}

/** A journal left by another engine, as it would have written it. */
function left(docs: Map<string, string>, session: string, o: { pid?: number; scope?: string; dirty?: boolean; saved_at?: string; name?: string } = {}): void {
  new RecoveryJournal(memoryStore(session, o.scope ?? 'root:/w', docs), o.pid ?? DEAD, () => {}).write({ doc: project(o.name ?? session), path: null, dirty: o.dirty ?? true }, new Date(o.saved_at ?? '2026-12-01T10:00:00Z'));
}

const journal = (store: JournalStore) => new RecoveryJournal(store, 1, () => {});

describe('the recovery journal', () => {
  it('writes the document without its runs, with the run ids in order, where it lives, whether it is saved, and who wrote it', () => {
    const store = memoryStore('me');
    const runs = [run('run-b'), run('run-a')];
    new RecoveryJournal(store, 42, () => {}).write({ doc: project('P', runs), path: '/w/p.dlab', dirty: true }, new Date('2026-12-03T12:00:00Z'));
    const { runs: _, ...doc } = project('P');
    expect(JSON.parse(store.docs.get('me')!)).toEqual({ format: 'dropout-lab-journal', version: 2, session: 'me', pid: 42, scope: 'root:/w', path: '/w/p.dlab', dirty: true, saved_at: '2026-12-03T12:00:00.000Z', doc, runs: ['run-b', 'run-a'] });
    expect(JSON.parse(store.runs.get('me')!.get('run-b')!)).toEqual(runs[0]);
    expect(JSON.parse(store.runs.get('me')!.get('run-a')!)).toEqual(runs[1]);
  });

  it('journals a run once, before the document that lists it; an edit writes only the document', () => {
    const store = memoryStore('me');
    const j = journal(store);
    let doc = project('P');
    j.write({ doc, path: null, dirty: false });
    doc = { ...doc, runs: [...doc.runs, run('run-1', 300_000)] };
    j.write({ doc, path: null, dirty: true });
    for (const name of ['a', 'b', 'c']) j.write({ doc: { ...doc, name }, path: null, dirty: true });
    expect(store.log).toEqual(['doc me', 'run me/run-1', 'doc me', 'doc me', 'doc me', 'doc me']);
  });

  it('writes a run again when its record is replaced (training records the run after every epoch, then its outcome)', () => {
    const store = memoryStore('me');
    const j = journal(store);
    j.write({ doc: project('P', [{ ...run('run-1'), status: 'running' }]), path: null, dirty: true });
    j.write({ doc: project('P', [run('run-1', 5)]), path: null, dirty: true });
    expect(store.log).toEqual(['run me/run-1', 'doc me', 'run me/run-1', 'doc me']);
    expect(journal(memoryStore('me', 'root:/w', store.docs, store.runs)).own()?.doc).toMatchObject({ runs: [{ status: 'done', history: { step_losses: [1, 1 / 2, 1 / 3, 1 / 4, 1 / 5] } }] });
  });

  it('writes a run’s entry again when it went behind the engine’s back (its folder taken by another engine in a restart race)', () => {
    const store = memoryStore('me');
    const j = journal(store);
    const doc = project('P', [run('run-1')]);
    j.write({ doc, path: null, dirty: true });
    store.runs.delete('me');
    j.write({ doc: { ...doc, name: 'renamed' }, path: null, dirty: true });
    expect(journal(memoryStore('me', 'root:/w', store.docs, store.runs)).own()).toMatchObject({ lost: [], doc: { name: 'renamed', runs: [{ id: 'run-1' }] } });
  });

  it('removes a deleted run’s entry only after the document that no longer lists it is written', () => {
    const store = memoryStore('me');
    const j = journal(store);
    const runs = [run('run-1'), run('run-2')];
    j.write({ doc: project('P', runs), path: null, dirty: true });
    store.log.length = 0;
    j.write({ doc: project('P', [runs[1]]), path: null, dirty: true });
    expect(store.log).toEqual(['doc me', 'remove me/run-1']);
  });

  it('after a crash between a run’s entry and the document, a restarted engine gets the document as it was, and its next write removes the stray entry', () => {
    const store = memoryStore('me');
    const j = journal(store);
    j.write({ doc: project('edited', [run('run-1')]), path: null, dirty: true });
    // The engine wrote the next run's entry and died before the document listing it.
    store.writeRun('me', 'run-2', JSON.stringify(run('run-2')));

    const next = journal(memoryStore('me', 'root:/w', store.docs, store.runs));
    const back = next.own()!;
    expect(back.lost).toEqual([]);
    expect(back.doc).toEqual(project('edited', [run('run-1')]));
    next.write({ doc: project('edited again', [run('run-1')]), path: null, dirty: true });
    expect([...store.runs.get('me')!.keys()]).toEqual(['run-1']);
  });

  it('a document whose write failed leaves the previous one whole, and its run is listed once a write works', () => {
    const warnings: string[] = [];
    const store = memoryStore('me');
    let full = false;
    const j = new RecoveryJournal({ ...store, write: (s, t) => (full ? (() => { throw new Error('ENOSPC: no space left on device'); })() : store.write(s, t)) }, 1, (m) => warnings.push(m));
    j.write({ doc: project('before'), path: null, dirty: true });
    full = true;
    j.write({ doc: project('after', [run('run-1')]), path: null, dirty: true });
    expect(journal(memoryStore('me', 'root:/w', store.docs, store.runs)).own()?.doc).toEqual(project('before'));
    full = false;
    j.write({ doc: project('after', [run('run-1')]), path: null, dirty: true });
    expect(journal(memoryStore('me', 'root:/w', store.docs, store.runs)).own()?.doc).toEqual(project('after', [run('run-1')]));
    expect(warnings).toHaveLength(1);
  });

  it('brings the document back without a run whose entry is missing or damaged, and says which and why', () => {
    const store = memoryStore('me');
    journal(store).write({ doc: project('P', [run('run-1'), run('run-2'), run('run-3'), run('run-4'), run('run-5')]), path: null, dirty: true });
    const entries = store.runs.get('me')!;
    entries.delete('run-2');
    entries.set('run-3', entries.get('run-3')!.slice(0, 40));
    entries.set('run-4', JSON.stringify({ ...run('run-4'), history: 'garbage' }));
    const back = journal(store).own()!;
    expect(back.doc).toEqual(project('P', [run('run-1'), run('run-5')]));
    expect(back.lost.map((l) => l.run)).toEqual(['run-2', 'run-3', 'run-4']);
    expect(back.lost[0].reason).toMatch(/missing/);
    expect(back.lost[1].reason).toMatch(/damaged \(.*JSON/);
    expect(back.lost[2].reason).toMatch(/damaged \(.*history/);
  });

  it('does not write again the runs a restarted engine took back from its own entries', () => {
    const store = memoryStore('me');
    journal(store).write({ doc: project('P', [run('run-1', 300_000)]), path: null, dirty: true });
    const next = memoryStore('me', 'root:/w', store.docs, store.runs);
    const j = journal(next);
    const back = j.own()!.doc as Project;
    j.resumed(back.runs);
    j.write({ doc: { ...back, name: 'renamed' }, path: null, dirty: true });
    expect(next.log).toEqual(['doc me']);
  });

  it('gives a restarted engine its own session’s journal, and offers it to no one else while that is so', () => {
    const docs = new Map<string, string>();
    left(docs, 'me');
    expect(journal(memoryStore('me', 'root:/w', docs)).own()?.doc).toEqual(project('me'));
    expect(journal(memoryStore('me', 'root:/w', docs)).offer()).toBeNull();
  });

  it('offers the newest unsaved journal of the same scope whose engine is gone, and takes it with its runs', () => {
    const docs = new Map<string, string>();
    const runs = new Map<string, Map<string, string>>();
    left(docs, 'old', { saved_at: '2026-12-01T09:00:00Z' });
    new RecoveryJournal(memoryStore('newest', 'root:/w', docs, runs), DEAD, () => {}).write({ doc: project('newest', [run('run-9')]), path: null, dirty: true }, new Date('2026-12-02T09:00:00Z'));
    left(docs, 'saved', { dirty: false, saved_at: '2026-12-03T09:00:00Z' });
    left(docs, 'running', { pid: ALIVE, saved_at: '2026-12-03T09:00:00Z' });
    left(docs, 'elsewhere', { scope: 'root:/other', saved_at: '2026-12-03T09:00:00Z' });
    docs.set('damaged', '{"format": "dropout-lab-journal"');
    const j = journal(memoryStore('me', 'root:/w', docs, runs));
    expect(j.offer()?.session).toBe('newest');
    expect(j.take('newest')?.doc).toEqual(project('newest', [run('run-9')]));
    expect(j.take('newest')).toBeNull();
    expect(runs.has('newest')).toBe(false);
    expect([...runs.get('me')!.keys()]).toEqual(['run-9']); // the taken work is this session's journal now
    expect(j.offer()?.session).toBe('old');
    j.discard('old');
    expect(j.offer()).toBeNull();
  });

  it('does not take a journal whose engine came back after it was offered, nor one that is saved', () => {
    const docs = new Map<string, string>();
    left(docs, 'back', { pid: ALIVE });
    left(docs, 'saved', { dirty: false });
    const store = memoryStore('me', 'root:/w', docs);
    expect([journal(store).take('back'), journal(store).take('saved')]).toEqual([null, null]);
    expect(store.log).toEqual([]);
  });

  it('after taking a journal, writes the document only: the taken runs are in this session already', () => {
    const docs = new Map<string, string>();
    const runs = new Map<string, Map<string, string>>();
    new RecoveryJournal(memoryStore('gone', 'root:/w', docs, runs), DEAD, () => {}).write({ doc: project('gone', [run('run-1')]), path: null, dirty: true });
    const store = memoryStore('me', 'root:/w', docs, runs);
    const j = journal(store);
    const taken = j.take('gone')!;
    j.resumed((taken.doc as Project).runs);
    j.write({ doc: taken.doc as Project, path: null, dirty: true });
    expect(store.log).toEqual(['take gone', 'doc me']);
    expect(JSON.parse(docs.get('me')!)).toMatchObject({ session: 'me', pid: 1, runs: ['run-1'] });
  });

  it('says once that it cannot write, and again only after a write worked in between', () => {
    const warnings: string[] = [];
    let full = true;
    const store = { ...memoryStore('me'), write: () => {
      if (full) throw new Error('ENOSPC: no space left on device');
    } };
    const j = new RecoveryJournal(store, 1, (m) => warnings.push(m));
    const state = { doc: project('P'), path: null, dirty: true };
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
    j.write({ doc: project('P'), path: null, dirty: true });
    expect([j.own(), j.offer(), j.take('x')]).toEqual([null, null, null]);
  });
});
