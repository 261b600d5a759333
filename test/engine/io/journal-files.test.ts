/**
 * Recovery journals on disk: a folder per session (the document, and one
 * entry per run), each file replaced whole, the folder taken by exactly one
 * engine.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { journalFiles } from '../../../engine/io/journal-files.ts';
import { RecoveryJournal } from '../../../engine/host/recovery-journal.ts';
import { newProject, type Project, type RunRecord } from '../../../engine/project/project.ts';

const fresh = () => join(mkdtempSync(join(tmpdir(), 'dlab-journal-')), 'recovery');
const DEAD_PID = 2 ** 22 + 17;

const BASE = newProject({ name: 'P', model: { input_shape: [2], layers: [{ kind: 'Linear', name: 'fc', in_features: 2, out_features: 2 }] }, dataset: { id: 'moons', samples: 100, seed: 0 } }, new Date('2026-12-01T09:00:00Z')).project;
const run = (id: string): RunRecord => ({
  id, name: id, created: '2026-12-01T09:30:00Z', status: 'done', spec: BASE.model, dataset: BASE.dataset, settings: BASE.training,
  history: { epochs: [], step_losses: [0.9, 0.5, 0.25], best_epoch: null, stopped_early: false }, test: null, normalizer: null, weights: null, note: '',
});
const project = (name: string, runs: RunRecord[] = []): Project => ({ ...BASE, name, runs });

describe('journal files', () => {
  it('writes, reads, lists and removes a session’s document and run entries, creating the folders', () => {
    const dir = fresh();
    const store = journalFiles(dir, 'win-1', 'desktop');
    expect(store.sessions()).toEqual([]);
    store.writeRun('win-1', 'run-1', '{"r":1}');
    store.write('win-1', '{"a":1}');
    store.write('win-1', '{"a":2}');
    expect(store.read('win-1')).toBe('{"a":2}');
    expect(store.readRun('win-1', 'run-1')).toBe('{"r":1}');
    expect(store.runIds('win-1')).toEqual(['run-1']);
    expect(store.sessions()).toEqual(['win-1']);
    // No temporary files left behind.
    expect(readdirSync(dir)).toEqual(['win-1']);
    expect(readdirSync(join(dir, 'win-1')).sort()).toEqual(['journal.json', 'runs']);
    expect(readdirSync(join(dir, 'win-1', 'runs'))).toEqual(['run-1.json']);
    store.removeRun('win-1', 'run-1');
    expect([store.readRun('win-1', 'run-1'), store.runIds('win-1')]).toEqual([null, []]);
    store.remove('win-1');
    expect(store.read('win-1')).toBeNull();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('lets only one of two engines take the same journal, with every run entry; it becomes the taker’s own, replacing the taker’s journal', () => {
    const dir = fresh();
    const gone = journalFiles(dir, 'gone', 'desktop');
    gone.writeRun('gone', 'run-1', 'first');
    gone.writeRun('gone', 'run-2', 'second');
    gone.write('gone', 'work');
    const a = journalFiles(dir, 'a', 'desktop');
    a.writeRun('a', 'run-a', 'replaced');
    a.write('a', 'the open project');
    const b = journalFiles(dir, 'b', 'desktop');
    b.write('b', 'b’s own');
    const taken = [a.take('gone'), b.take('gone')];
    expect(taken[0]?.doc).toBe('work');
    expect(Object.fromEntries(taken[0]!.runs)).toEqual({ 'run-1': 'first', 'run-2': 'second' });
    expect(taken[1]).toBeNull();
    expect(readdirSync(dir).sort()).toEqual(['a', 'b']);
    expect([a.read('a'), a.runIds('a').sort(), b.read('b')]).toEqual(['work', ['run-1', 'run-2'], 'b’s own']);
  });

  it('an engine killed after taking a journal, before writing its own, leaves the work to the next engine with every run', () => {
    const dir = fresh();
    new RecoveryJournal(journalFiles(dir, 'gone', 'desktop'), DEAD_PID, () => {}).write({ doc: project('unsaved', [run('run-1')]), path: null, dirty: true });
    // The taker: what it holds once take() returned, with no write of its own after (it died).
    expect(new RecoveryJournal(journalFiles(dir, 'taker', 'desktop'), DEAD_PID + 1, () => {}).take('gone')?.doc).toEqual(project('unsaved', [run('run-1')]));
    const next = new RecoveryJournal(journalFiles(dir, 'next', 'desktop'), process.pid, () => {});
    expect(next.offer()).toMatchObject({ session: 'taker', dirty: true });
    expect(next.take('taker')).toMatchObject({ doc: project('unsaved', [run('run-1')]), lost: [] });
    expect(readdirSync(dir)).toEqual(['next']);
  });

  it('settles a journal a killed taker set aside: gone when the take got that far, put back when it did not; a live taker’s is left alone', () => {
    const dir = fresh();
    // Killed after taking 'gone' into 'taker': its old journal is the aside, the taken work its folder.
    journalFiles(dir, 'taker', 'desktop').write('taker', 'the taken work');
    mkdirSync(join(dir, `.taker.replaced-${DEAD_PID}-1`));
    writeFileSync(join(dir, `.taker.replaced-${DEAD_PID}-1`, 'journal.json'), 'the replaced project');
    // Killed before the orphan's folder was renamed: the aside is all there is of 'early'.
    mkdirSync(join(dir, `.early.replaced-${DEAD_PID}-2`));
    writeFileSync(join(dir, `.early.replaced-${DEAD_PID}-2`, 'journal.json'), 'early’s own');
    // A take in flight in a live engine.
    mkdirSync(join(dir, `.busy.replaced-${process.pid}-3`));
    const next = journalFiles(dir, 'next', 'desktop');
    expect(readdirSync(dir).sort()).toEqual([`.busy.replaced-${process.pid}-3`, 'early', 'taker']);
    expect([next.read('taker'), next.read('early')]).toEqual(['the taken work', 'early’s own']);
  });

  it('settles a journal set aside after the store opened when it lists the sessions: a taker killed mid-take while this engine was open', () => {
    const dir = fresh();
    const open = new RecoveryJournal(journalFiles(dir, 'open', 'desktop'), process.pid, () => {});
    // What the taker leaves when killed between setting its journal aside and renaming the orphan in.
    new RecoveryJournal(journalFiles(dir, 'gone', 'desktop'), DEAD_PID, () => {}).write({ doc: project('orphan'), path: null, dirty: true }, new Date('2026-12-01T10:00:00Z'));
    new RecoveryJournal(journalFiles(dir, 'taker', 'desktop'), DEAD_PID + 1, () => {}).write({ doc: project('the taker’s work'), path: null, dirty: true }, new Date('2026-12-01T11:00:00Z'));
    renameSync(join(dir, 'taker'), join(dir, `.taker.replaced-${DEAD_PID + 1}-1`));
    expect(open.offer()).toMatchObject({ session: 'taker', doc: { name: 'the taker’s work' } });
    expect(readdirSync(dir).sort()).toEqual(['gone', 'taker']);
  });

  it('after a crash between a run’s entry and the document, the last document comes back and the stray entry goes at the next write', () => {
    const dir = fresh();
    const store = journalFiles(dir, 'me', 'desktop');
    new RecoveryJournal(store, process.pid, () => {}).write({ doc: project('as acknowledged', [run('run-1')]), path: null, dirty: true });
    // What an engine killed after writing the next run's entry leaves: that entry, and a temporary file of the document it never renamed.
    store.writeRun('me', 'run-2', JSON.stringify(run('run-2')));
    writeFileSync(join(dir, 'me', `.journal.json.${DEAD_PID}.abc.tmp`), '{"half": ');

    const next = new RecoveryJournal(journalFiles(dir, 'me', 'desktop'), process.pid, () => {});
    const back = next.own()!;
    expect(back.doc).toEqual(project('as acknowledged', [run('run-1')]));
    expect(back.lost).toEqual([]);
    next.resumed((back.doc as Project).runs);
    next.write({ doc: project('edited', [run('run-1')]), path: null, dirty: true });
    expect(readdirSync(join(dir, 'me', 'runs'))).toEqual(['run-1.json']);
    expect(readdirSync(join(dir, 'me')).sort()).toEqual(['journal.json', 'runs']);
  });

  it('a damaged run entry on disk leaves that run out with the reason; the document and the other runs come back', () => {
    const dir = fresh();
    new RecoveryJournal(journalFiles(dir, 'me', 'desktop'), process.pid, () => {}).write({ doc: project('P', [run('run-1'), run('run-2')]), path: '/w/p.dlab', dirty: true });
    const entry = join(dir, 'me', 'runs', 'run-1.json');
    writeFileSync(entry, readFileSync(entry, 'utf8').slice(0, 60));
    const back = new RecoveryJournal(journalFiles(dir, 'me', 'desktop'), process.pid, () => {}).own()!;
    expect(back).toMatchObject({ path: '/w/p.dlab', dirty: true, lost: [{ run: 'run-1', reason: expect.stringMatching(/recovery entry is damaged/) }] });
    expect(back.doc).toEqual(project('P', [run('run-2')]));
  });

  it('refuses a session or run id that could name a path', () => {
    const dir = fresh();
    expect(() => journalFiles(dir, '../x', 'desktop')).toThrow(/not a session id/);
    const store = journalFiles(dir, 'ok', 'desktop');
    expect(() => store.read('../../etc/passwd')).toThrow(/not a session id/);
    expect(() => store.readRun('ok', '../../journal')).toThrow(/not a run id/);
    expect(existsSync(dir)).toBe(false);
  });

  it('knows this process is alive and a pid past the largest is not', () => {
    const store = journalFiles(fresh(), 's', 'desktop');
    expect(store.alive(process.pid)).toBe(true);
    expect(store.alive(DEAD_PID)).toBe(false);
  });
});
