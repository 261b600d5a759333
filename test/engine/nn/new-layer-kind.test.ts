/**
 * A new layer kind is one file plus one registry line: two throwaway kinds,
 * added to a fixture registry only, reach the catalog (with their texts in both
 * languages), the model editor's palette and cards, the advisor, the sweep
 * planner and the ONNX and PyTorch exporters. The renderer's side of the texts
 * (shown in the chosen language) is test/renderer/model-new-layer-kind.test.ts.
 */
import { createRequire } from 'node:module';
import { describe, expect, it, vi } from 'vitest';
import type * as Ort from 'onnxruntime-node';
import { catalog } from '../../../engine/host/catalog.ts';
import { advise } from '../../../engine/experiments/advisor.ts';
import { expandSweep, placeDropout } from '../../../engine/experiments/sweep.ts';
import { defaultSettings } from '../../../engine/train/settings.ts';
import { buildModel, validateSpec, type ModelSpec } from '../../../engine/nn/spec.ts';
import { exportOnnx, onnxUnsupportedKinds, ONNX_INPUT, ONNX_OUTPUT } from '../../../engine/export/onnx/export.ts';
import { modelLines } from '../../../engine/export/pytorch-model.ts';
import { Tensor } from '../../../engine/tensor/tensor.ts';
import { Generator } from '../../../engine/tensor/random.ts';
import { noGrad } from '../../../engine/tensor/grad-mode.ts';
import { newLayer } from '../../../renderer/src/lib/layer-defaults.ts';
import { summary } from '../../../renderer/src/lib/layer-summary.ts';
import { insert } from '../../../renderer/src/lib/spec-edit.ts';

vi.mock('../../../engine/nn/registry.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../engine/nn/registry.ts')>();
  const { JitterDropLayer, WiggleLayer } = await import('./fixtures/throwaway-layers.ts');
  return { ...real, ...real.registryOf([...real.layerDefs(), JitterDropLayer, WiggleLayer]) };
});

const ort = createRequire(import.meta.url)('onnxruntime-node') as typeof Ort;
const fc = (i: number, o: number, name: string) => ({ kind: 'Linear', name, in_features: i, out_features: o });
const bnSpec: ModelSpec = {
  input_shape: [8],
  layers: [fc(8, 16, 'fc1'), { kind: 'BatchNorm1d', name: 'bn', num_features: 16 }, { kind: 'JitterDrop', name: 'j', q: 0.8 }, { kind: 'Wiggle', name: 'w' }, fc(16, 2, 'out')],
};
/** Linear → Wiggle → JitterDrop (rate unset) → Linear: the article's placement. */
const plain: ModelSpec = { input_shape: [8], layers: [fc(8, 16, 'fc1'), { kind: 'Wiggle' }, { kind: 'JitterDrop', name: 'j' }, fc(16, 2, 'out')] };

