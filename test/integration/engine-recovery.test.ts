/**
 * Recovery after an engine crash (issue #17, item 5; issue #16: the engine
 * owns the project and journals it), through the real engine process: a
 * project opened from disk is edited, the engine is SIGKILLed before the
 * edits are saved, and the fresh engine of the same session has the edited
 * project back with the run weights from the file, so evaluate, Save and
 * Save As work. Unsaved work whose engine is gone (a closed tab) is offered
 * to the next engine of the same folder, once, and an engine killed right
 * after taking it leaves it to the next one; one killed mid-take, before the
 * orphan is taken, leaves its own journal and the orphan to an engine that was
 * already open.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EngineProcess } from '../../engine/host/node/engine-process.ts';
import { getRunWeights, newProject, type RunRecord } from '../../engine/project/project.ts';
import { openProject } from '../../engine/io/project-file.ts';
import { journalFiles } from '../../engine/io/journal-files.ts';
import { RecoveryJournal } from '../../engine/host/recovery-journal.ts';
import type { EngineEvent } from '../../engine/protocol.ts';

const dir = mkdtempSync(join(tmpdir(), 'dlab-recovery-'));
const env = { DLAB_THREADS: '1' };
const MOONS = { id: 'moons', samples: 200, seed: 0 } as const;
const MLP = {
  input_shape: [2],
  layers: [
    { kind: 'Linear', name: 'fc1', in_features: 2, out_features: 16 },
    { kind: 'ReLU', name: 'relu' },
    { kind: 'Dropout', name: 'dropout', p: 0.5 },
    { kind: 'Linear', name: 'fc2', in_features: 16, out_features: 2 },
  ],
};
const EDITED = { ...MLP, layers: MLP.layers.map((l) => (l.kind === 'Dropout' ? { ...l, p: 0.3 } : l)) };

/** Trains MLP on MOONS and answers the run's id once the engine has recorded it. */
async function train(engine: EngineProcess, epochs: number, seed: number): Promise<string> {
  const finished = new Promise<Extract<EngineEvent, { type: 'finished' }>>((resolve) => {
    const off = engine.onEvent((e) => e.type === 'finished' && (off(), resolve(e)));
  });
  await engine.request('train.start', { spec: MLP, dataset: MOONS, settings: { epochs, seed } });
  return (await finished).run_id;
}

async function killAndRestart(engine: EngineProcess, lost: unknown[]): Promise<void> {
  const before = lost.length;
  engine.child.kill('SIGKILL');
  await new Promise<void>((resolve) => {
    const t = setInterval(() => lost.length > before && (clearInterval(t), resolve()), 20);
  });
  await engine.ready();
}

/** A project with one trained run, saved to `path` by an engine that is then closed (its run store is not the next engine's). */
async function savedProject(path: string): Promise<string> {
  const engine = new EngineProcess({ checkpointDir: join(dir, 'ckpt-first'), env });
  try {
    await engine.ready();
    await engine.request('project.new', { template: 'mlp', dataset: MOONS });
    await engine.request('project.edit', { model: MLP });
    const runId = await train(engine, 2, 3);
    await engine.request('project.save', { path });
    return runId;
  } finally {
    await engine.close();
  }
}

