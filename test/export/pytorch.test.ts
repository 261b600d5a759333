/**
 * The exported model.py, run by PyTorch, gives what the lab gives in eval mode
 * (within 1e-5), loads weights.safetensors with strict=True and has the lab's
 * state_dict names in the lab's order: the three templates through the CLI
 * (`dlab export` vs `dlab predict --mode eval`), and models using every kind.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildModel, type ModelSpec } from '../../engine/nn/spec.ts';
import { layerKinds } from '../../engine/nn/registry.ts';
import { blockDefs } from '../../engine/nn/layers/blocks.ts';
import { Tensor } from '../../engine/tensor/tensor.ts';
import { Generator } from '../../engine/tensor/random.ts';
import { noGrad } from '../../engine/tensor/grad-mode.ts';
import { readNpy, writeNpy } from '../../engine/io/npy.ts';
import { saveProject } from '../../engine/io/project-file.ts';
import { templateSpec } from '../../engine/project/templates.ts';
import type { DatasetChoice } from '../../engine/data/catalog.ts';
import { modelPy } from '../../engine/export/pytorch-model.ts';
import { stateDictFile } from '../../engine/export/pytorch.ts';
import { dlab, maxAbsDiff, projectWithRun, python, randomizeState, tempDir, torchMissing, writeFiles } from './helpers.ts';
import { EVERY_KIND_IMAGE, EVERY_KIND_TOKENS } from './specs.ts';

/** Loads the export with strict=True, prints its state_dict keys and writes y_torch.npy from x.npy in eval mode. */
const CHECK_PY = `import json, sys
import numpy as np, torch
sys.path.insert(0, ".")
from model import load_model, preprocess
model = load_model()
assert not model.training
print(json.dumps(list(model.state_dict().keys())))
with torch.no_grad():
    y = model(preprocess(torch.from_numpy(np.load("x.npy"))))
np.save("y_torch.npy", y.numpy().astype(np.float32))
`;

function runCheck(dir: string): { keys: string[]; y: Float32Array } {
  writeFileSync(join(dir, 'check.py'), CHECK_PY);
  const r = python(dir, ['check.py']);
  expect(r.status, r.stderr).toBe(0);
  const y = readNpy(new Uint8Array(readFileSync(join(dir, 'y_torch.npy'))), 'y_torch.npy');
  return { keys: JSON.parse(r.stdout.trim().split('\n').pop() as string) as string[], y: y.data };
}

const templates: [string, ModelSpec, DatasetChoice, (g: Generator, n: number) => Float32Array, number[]][] = [
  ['MLP', templateSpec('mlp', { inputShape: [2], classes: 2 }), { id: 'spiral', samples: 400, seed: 0 }, (g, n) => g.normal(n * 2), [2]],
  ['CNN', templateSpec('cnn', { inputShape: [1, 28, 28], classes: 10 }), { id: 'mnist' }, (g, n) => g.uniform(n * 784), [1, 28, 28]],
  ['Transformer', templateSpec('transformer', { inputShape: [16], classes: 2, vocab: 12 }), { id: 'sequence', samples: 400, length: 16, vocab: 12, seed: 0 }, (g, n) => Float32Array.from(g.uniform(n * 16), (u) => Math.floor(u * 12)), [16]],
];