describe('a layer kind added only to the registry', () => {
  it('is in the catalog with its traits (what the renderer reads: test/renderer/experiments-setup.test.ts)', () => {
    const c = catalog('js');
    expect(c.layers.find((l) => l.kind === 'JitterDrop')?.traits).toEqual({ stochastic: { rate: 'q', sweepable: true, conventionalRate: true, elementwise: true } });
    expect(c.layers.find((l) => l.kind === 'Wiggle')?.traits).toEqual({ activation: true });
  });

  it('carries its texts in English and Chinese and its name base in the catalog', () => {
    const wiggle = catalog('js').layers.find((l) => l.kind === 'Wiggle');
    expect(wiggle).toMatchObject({ nameBase: 'wig', description: 'A throwaway activation for tests.', descriptionZh: '测试用的临时激活函数。' });
    expect(wiggle?.args[0]).toMatchObject({ name: 'span', doc: 'How far it wiggles.', docZh: '摆动的幅度。' });
    expect(catalog('js').layers.find((l) => l.kind === 'JitterDrop')).toMatchObject({ nameBase: 'jitter_drop', descriptionZh: '测试用的临时 Dropout。' });
  });

  it('comes out of the palette named by its name base, with arguments fitting the shape flowing in, and its card shows its summary', () => {
    const info = (kind: string) => catalog('js').layers.find((l) => l.kind === kind)!;
    // After fc1 (8 → 16), Wiggle's insertDefaults reads the width.
    const wiggle = newLayer(info('Wiggle'), bnSpec, validateSpec(bnSpec), [], 1);
    expect(wiggle).toEqual({ kind: 'Wiggle', name: 'wig', span: 16 });
    expect(validateSpec(insert(bnSpec, [], 1, wiggle)).errors).toEqual([]);
    expect(newLayer(info('Wiggle'), bnSpec, null, [], 1).span).toBe(3); // no report yet: its own fallback
    expect(summary(wiggle, info('Wiggle'))).toBe('span 16');
    // A dropout without a summary of its own: named after its kind, its rate written out and shown.
    const jitter = newLayer(info('JitterDrop'), plain, null, [], 2);
    expect(jitter).toEqual({ kind: 'JitterDrop', name: 'jitter_drop', q: 0.25 });
    expect(summary({ ...jitter, q: 0.3 }, info('JitterDrop'))).toBe('q = 0.3');
  });

  it('is judged by the advisor: its rate, its place after BatchNorm, and the activation it moves past', () => {
    expect(validateSpec(bnSpec).errors).toEqual([]);
    const found = advise(bnSpec);
    expect(found.map((f) => `${f.rule}@${f.layer}`)).toEqual(['dropout-after-batchnorm@j', 'dropout-rate@j']);
    expect(found[0].fix).toMatchObject({ action: 'move-after', vars: { kind: 'JitterDrop', next: 'Wiggle' } });
    expect(found[1].fix!.spec.layers[2]).toEqual({ kind: 'JitterDrop', name: 'j', q: 0.5 });
    // Unset, its own default (0.25) is the rate: inside the article's range.
    expect(advise(plain)).toEqual([]);
  });

  it('is swept through its rate argument, and placements remove it and go after its activation', () => {
    const [v] = expandSweep(bnSpec, defaultSettings(), { layers: ['j'], p: [0.3], seeds: [0] });
    expect(v.spec.layers[2]).toEqual({ kind: 'JitterDrop', name: 'j', q: 0.3 });
    const placed = placeDropout(plain, 'after-linear', 0.2);
    expect(placed.spec.layers.map((l) => l.kind)).toEqual(['Linear', 'Wiggle', 'Dropout', 'Linear']);
  });

  it('exports: ONNX lowers the dropout to the identity (matching the lab in eval), PyTorch writes its constructor', async () => {
    expect(onnxUnsupportedKinds()).not.toContain('JitterDrop');
    const spec: ModelSpec = { input_shape: [8], layers: [fc(8, 16, 'fc1'), { kind: 'ReLU' }, { kind: 'JitterDrop', name: 'j', q: 0.5 }, fc(16, 2, 'out')] };
    const { model } = buildModel(spec, { seed: 1 });
    model.eval();
    const weights = new Map([...model.stateDict()].map(([k, t]) => [k, { shape: [...t.shape], data: t.data }]));
    const bytes = exportOnnx(spec, { title: 'throwaway', weights, normalizer: null });
    const x = new Tensor(new Generator(2).normal(3 * 8), [3, 8]);
    const lab = noGrad(() => model.forward(x));
    const session = await ort.InferenceSession.create(bytes);
    const out = (await session.run({ [ONNX_INPUT]: new ort.Tensor('float32', x.data, x.shape) }))[ONNX_OUTPUT];
    const diff = Math.max(...Array.from(out.data as Float32Array, (v, i) => Math.abs(v - lab.data[i])));
    expect(diff).toBeLessThan(1e-5);
    expect(modelLines(spec)[2]).toMatchObject({ name: 'j', kind: 'JitterDrop', expr: 'nn.Dropout(p=0.5)' });
  });
});
