/**
 * Recovery after an engine crash (issue #17, item 5), through the real engine
 * process: a project opened from disk is edited, the engine is SIGKILLed
 * before the edits are saved, and the fresh engine that adopts the window's
 * project gets the run weights back from the file, so evaluate, Save and
 * Save As work. Before, those runs came back `missing`: they were never in
 * the fresh engine's run store.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EngineProcess } from '../../engine/host/node/engine-process.ts';
import { getRunWeights } from '../../engine/project/project.ts';
import { openProject } from '../../engine/io/project-file.ts';
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

/** A project with one trained run, saved to `path` by an engine that is then closed (its run store is not the next engine's). */
async function savedProject(path: string): Promise<string> {
  const engine = new EngineProcess({ checkpointDir: join(dir, 'ckpt-first'), env });
  try {
    await engine.ready();
    const { doc } = await engine.request('project.new', { template: 'mlp', dataset: MOONS });
    const finished = new Promise<Extract<EngineEvent, { type: 'finished' }>>((resolve) => {
      const off = engine.onEvent((e) => e.type === 'finished' && (off(), resolve(e)));
    });
    await engine.request('train.start', { spec: MLP, dataset: MOONS, settings: { epochs: 2, seed: 3 } });
    const fin = await finished;
    await engine.request('project.save', { path, doc: { ...doc, model: MLP, runs: [fin.run!] } });
    return fin.run_id;
  } finally {
    await engine.close();
  }
}

describe('an engine crash with unsaved edits', () => {
  it('the fresh engine reattaches the run weights from the file: evaluate, Save and Save As work', async () => {
    const path = join(dir, 'p.dlab');
    const runId = await savedProject(path);
    const onFile = openProject(path);

    const lost: unknown[] = [];
    const engine = new EngineProcess({ checkpointDir: join(dir, 'ckpt-second'), env, onLost: (i) => lost.push(i) });
    try {
      await engine.ready();
      const opened = await engine.request('project.open', { path });
      const before = await engine.request('evaluate', { run_id: runId, split: 'test' });
      // Unsaved edits the window holds: a new name and a changed dropout rate.
      const edited = { ...opened.doc, name: 'edited, not saved', model: { ...MLP, layers: MLP.layers.map((l) => (l.kind === 'Dropout' ? { ...l, p: 0.3 } : l)) } };

      engine.child.kill('SIGKILL');
      await new Promise<void>((resolve) => {
        const t = setInterval(() => lost.length > 0 && (clearInterval(t), resolve()), 20);
      });
      await engine.ready();

      const adopted = await engine.request('project.adopt', { doc: edited, path: opened.path });
      expect(adopted).toEqual({ restored: [runId], missing: [] });
      const after = await engine.request('evaluate', { run_id: runId, split: 'test' });
      expect(after).toEqual(before);

      await engine.request('project.save', { path, doc: edited });
      const saved = openProject(path);
      expect(saved.project.name).toBe('edited, not saved');
      expect(saved.project.model.layers[2]).toMatchObject({ kind: 'Dropout', p: 0.3 });
      const file = onFile.project.runs[0].weights!.file;
      expect(Buffer.from(saved.files.get(file)!).equals(Buffer.from(onFile.files.get(file)!))).toBe(true);
      expect(getRunWeights(saved, saved.project.runs[0]).weights.get('fc1.weight')?.data).toEqual(getRunWeights(onFile, onFile.project.runs[0]).weights.get('fc1.weight')?.data);

      const copy = join(dir, 'copy.dlab');
      await engine.request('project.save', { path: copy, doc: edited });
      expect(openProject(copy).files.get(file)).toEqual(onFile.files.get(file));
    } finally {
      await engine.close();
    }
  }, 120_000);

  it('a run whose weights the file no longer holds is reported missing, not loaded from elsewhere', async () => {
    const path = join(dir, 'q.dlab');
    const runId = await savedProject(path);
    const engine = new EngineProcess({ checkpointDir: join(dir, 'ckpt-third'), env });
    try {
      await engine.ready();
      const opened = await engine.request('project.open', { path });
      // The window's record says other bytes than the file holds (as after the file was replaced).
      const doc = { ...opened.doc, runs: opened.doc.runs.map((r) => ({ ...r, weights: r.weights && { ...r.weights, crc32: (r.weights.crc32 + 1) >>> 0 } })) };
      await engine.request('project.new', { template: 'mlp', dataset: MOONS }); // forget what this engine holds
      expect(await engine.request('project.adopt', { doc, path: opened.path })).toEqual({ restored: [], missing: [runId] });
    } finally {
      await engine.close();
    }
  }, 120_000);
});