describe.skipIf(torchMissing)('PyTorch export: model.py and weights.safetensors', () => {
  it.each(templates)('%s template: dlab export → model.py agrees with dlab predict --mode eval within 1e-5', (_name, spec, dataset, input, shape) => {
    const dir = tempDir('export-pt');
    const bundle = projectWithRun(spec, dataset);
    saveProject(join(dir, 'p.dlab'), bundle);
    let r = dlab(dir, 'export', 'p.dlab', '--format', 'pytorch', '-o', 'out', '--json');
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).files.map((f: string) => f.split('/').pop()).sort()).toEqual(['README.md', 'data.safetensors', 'init.safetensors', 'model.py', 'train.py', 'weights.safetensors']);
    const n = 5;
    writeFileSync(join(dir, 'x.npy'), writeNpy([n, ...shape], input(new Generator(3), n)));
    writeFileSync(join(dir, 'out', 'x.npy'), readFileSync(join(dir, 'x.npy')));
    r = dlab(dir, 'predict', 'p.dlab', '--input', 'x.npy', '--mode', 'eval', '-o', 'y_lab.npy');
    expect(r.status, r.stderr).toBe(0);
    const lab = readNpy(new Uint8Array(readFileSync(join(dir, 'y_lab.npy'))), 'y_lab.npy');
    const { keys, y } = runCheck(join(dir, 'out'));
    expect(keys).toEqual([...buildModel(spec).model.stateDict().keys()]);
    expect(y.length).toBe(lab.data.length);
    expect(maxAbsDiff(y, lab.data)).toBeLessThan(1e-5);
  });

  it.each([
    ['image kinds', EVERY_KIND_IMAGE, (g: Generator, n: number) => g.normal(n * 288)],
    ['token kinds', EVERY_KIND_TOKENS, (g: Generator, n: number) => Float32Array.from(g.uniform(n * 10), (u) => Math.floor(u * 12))],
  ] as const)('a model using every %s: eval outputs within 1e-5, state_dict names and order as the lab', (_name, spec, input) => {
    const dir = tempDir('export-kinds');
    const { model } = buildModel(spec, { seed: 4 });
    randomizeState(model, 5);
    writeFiles(dir, new Map([
      ['model.py', new TextEncoder().encode(modelPy(spec, { title: 'every kind', normalizer: null, tokens: spec.layers[0].kind === 'Embedding' }))],
      ['weights.safetensors', stateDictFile(model, null, {})],
    ]));
    const n = 4;
    const x = new Tensor(input(new Generator(6), n), [n, ...spec.input_shape]);
    writeFileSync(join(dir, 'x.npy'), writeNpy(x.shape, x.data));
    model.eval();
    const lab = noGrad(() => model.forward(x));
    const { keys, y } = runCheck(dir);
    expect(keys).toEqual([...model.stateDict().keys()]);
    expect(maxAbsDiff(y, lab.data)).toBeLessThan(1e-5);
  });
});

describe('PyTorch export: coverage', () => {
  it('the two every-kind models use every registered layer kind and both blocks', () => {
    const used = new Set<string>();
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (typeof v === 'object' && v !== null) {
        const k = (v as { kind?: unknown }).kind;
        if (typeof k === 'string') used.add(k);
        Object.values(v).forEach(walk);
      }
    };
    walk([EVERY_KIND_IMAGE, EVERY_KIND_TOKENS]);
    const missing = [...layerKinds(), ...blockDefs().map((b) => b.kind)].filter((k) => !used.has(k));
    expect(missing, `add these kinds to test/export/specs.ts: ${missing.join(', ')}`).toEqual([]);
  });

  it('model.py carries the Python source of the layers torch lacks, once each, and imports torchvision for DropBlock and DropPath', () => {
    const py = modelPy(EVERY_KIND_IMAGE, { title: 't', normalizer: null, tokens: false });
    for (const cls of ['class GaussianDropout(', 'class GaussianNoise(', 'class DropConnectLinear(', 'class Residual(']) expect(py.split(cls)).toHaveLength(2);
    expect(py).toContain('import torchvision.ops');
    expect(py).toContain('("dropblock", torchvision.ops.DropBlock2d(p=0.1, block_size=3)),');
    expect(py).toContain('("dropout", nn.Dropout(p=0.3)),');
    expect(modelPy(templateSpec('mlp', { inputShape: [2], classes: 2 }), { title: 't', normalizer: null, tokens: false })).not.toContain('torchvision');
  });

  it('refuses a model with errors, naming the layer', () => {
    const bad = { input_shape: [3], layers: [{ kind: 'Linear', name: 'fc', in_features: 4, out_features: 2 }] };
    expect(() => modelPy(bad, { title: 't', normalizer: null, tokens: false })).toThrow(/layer 0 'fc' \(Linear\) expects 4 input features but receives 3/);
  });
});
