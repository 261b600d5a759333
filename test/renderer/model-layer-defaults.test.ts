import { describe, expect, it } from 'vitest';
import { catalog as engineCatalog } from '../../engine/host/catalog.ts';
import { validateSpec } from '../../engine/nn/spec.ts';
import { BLOCK_INFOS, newLayer, shapeAt, type LayerInfo } from '../../renderer/src/lib/layer-defaults.ts';
import { insert, type ModelSpec } from '../../renderer/src/lib/spec-edit.ts';

/** The catalog as the engine sends it. */
const catalog: LayerInfo[] = engineCatalog('js').layers;
const info = (kind: string) => [...catalog, ...BLOCK_INFOS].find((l) => l.kind === kind)!;

const mlp: ModelSpec = {
  input_shape: [2],
  layers: [
    { kind: 'Linear', name: 'fc1', in_features: 2, out_features: 128 },
    { kind: 'ReLU', name: 'relu' },
    { kind: 'Dropout', name: 'dropout', p: 0.5 },
    { kind: 'Linear', name: 'fc2', in_features: 128, out_features: 3 },
  ],
};
const cnn: ModelSpec = {
  input_shape: [3, 32, 32],
  layers: [{ kind: 'Conv2d', name: 'conv', in_channels: 3, out_channels: 32, kernel_size: 3, padding: 1 }, { kind: 'ReLU', name: 'relu' }],
};
const tokens: ModelSpec = { input_shape: [16], layers: [{ kind: 'Embedding', name: 'embed', num_embeddings: 12, embedding_dim: 32 }] };

/** Inserts a palette layer at `index` and returns it with the engine's verdict on the result. */
function place(spec: ModelSpec, kind: string, index: number, parent: number[] = []) {
  const layer = newLayer(info(kind), spec, validateSpec(spec), parent, index);
  const report = validateSpec(insert(spec, parent, index, layer));
  return { layer, report };
}

describe('new layer defaults', () => {
  it('names like the templates, unique in their list', () => {
    expect(place(mlp, 'Dropout', 2).layer.name).toBe('dropout_2');
    expect(place(mlp, 'Linear', 4).layer.name).toBe('fc');
    expect(info('BatchNorm1d').nameBase).toBe('bn');
    expect(info('GaussianDropout').nameBase).toBe('gaussian_dropout');
    expect(info('ReLU').nameBase).toBe('relu');
    expect(info('LeakyReLU').nameBase).toBe('leaky_relu');
    expect(place(mlp, 'Residual', 2).layer.name).toBe('res');
  });

  it('reads the incoming shape from the report, also inside blocks', () => {
    const r = validateSpec(mlp);
    expect(shapeAt(mlp, r, [], 0)).toEqual([2]);
    expect(shapeAt(mlp, r, [], 2)).toEqual([128]);
    expect(shapeAt(mlp, r, [], 4)).toEqual([3]);
    const nested: ModelSpec = { input_shape: [4], layers: [{ kind: 'Linear', name: 'a', in_features: 4, out_features: 6 }, { kind: 'Sequential', name: 's', layers: [{ kind: 'Linear', name: 'b', in_features: 6, out_features: 5 }] }] };
    const rn = validateSpec(nested);
    expect(shapeAt(nested, rn, [1], 0)).toEqual([6]);
    expect(shapeAt(nested, rn, [1], 1)).toEqual([5]);
    expect(shapeAt(nested, null, [], 1)).toBeNull();
  });

  it('fits Linear, BatchNorm1d and LayerNorm to the previous output', () => {
    expect(place(mlp, 'Linear', 2).layer).toMatchObject({ in_features: 128, out_features: 128 });
    for (const kind of ['Linear', 'BatchNorm1d', 'LayerNorm', 'DropConnect', 'Dropout', 'GaussianNoise', 'Residual', 'Sequential']) {
      expect(place(mlp, kind, 2).report.errors, kind).toEqual([]);
    }
  });

  it('fits Conv2d, BatchNorm2d, GroupNorm and pooling to feature maps', () => {
    expect(place(cnn, 'Conv2d', 2).layer).toMatchObject({ in_channels: 32, out_channels: 32, kernel_size: 3, padding: 1 });
    expect(place(cnn, 'GroupNorm', 2).layer).toMatchObject({ num_channels: 32, num_groups: 8 });
    for (const kind of ['Conv2d', 'BatchNorm2d', 'GroupNorm', 'MaxPool2d', 'AvgPool2d', 'AdaptiveAvgPool2d', 'Dropout2d', 'DropBlock2d', 'Flatten', 'Residual']) {
      expect(place(cnn, kind, 2).report.errors, kind).toEqual([]);
    }
  });

  it('fits attention layers to a token sequence', () => {
    expect(place(tokens, 'TransformerEncoderBlock', 1).layer).toMatchObject({ d_model: 32, nhead: 8, dim_feedforward: 128 });
    for (const kind of ['LearnedPositionalEmbedding', 'SinusoidalPositionalEncoding', 'MultiheadAttention', 'TransformerEncoderBlock', 'LayerNorm', 'SequenceMean']) {
      expect(place(tokens, kind, 1).report.errors, kind).toEqual([]);
    }
  });

  it('fills every required argument of every kind, and writes out dropout rates', () => {
    for (const l of catalog) {
      const layer = newLayer(l, mlp, null, [], 0);
      for (const a of l.args.filter((x) => x.required)) expect(layer[a.name], `${l.kind}.${a.name}`).toBeDefined();
    }
    expect(place(mlp, 'Dropout', 2).layer).toEqual({ kind: 'Dropout', name: 'dropout_2', p: 0.5 });
    expect(place(mlp, 'GaussianDropout', 2).layer).toEqual({ kind: 'GaussianDropout', name: 'gaussian_dropout', rate: 0.5 });
    expect(place(mlp, 'ReLU', 2).layer).toEqual({ kind: 'ReLU', name: 'relu_2' });
  });
});