describe('an engine crash with unsaved edits', () => {
  it('the fresh engine has the edited project back with the run weights from the file: evaluate, Save and Save As work', async () => {
    const path = join(dir, 'p.dlab');
    const runId = await savedProject(path);
    const onFile = openProject(path);

    const lost: unknown[] = [];
    const engine = new EngineProcess({ checkpointDir: join(dir, 'ckpt-second'), env, onLost: (i) => lost.push(i) });
    try {
      await engine.ready();
      const opened = await engine.request('project.open', { path });
      const before = await engine.request('evaluate', { run_id: runId, split: 'test' });
      // Unsaved edits: a new name and a changed dropout rate.
      await engine.request('project.edit', { name: 'edited, not saved', model: EDITED });

      await killAndRestart(engine, lost);

      const view = await engine.request('project.current', {});
      expect(view).toMatchObject({ path: opened.path, dirty: true, missing: [] });
      expect(view.doc.name).toBe('edited, not saved');
      expect(view.doc.model.layers[2]).toMatchObject({ kind: 'Dropout', p: 0.3 });
      const after = await engine.request('evaluate', { run_id: runId, split: 'test' });
      expect(after).toEqual(before);

      await engine.request('project.save', { path });
      const saved = openProject(path);
      expect(saved.project.name).toBe('edited, not saved');
      expect(saved.project.model.layers[2]).toMatchObject({ kind: 'Dropout', p: 0.3 });
      const file = onFile.project.runs[0].weights!.file;
      expect(Buffer.from(saved.files.get(file)!).equals(Buffer.from(onFile.files.get(file)!))).toBe(true);
      expect(getRunWeights(saved, saved.project.runs[0]).weights.get('fc1.weight')?.data).toEqual(getRunWeights(onFile, onFile.project.runs[0]).weights.get('fc1.weight')?.data);
      expect((await engine.request('project.current', {})).dirty).toBe(false);

      const copy = join(dir, 'copy.dlab');
      await engine.request('project.save', { path: copy });
      expect(openProject(copy).files.get(file)).toEqual(onFile.files.get(file));
    } finally {
      await engine.close();
    }
  }, 120_000);

  it('a run trained after the last save comes back with its weights, and a deleted run stays deleted', async () => {
    const lost: unknown[] = [];
    const engine = new EngineProcess({ checkpointDir: join(dir, 'ckpt-unsaved-run'), env, onLost: (i) => lost.push(i) });
    try {
      await engine.ready();
      await engine.request('project.new', { template: 'mlp', dataset: MOONS });
      const runs = [await train(engine, 1, 1), await train(engine, 1, 2)];
      await engine.request('runs.delete', { run_id: runs[0] });
      await engine.request('project.edit', { name: 'unsaved' });
      const x = { tensor: { shape: [1, 2], data: Float32Array.from([0.3, -0.7]) } };
      const before = await engine.request('predict', { model: { run_id: runs[1] }, input: x });

      await killAndRestart(engine, lost);

      expect(await engine.request('project.current', {})).toMatchObject({ path: null, dirty: true, missing: [], doc: { name: 'unsaved' } });
      expect((await engine.request('runs.list', {})).runs.map((r) => [r.id, r.has_weights])).toEqual([[runs[1], true]]);
      const after = await engine.request('predict', { model: { run_id: runs[1] }, input: x });
      expect([...after.output.data]).toEqual([...before.output.data]);
      // Each run is journaled in its own entry; the deleted run's is gone.
      const recovery = join(dir, 'ckpt-unsaved-run', 'recovery');
      const [session] = readdirSync(recovery);
      expect(readdirSync(join(recovery, session, 'runs'))).toEqual([`${runs[1]}.json`]);
    } finally {
      await engine.close();
    }
  }, 120_000);

  it('a run whose journal entry is damaged is named lost with the reason; the project and the other run come back', async () => {
    const checkpointDir = join(dir, 'ckpt-damaged-entry');
    const lost: unknown[] = [];
    const engine = new EngineProcess({ checkpointDir, env, onLost: (i) => lost.push(i) });
    try {
      await engine.ready();
      await engine.request('project.new', { template: 'mlp', dataset: MOONS });
      const runs = [await train(engine, 1, 1), await train(engine, 1, 2)];
      await engine.request('project.edit', { name: 'two runs' });
      const recovery = join(checkpointDir, 'recovery');
      const [session] = readdirSync(recovery);
      writeFileSync(join(recovery, session, 'runs', `${runs[0]}.json`), '{"id": "');

      await killAndRestart(engine, lost);

      const view = await engine.request('project.current', {});
      expect(view).toMatchObject({ dirty: true, missing: [], lost: [{ run: runs[0], reason: expect.stringMatching(/^its recovery entry is damaged \(.*JSON/) }], doc: { name: 'two runs' } });
      expect(view.doc.runs.map((r) => r.id)).toEqual([runs[1]]);
      await engine.request('predict', { model: { run_id: runs[1] }, input: { tensor: { shape: [1, 2], data: Float32Array.from([0, 1]) } } });
    } finally {
      await engine.close();
    }
  }, 120_000);

  it('a run whose weights the file no longer holds is reported missing, not loaded from elsewhere', async () => {
    const path = join(dir, 'q.dlab');
    const runId = await savedProject(path);
    const lost: unknown[] = [];
    const engine = new EngineProcess({ checkpointDir: join(dir, 'ckpt-third'), env, onLost: (i) => lost.push(i) });
    try {
      await engine.ready();
      await engine.request('project.open', { path });
      await engine.request('project.edit', { name: 'changed' });
      // The file is replaced by one whose run has other weights (trained again under the same id elsewhere).
      const other = openProject(path);
      const file = other.project.runs[0].weights!.file;
      other.files.set(file, other.files.get(file)!.map((b, i) => (i === other.files.get(file)!.length - 1 ? b ^ 1 : b)));
      const { packProject } = await import('../../engine/project/project.ts');
      writeFileSync(path, packProject(other));

      await killAndRestart(engine, lost);
      expect(await engine.request('project.current', {})).toMatchObject({ dirty: true, missing: [runId] });
      await expect(engine.request('evaluate', { run_id: runId })).rejects.toThrow(/is missing runs\/.*safetensors/);
    } finally {
      await engine.close();
    }
  }, 120_000);
});

describe('unsaved work whose engine is gone', () => {
  it('is offered to the next engine of the same folder once: restored with its run weights, then no longer offered', async () => {
    const root = mkdtempSync(join(tmpdir(), 'dlab-recovery-root-'));
    const checkpointDir = join(dir, 'ckpt-tabs');
    const first = new EngineProcess({ root, checkpointDir, env });
    let runId: string;
    try {
      await first.ready();
      await first.request('project.new', { template: 'mlp', dataset: MOONS, name: 'closed tab' });
      runId = await train(first, 1, 7);
    } finally {
      await first.close(); // the tab closed with unsaved work
    }

    const elsewhere = new EngineProcess({ root: mkdtempSync(join(tmpdir(), 'dlab-recovery-other-')), checkpointDir, env });
    const next = new EngineProcess({ root, checkpointDir, env });
    try {
      await Promise.all([elsewhere.ready(), next.ready()]);
      expect((await elsewhere.request('project.recovery', {})).offer).toBeNull(); // another folder's work is not offered
      const { offer } = await next.request('project.recovery', {});
      expect(offer).toMatchObject({ name: 'closed tab', path: null });
      const view = await next.request('project.recover', { session: offer!.session, accept: true });
      expect(view).toMatchObject({ dirty: true, missing: [] });
      expect(view.doc.runs.map((r) => r.id)).toEqual([runId]);
      await next.request('predict', { model: { run_id: runId }, input: { tensor: { shape: [1, 2], data: Float32Array.from([0, 1]) } } });
      expect((await next.request('project.recovery', {})).offer).toBeNull();
      await expect(next.request('project.recover', { session: offer!.session, accept: true })).rejects.toThrow(/no longer there/);
    } finally {
      await Promise.all([elsewhere.close(), next.close()]);
    }
  }, 120_000);

  it('an engine killed right after taking it, before it journaled the work as its own, leaves it to the next engine with its run', async () => {
    const root = mkdtempSync(join(tmpdir(), 'dlab-recovery-root-'));
    const checkpointDir = join(dir, 'ckpt-taken-then-killed');
    const recovery = join(checkpointDir, 'recovery');
    // A closed window's unsaved work, with a long run: a big entry keeps the taker busy between taking and journaling.
    const { project } = newProject({ name: 'taken, then killed', model: MLP, dataset: MOONS }, new Date('2026-12-01T09:00:00Z'));
    const run: RunRecord = {
      id: 'run-long', name: 'long', created: '2026-12-01T09:30:00Z', status: 'done', spec: MLP, dataset: MOONS, settings: project.training,
      history: { epochs: [], step_losses: Array.from({ length: 1_500_000 }, (_, i) => 1 / (i + 1)), best_epoch: null, stopped_early: false },
      test: null, normalizer: null, weights: null, note: '',
    };
    new RecoveryJournal(journalFiles(recovery, 'gone', `root:${root}`), 2 ** 22 + 17, () => {}).write({ doc: { ...project, runs: [run] }, path: null, dirty: true });

    const taker = new EngineProcess({ root, checkpointDir, env, restart: false });
    const next = new EngineProcess({ root, checkpointDir, env });
    try {
      await taker.ready();
      expect((await taker.request('project.recovery', {})).offer).toMatchObject({ session: 'gone', name: 'taken, then killed' });
      // SIGKILL the moment the orphan's folder is taken (renamed away), before the taker can answer.
      const watcher = watch(recovery, () => !existsSync(join(recovery, 'gone')) && taker.child.kill('SIGKILL'));
      const answer = taker.request('project.recover', { session: 'gone', accept: true }).then(() => 'answered', (e: Error) => e.message);
      const died = new Promise((resolve) => taker.child.once('exit', (_code, signal) => resolve(signal)));
      try {
        expect(await died).toBe('SIGKILL');
        expect(await answer).toMatch(/exited \(SIGKILL\)/);
      } finally {
        watcher.close();
      }

      await next.ready();
      const { offer } = await next.request('project.recovery', {});
      expect(offer).toMatchObject({ name: 'taken, then killed', path: null });
      const view = await next.request('project.recover', { session: offer!.session, accept: true });
      expect(view).toMatchObject({ dirty: true, missing: [], lost: [], doc: { name: 'taken, then killed' } });
      expect(view.doc.runs.map((r) => [r.id, r.history.step_losses.length])).toEqual([['run-long', 1_500_000]]);
      expect((await next.request('project.recovery', {})).offer).toBeNull();
    } finally {
      await Promise.all([taker.close(), next?.close()]);
    }
  }, 180_000);

  // An engine open before the taker died opened its journal store (which settles the folder) too early to see what the kill left.
  it.each([['already open', true], ['started after the kill', false]] as const)('a taker killed after setting its own journal aside, before taking the orphan, leaves both journals to an engine %s', async (when, openFirst) => {
    const root = mkdtempSync(join(tmpdir(), 'dlab-recovery-root-'));
    const checkpointDir = join(dir, `ckpt-killed-mid-take-${openFirst ? 'open' : 'after'}`);
    const recovery = join(checkpointDir, 'recovery');
    const { project } = newProject({ name: 'closed tab', model: MLP, dataset: MOONS }, new Date('2026-12-01T09:00:00Z'));
    new RecoveryJournal(journalFiles(recovery, 'gone', `root:${root}`), 2 ** 22 + 17, () => {}).write({ doc: project, path: null, dirty: true }, new Date('2026-12-01T10:00:00Z'));

    // The engine process starts (and opens its journal store) when it is made.
    let next = openFirst ? new EngineProcess({ root, checkpointDir, env }) : null;
    // Dies the moment it renames the orphan's folder: its own journal is set aside, the orphan not yet taken.
    const killAt = { ...env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${join(import.meta.dirname, '..', 'helpers', 'kill-at-rename.mjs')}`, DLAB_TEST_KILL_AT_RENAME: join(recovery, 'gone') };
    const taker = new EngineProcess({ root, checkpointDir, env: killAt, restart: false, session: 'taker' });
    try {
      await Promise.all([next?.ready(), taker.ready()]);
      await taker.request('project.new', { template: 'mlp', dataset: MOONS });
      await taker.request('project.edit', { name: 'the taker’s unsaved work' });
      expect((await taker.request('project.recovery', {})).offer).toMatchObject({ session: 'gone', name: 'closed tab' });
      await expect(taker.request('project.recover', { session: 'gone', accept: true })).rejects.toThrow(/exited \(SIGKILL\)/);
      expect(readdirSync(recovery).some((n) => n.startsWith('.taker.replaced-'))).toBe(true);
      next ??= new EngineProcess({ root, checkpointDir, env });
      await next.ready();

      // Both are found: the taker's work (the newer) first, then the orphan it never took.
      const found: (string | null)[] = [];
      for (let i = 0; i < 3; i++) {
        const { offer } = await next.request('project.recovery', {});
        found.push(offer?.name ?? null);
        if (offer) await next.request('project.recover', { session: offer.session, accept: true });
      }
      expect(found, when).toEqual(['the taker’s unsaved work', 'closed tab', null]);
      expect(readdirSync(recovery).filter((n) => n.startsWith('.'))).toEqual([]);
    } finally {
      await Promise.all([taker.close(), next?.close()]);
    }
  }, 180_000);

  it('a damaged recovery copy is refused with the reason and removed; the open project is left alone', async () => {
    const root = mkdtempSync(join(tmpdir(), 'dlab-recovery-root-'));
    const checkpointDir = join(dir, 'ckpt-damaged');
    const engine = new EngineProcess({ root, checkpointDir, env });
    try {
      await engine.ready();
      const { doc } = await engine.request('project.new', { template: 'mlp', dataset: MOONS });
      const journal = { format: 'dropout-lab-journal', version: 2, session: 'gone', pid: 2 ** 22 + 17, scope: `root:${root}`, path: null, dirty: true, saved_at: '2026-11-26T10:00:00Z', doc: { format: 'dropout-lab-project', version: 1, model: 'garbage' }, runs: [] };
      mkdirSync(join(checkpointDir, 'recovery', 'gone'), { recursive: true });
      writeFileSync(join(checkpointDir, 'recovery', 'gone', 'journal.json'), JSON.stringify(journal));
      expect((await engine.request('project.recovery', {})).offer).toMatchObject({ session: 'gone', name: null });
      await expect(engine.request('project.recover', { session: 'gone', accept: true })).rejects.toThrow(/damaged.*model/);
      expect(readdirSync(join(checkpointDir, 'recovery')).filter((n) => n.startsWith('gone'))).toEqual([]);
      expect((await engine.request('project.current', {})).doc).toEqual(doc);
    } finally {
      await engine.close();
    }
  }, 120_000);
});
