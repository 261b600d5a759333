/**
 * The article's three reference models as starting points, adapted to the
 * chosen dataset's input shape and class count, plus a blank model.
 */
import type { LayerSpec, ModelSpec } from '../nn/spec.ts';
import type { DatasetChoice } from '../data/catalog.ts';

export const TEMPLATES = ['mlp', 'cnn', 'transformer', 'blank'] as const;
export type Template = (typeof TEMPLATES)[number];

export const DEFAULT_DATASET: Record<Template, DatasetChoice> = {
  mlp: { id: 'spiral', samples: 400, seed: 0 },
  cnn: { id: 'mnist' },
  transformer: { id: 'sequence', samples: 2000, length: 16, vocab: 12, seed: 0 },
  blank: { id: 'spiral', samples: 400, seed: 0 },
};

export interface DataShape {
  inputShape: number[];
  classes: number;
  vocab?: number;
}

const prod = (s: number[]) => s.reduce((a, b) => a * b, 1);

/** Linear(in, hidden) → ReLU → Dropout(p) → Linear(hidden, out), flattening images first. */
function mlp(d: DataShape, hidden = 128, p = 0.5): LayerSpec[] {
  const head: LayerSpec[] = d.inputShape.length > 1 ? [{ kind: 'Flatten', name: 'flatten' }] : [];
  return [
    ...head,
    { kind: 'Linear', name: 'fc1', in_features: prod(d.inputShape), out_features: hidden },
    { kind: 'ReLU', name: 'relu' },
    { kind: 'Dropout', name: 'dropout', p },
    { kind: 'Linear', name: 'fc2', in_features: hidden, out_features: d.classes },
  ];
}

/** Conv(c,32,3,p1) → ReLU → Pool → Conv(32,64,3,p1) → ReLU → Pool → Flatten → Linear(64·H/4·W/4, 128) → ReLU → Dropout → Linear(128, classes). */
function cnn(d: DataShape, p = 0.5): LayerSpec[] {
  const [c, h, w] = d.inputShape.length === 3 ? d.inputShape : [1, 1, 1];
  return [
    { kind: 'Conv2d', name: 'conv1', in_channels: c, out_channels: 32, kernel_size: 3, padding: 1 },
    { kind: 'ReLU', name: 'relu1' },
    { kind: 'MaxPool2d', name: 'pool1', kernel_size: 2 },
    { kind: 'Conv2d', name: 'conv2', in_channels: 32, out_channels: 64, kernel_size: 3, padding: 1 },
    { kind: 'ReLU', name: 'relu2' },
    { kind: 'MaxPool2d', name: 'pool2', kernel_size: 2 },
    { kind: 'Flatten', name: 'flatten' },
    { kind: 'Linear', name: 'fc1', in_features: 64 * Math.floor(Math.floor(h / 2) / 2) * Math.floor(Math.floor(w / 2) / 2), out_features: 128 },
    { kind: 'ReLU', name: 'relu3' },
    { kind: 'Dropout', name: 'dropout', p },
    { kind: 'Linear', name: 'fc2', in_features: 128, out_features: d.classes },
  ];
}

/** Embedding + positions (with dropout) → 2 post-norm encoder blocks → mean over the sequence → Linear. */
function transformer(d: DataShape, e = 32, p = 0.1): LayerSpec[] {
  const length = d.inputShape[0];
  return [
    { kind: 'Embedding', name: 'embed', num_embeddings: d.vocab ?? 16, embedding_dim: e },
    { kind: 'LearnedPositionalEmbedding', name: 'pos', max_len: length, embedding_dim: e },
    { kind: 'Dropout', name: 'embed_dropout', p },
    { kind: 'TransformerEncoderBlock', name: 'block1', d_model: e, nhead: 4, dim_feedforward: 2 * e, dropout: p },
    { kind: 'TransformerEncoderBlock', name: 'block2', d_model: e, nhead: 4, dim_feedforward: 2 * e, dropout: p },
    { kind: 'SequenceMean', name: 'pool' },
    { kind: 'Linear', name: 'head', in_features: e, out_features: d.classes },
  ];
}

export function templateSpec(t: Template, d: DataShape): ModelSpec {
  switch (t) {
    case 'mlp':
      // Images get a wider hidden layer: 784 inputs carry more than a 2-D point.
      return { input_shape: d.inputShape, layers: mlp(d, d.inputShape.length > 1 ? 512 : 128) };
    case 'cnn':
      return { input_shape: d.inputShape, layers: cnn(d) };
    case 'transformer':
      return { input_shape: d.inputShape, layers: transformer(d) };
    case 'blank':
      return { input_shape: d.inputShape, layers: [] };
  }
}

/**
 * Training settings that make a template's first run worth looking at: the
 * 2-D toy sets are a few hundred points, so they need many short epochs and a
 * larger step; images and sequences keep Adam's usual 1e-3.
 */
export function templateTraining(t: Template, d: DataShape): { epochs: number; batch_size: number; optimizer: { type: 'adam'; lr: number } } {
  if (t === 'cnn') return { epochs: 10, batch_size: 64, optimizer: { type: 'adam', lr: 1e-3 } };
  if (t === 'transformer') return { epochs: 30, batch_size: 32, optimizer: { type: 'adam', lr: 1e-3 } };
  if (d.inputShape.length === 3) return { epochs: 20, batch_size: 64, optimizer: { type: 'adam', lr: 1e-3 } };
  return { epochs: 100, batch_size: 32, optimizer: { type: 'adam', lr: 0.01 } };
}
