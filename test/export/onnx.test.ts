/**
 * The ONNX file (our own protobuf writer, opset 17) loads in onnxruntime-node
 * and answers what the lab answers in eval mode, within 1e-5, for any batch
 * size; inputs are raw samples, standardised inside the graph as dlab predict does.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type * as Ort from 'onnxruntime-node';
import { buildModel, type ModelSpec } from '../../engine/nn/spec.ts';
import { Tensor } from '../../engine/tensor/tensor.ts';
import { Generator } from '../../engine/tensor/random.ts';
import { noGrad } from '../../engine/tensor/grad-mode.ts';
import type { Dataset } from '../../engine/data/dataset.ts';
import { getBatch, normalize } from '../../engine/data/pipeline.ts';
import { findRun, loadRunModel } from '../../engine/project/runs.ts';
import { templateSpec } from '../../engine/project/templates.ts';
import { nodeFiles } from '../../engine/io/node-files.ts';
import type { DatasetChoice } from '../../engine/data/catalog.ts';
import { exportProject } from '../../engine/export/index.ts';
import { exportOnnx, ONNX_INPUT, ONNX_OUTPUT } from '../../engine/export/onnx/export.ts';
import { maxAbsDiff, projectWithRun, randomizeState } from './helpers.ts';
import { EVERY_KIND_IMAGE, EVERY_KIND_TOKENS } from './specs.ts';

const ort = createRequire(import.meta.url)('onnxruntime-node') as typeof Ort;

async function runOnnx(bytes: Uint8Array, x: Tensor, elem: 'float32' | 'int64' = 'float32'): Promise<{ data: Float32Array; dims: readonly number[] }> {
  const session = await ort.InferenceSession.create(bytes);
  expect(session.inputNames).toEqual([ONNX_INPUT]);
  expect(session.outputNames).toEqual([ONNX_OUTPUT]);
  const input = elem === 'int64' ? new ort.Tensor('int64', BigInt64Array.from(x.data, (v) => BigInt(v)), x.shape) : new ort.Tensor('float32', x.data, x.shape);
  const out = (await session.run({ [ONNX_INPUT]: input }))[ONNX_OUTPUT];
  return { data: out.data as Float32Array, dims: out.dims };
}

const templates: [string, ModelSpec, DatasetChoice, (g: Generator, n: number) => Float32Array][] = [
  ['MLP', templateSpec('mlp', { inputShape: [2], classes: 2 }), { id: 'spiral', samples: 400, seed: 0 }, (g, n) => g.normal(n * 2)],
  ['CNN', templateSpec('cnn', { inputShape: [1, 28, 28], classes: 10 }), { id: 'mnist' }, (g, n) => g.uniform(n * 784)],
  ['Transformer', templateSpec('transformer', { inputShape: [16], classes: 2, vocab: 12 }), { id: 'sequence', samples: 400, length: 16, vocab: 12, seed: 0 }, (g, n) => Float32Array.from(g.uniform(n * 16), (u) => Math.floor(u * 12))],
];

describe('ONNX export', () => {
  it.each(templates)('%s template: onnxruntime-node matches the lab in eval mode within 1e-5 at batch sizes 1 and 7', async (_name, spec, dataset, input) => {
    const b = projectWithRun(spec, dataset);
    const { files } = exportProject(b, { format: 'onnx' }, nodeFiles);
    const { model, normalizer } = loadRunModel(b, findRun(b));
    const tokens = spec.layers[0].kind === 'Embedding';
    for (const n of [1, 7]) {
      const raw = input(new Generator(n), n);
      const ds: Dataset = { name: 'x', task: 'classification', inputShape: spec.input_shape, size: n, features: raw, featureScale: 1, labels: new Int32Array(n), classNames: [], targetDim: 1 };
      const lab = noGrad(() => model.forward(getBatch(normalize(ds, normalizer), n, 0).x));
      const onnx = await runOnnx(files.get('model.onnx') as Uint8Array, new Tensor(raw, [n, ...spec.input_shape]), tokens ? 'int64' : 'float32');
      expect(onnx.dims).toEqual(lab.shape);
      expect(maxAbsDiff(onnx.data, lab.data)).toBeLessThan(1e-5);
    }
  });

  it.each([
    ['image kinds', EVERY_KIND_IMAGE, (g: Generator, n: number) => g.normal(n * 288)],
    ['token kinds', EVERY_KIND_TOKENS, (g: Generator, n: number) => Float32Array.from(g.uniform(n * 10), (u) => Math.floor(u * 12))],
  ] as const)('a model using every %s matches the lab within 1e-5', async (_name, spec, input) => {
    const { model } = buildModel(spec, { seed: 4 });
    randomizeState(model, 5);
    model.eval();
    const weights = new Map([...model.stateDict()].map(([k, t]) => [k, { shape: [...t.shape], data: t.data }]));
    const bytes = exportOnnx(spec, { title: 'every kind', weights, normalizer: null });
    const x = new Tensor(input(new Generator(6), 3), [3, ...spec.input_shape]);
    const lab = noGrad(() => model.forward(x));
    const onnx = await runOnnx(bytes, x, spec.layers[0].kind === 'Embedding' ? 'int64' : 'float32');
    expect(onnx.dims).toEqual(lab.shape);
    expect(maxAbsDiff(onnx.data, lab.data)).toBeLessThan(1e-5);
  });
});
