/**
 * Coming back from PyTorch: weights exported then imported are identical; a
 * file trained by the exported train.py imports as a run; a file that does not
 * fit gives one line per tensor (missing, unexpected, wrong shape) and adds
 * nothing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findRun } from '../../engine/project/runs.ts';
import { saveProject, openProject } from '../../engine/io/project-file.ts';
import { nodeFiles } from '../../engine/io/node-files.ts';
import { templateSpec } from '../../engine/project/templates.ts';
import { exportPytorch, exportSource, stateDictFile } from '../../engine/export/pytorch.ts';
import { modelPy } from '../../engine/export/pytorch-model.ts';
import { buildModel } from '../../engine/nn/spec.ts';
import { newProject, getRunWeights } from '../../engine/project/project.ts';
import { importWeights, ImportError } from '../../engine/export/import-weights.ts';
import { encodeTyped, decodeAsFloat32 } from '../../engine/export/safetensors-dtypes.ts';
import { dlab, projectWithRun, python, randomizeState, tempDir, torchMissing, writeFiles } from './helpers.ts';
import { EVERY_KIND_IMAGE } from './specs.ts';

const spiral = { id: 'spiral', samples: 200, seed: 0 } as const;

describe('import weights', () => {
  it('export then import gives identical weights (every tensor, bit for bit), as a new run', () => {
    const spec = templateSpec('cnn', { inputShape: [1, 28, 28], classes: 10 });
    const b = projectWithRun({ ...spec, layers: [...spec.layers.slice(0, 1), { kind: 'BatchNorm2d', name: 'bn', num_features: 32 }, ...spec.layers.slice(1)] }, { id: 'mnist' });
    const original = getRunWeights(b, findRun(b)).weights;
    const exported = exportPytorch(exportSource(b, findRun(b)), nodeFiles).files.get('weights.safetensors') as Uint8Array;
    expect(decodeAsFloat32(exported, 'w').tensors.get('bn.num_batches_tracked')?.dtype).toBe('I64'); // as torch keeps it
    const run = importWeights(b, exported, 'weights.safetensors', { name: 'round trip' });
    expect(b.project.runs).toHaveLength(2);
    const back = getRunWeights(b, run).weights;
    expect([...back.keys()]).toEqual([...original.keys()]);
    for (const [k, t] of original) {
      expect(back.get(k)?.shape, k).toEqual(t.shape);
      expect(back.get(k)?.data, k).toEqual(t.data);
    }
  });

  it('a file that does not fit is refused with a per-tensor report, and the project is unchanged', () => {
    const b = projectWithRun(templateSpec('mlp', { inputShape: [2], classes: 2 }), spiral);
    const w = getRunWeights(b, findRun(b)).weights;
    const f32 = (t: { shape: number[]; data: Float32Array }) => ({ dtype: 'F32' as const, shape: t.shape, data: t.data });
    const bad = new Map([
      ['fc1.weight', f32(w.get('fc1.weight')!)],
      ['fc1.bias', { dtype: 'F32' as const, shape: [64], data: new Float32Array(64) }],
      ['fc2.weights', f32(w.get('fc2.weight')!)],
      ['fc2.bias', f32(w.get('fc2.bias')!)],
    ]);
    let err: unknown;
    try {
      importWeights(b, encodeTyped(bad), 'bad.safetensors');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ImportError);
    expect((err as ImportError).report).toEqual({ missing: ['fc2.weight'], unexpected: ['fc2.weights'], wrongShape: [{ name: 'fc1.bias', expected: [128], got: [64] }] });
    expect((err as Error).message).toContain('wrong shape fc1.bias: file [64], model [128]');
    expect(b.project.runs).toHaveLength(1);
  });

  it('dlab import adds a run evaluated on the test split, or exits 1 with the report', () => {
    const dir = tempDir('import-cli');
    const b = projectWithRun(templateSpec('mlp', { inputShape: [2], classes: 2 }), spiral);
    saveProject(join(dir, 'p.dlab'), b);
    writeFiles(join(dir, 'out'), exportPytorch(exportSource(b, findRun(b)), nodeFiles).files);
    let r = dlab(dir, 'import', 'p.dlab', '--weights', 'out/weights.safetensors', '--run-name', 'from torch', '--json');
    expect(r.status, r.stderr).toBe(0);
    const added = JSON.parse(r.stdout) as { run: string; test_loss: number };
    expect(added.test_loss).toBeGreaterThan(0);
    const p = openProject(join(dir, 'p.dlab'));
    expect(p.project.runs.map((x) => x.name)).toEqual(['random weights', 'from torch']);
    r = dlab(dir, 'import', 'p.dlab', '--weights', 'out/data.safetensors');
    expect(r.status).toBe(1);
    expect(r.stderr.split('\n')[0]).toBe('dlab: out/data.safetensors does not fit the model of p.dlab; nothing was added:');
    expect(r.stderr).toContain('missing     fc1.weight');
    expect(r.stderr).toContain('unexpected  train.x');
    expect(openProject(join(dir, 'p.dlab')).project.runs).toHaveLength(2);
  });

  it.skipIf(torchMissing)('weights saved by torch (load_state_dict, then save_safetensors from model.py) import with every tensor equal', () => {
    const dir = tempDir('import-torch');
    const { model } = buildModel(EVERY_KIND_IMAGE, { seed: 1 });
    randomizeState(model, 2);
    const b = newProject({ model: EVERY_KIND_IMAGE, dataset: spiral });
    const original = new Map([...model.stateDict()].map(([k, t]) => [k, t.data.slice()]));
    writeFiles(dir, new Map([
      ['model.py', new TextEncoder().encode(modelPy(EVERY_KIND_IMAGE, { title: 'every kind', normalizer: null, tokens: false }))],
      ['weights.safetensors', stateDictFile(model, null, {})],
    ]));
    // Written by torch itself: int64 num_batches_tracked and torch's own byte layout.
    const r = python(dir, ['-c', 'from model import *\nm = load_model()\nsave_safetensors(m.state_dict(), "torch.safetensors")']);
    expect(r.status, r.stderr).toBe(0);
    const run = importWeights(b, new Uint8Array(readFileSync(join(dir, 'torch.safetensors'))), 'torch.safetensors');
    const c = getRunWeights(b, run).weights;
    expect([...c.keys()]).toEqual([...original.keys()]);
    for (const [k, t] of original) expect(c.get(k)?.data, k).toEqual(t);
  });
});
