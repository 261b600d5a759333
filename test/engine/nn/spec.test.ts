/** Model specs: shapes and counts inferred per layer, and errors that name the layer and the fix. */
import { describe, expect, it } from 'vitest';
import { buildModel, layerDefs, SpecError, Tensor, validateSpec } from '../../../engine/index.ts';

const cnn = (inputShape: number[], fcIn: number) => ({
  input_shape: inputShape,
  layers: [
    { kind: 'Conv2d', name: 'conv1', in_channels: inputShape[0], out_channels: 32, kernel_size: 3, padding: 1 },
    { kind: 'ReLU' },
    { kind: 'MaxPool2d', kernel_size: 2 },
    { kind: 'Conv2d', name: 'conv2', in_channels: 32, out_channels: 64, kernel_size: 3, padding: 1 },
    { kind: 'ReLU' },
    { kind: 'MaxPool2d', kernel_size: 2 },
    { kind: 'Flatten' },
    { kind: 'Linear', name: 'fc1', in_features: fcIn, out_features: 128 },
    { kind: 'ReLU' },
    { kind: 'Dropout', p: 0.5 },
    { kind: 'Linear', name: 'fc2', in_features: 128, out_features: 10 },
  ],
});

describe('shape inference', () => {
  it("the article's CNN on 3×32×32: every output shape", () => {
    const r = validateSpec(cnn([3, 32, 32], 4096));
    expect(r.ok).toBe(true);
    expect(r.layers.map((l) => l.outputShape)).toEqual([
      [32, 32, 32], [32, 32, 32], [32, 16, 16], [64, 16, 16], [64, 16, 16], [64, 8, 8], [4096], [128], [128], [128], [10],
    ]);
    expect(r.outputShape).toEqual([10]);
    // nn.Sequential's state_dict names: given names, else the index.
    expect(r.layers.map((l) => l.name)).toEqual(['conv1', '1', '2', 'conv2', '4', '5', '6', 'fc1', '8', '9', 'fc2']);
  });

  it('parameter counts per layer equal the built parameters (weights + biases)', () => {
    const { model, report } = buildModel(cnn([3, 32, 32], 4096));
    const perLayer = new Map<string, number>();
    for (const [n, p] of model.namedParameters()) perLayer.set(n.split('.')[0], (perLayer.get(n.split('.')[0]) ?? 0) + p.size);
    for (const l of report.layers) expect(l.paramCount, l.name).toBe(perLayer.get(l.name) ?? 0);
    expect(report.totalParams).toBe(model.parameterCount());
    expect(model.namedParameters().map(([n]) => n)).toEqual(['conv1.weight', 'conv1.bias', 'conv2.weight', 'conv2.bias', 'fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']);
  });

  it('a built model runs a batch to the inferred shape', () => {
    const { model, report } = buildModel(cnn([1, 28, 28], 3136), { seed: 1 });
    const y = model.forward(new Tensor(new Float32Array(2 * 28 * 28), [2, 1, 28, 28]));
    expect(y.shape).toEqual([2, ...(report.outputShape ?? [])]);
  });
});

describe('errors name the layer and the fix', () => {
  it('the CNN built for 32×32 but fed 28×28 images', () => {
    const r = validateSpec(cnn([1, 28, 28], 4096));
    expect(r.ok).toBe(false);
    expect(r.errors).toEqual(["layer 7 'fc1' (Linear) expects 4096 input features but receives 3136 = 64×7×7; set in_features to 3136"]);
    expect(r.layers[7].error).toMatch(/set in_features to 3136/);
    expect(r.layers[6].outputShape).toEqual([3136]);
    expect(() => buildModel(cnn([1, 28, 28], 4096))).toThrow(SpecError);
  });

  it.each([
    [{ kind: 'Linaer', in_features: 4, out_features: 2 }, "layer 0 (Linaer) has unknown kind 'Linaer'; did you mean 'Linear'?"],
    [{ kind: 'Linear', in_features: 4 }, "layer 0 (Linear) missing required argument 'out_features'"],
    [{ kind: 'Linear', in_features: 4, out_features: 2, bais: false }, "layer 0 (Linear) unknown argument 'bais'; did you mean 'bias'?"],
    [{ kind: 'Linear', in_features: 4, out_features: 0 }, 'layer 0 (Linear) out_features must be ≥ 1, got 0'],
    [{ kind: 'Dropout', p: 1.5 }, 'layer 0 (Dropout) p must be ≤ 1, got 1.5'],
    [{ kind: 'Conv2d', in_channels: 4, out_channels: 8, kernel_size: 3 }, 'layer 0 (Conv2d) expects an image input [channels, height, width] but receives [4]'],
    [{ kind: 'Softmax', dim: 0 }, 'layer 0 (Softmax) dim=0 would normalise across the batch; use dim=1 or dim=-1'],
    [{ kind: 'Flatten', start_dim: 0 }, 'layer 0 (Flatten) start_dim=0 would merge the batch dimension; use start_dim ≥ 1'],
  ])('%j', (layer, message) => {
    const r = validateSpec({ input_shape: [4], layers: [layer] });
    expect(r.errors[0]).toContain(message);
  });

  it('rejects malformed specs with a message instead of throwing', () => {
    expect(validateSpec(null).errors[0]).toMatch(/must be an object/);
    expect(validateSpec({ input_shape: [0, 3], layers: [] }).errors[0]).toMatch(/input_shape/);
    expect(validateSpec({ input_shape: [3], layers: {} }).errors[0]).toMatch(/layers must be a list/);
    expect(validateSpec({ input_shape: [3], layers: [{ kind: 'ReLU', name: 'a.b' }] }).errors[0]).toMatch(/not a valid identifier/);
    expect(validateSpec({ input_shape: [3], layers: [{ kind: 'ReLU', name: 'a' }, { kind: 'ReLU', name: 'a' }] }).errors[0]).toMatch(/reuses the name 'a'/);
  });

  it('a pooling window larger than the image says so', () => {
    const r = validateSpec({ input_shape: [1, 2, 2], layers: [{ kind: 'MaxPool2d', kernel_size: 3 }] });
    expect(r.errors[0]).toMatch(/too small for a 3×3 window/);
  });
});

describe('the registry describes every layer for the palette and export', () => {
  it.each(layerDefs().map((d) => [d.kind, d] as const))('%s', (_k, def) => {
    expect(def.description.length).toBeGreaterThan(10);
    for (const a of def.args) expect(a.doc.length, `${def.kind}.${a.name}`).toBeGreaterThan(3);
  });
});
