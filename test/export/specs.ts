/**
 * Models for the export tests: between them, the two "every kind" models use
 * every layer kind in the registry and both blocks (the token kinds need token
 * inputs, so they get a model of their own).
 */
import type { ModelSpec } from '../../engine/nn/spec.ts';

/** Every non-token kind on a [4, 2, 6, 6] input (Dropout3d needs a 4-D sample), with Residual and Sequential blocks. */
export const EVERY_KIND_IMAGE: ModelSpec = {
  input_shape: [4, 2, 6, 6],
  layers: [
    { kind: 'Dropout3d', name: 'drop3d', p: 0.2 },
    { kind: 'FeatureAlphaDropout', name: 'falpha', p: 0.1 },
    { kind: 'Flatten', name: 'merge', start_dim: 1, end_dim: 2 },
    { kind: 'Conv2d', name: 'conv', in_channels: 8, out_channels: 8, kernel_size: 3, padding: 1 },
    { kind: 'BatchNorm2d', name: 'bn2d', num_features: 8 },
    { kind: 'ReLU' },
    { kind: 'Dropout2d', name: 'drop2d', p: 0.1 },
    { kind: 'DropBlock2d', name: 'dropblock', p: 0.1, block_size: 3 },
    {
      kind: 'Residual', name: 'res', layers: [
        { kind: 'Conv2d', name: 'conv', in_channels: 8, out_channels: 8, kernel_size: 3, padding: 1, bias: false },
        { kind: 'GroupNorm', num_groups: 2, num_channels: 8 },
        { kind: 'StochasticDepth', name: 'sd', p: 0.2, mode: 'row' },
      ],
    },
    { kind: 'ELU', name: 'elu', alpha: 0.9 },
    { kind: 'MaxPool2d', name: 'maxpool', kernel_size: 2 },
    { kind: 'AvgPool2d', name: 'avgpool', kernel_size: 3, stride: 1, padding: 1, count_include_pad: false },
    { kind: 'AdaptiveAvgPool2d', name: 'gap', output_size: 1 },
    { kind: 'Flatten', name: 'to_seq', start_dim: 2 },
    { kind: 'Dropout1d', name: 'drop1d', p: 0.1 },
    { kind: 'Flatten', name: 'flatten' },
    { kind: 'Linear', name: 'fc1', in_features: 8, out_features: 16 },
    { kind: 'BatchNorm1d', name: 'bn1d', num_features: 16 },
    { kind: 'LeakyReLU', name: 'lrelu', negative_slope: 0.1 },
    { kind: 'Dropout', name: 'dropout', p: 0.3 },
    { kind: 'DropConnect', name: 'dropconnect', in_features: 16, out_features: 16, p: 0.2 },
    { kind: 'GELU', name: 'gelu' },
    {
      kind: 'Sequential', name: 'head', layers: [
        { kind: 'AlphaDropout', name: 'alpha', p: 0.1 },
        { kind: 'SELU', name: 'selu' },
        { kind: 'GaussianDropout', name: 'gdrop', rate: 0.2 },
        { kind: 'GaussianNoise', name: 'gnoise', stddev: 0.1 },
        { kind: 'LayerNorm', name: 'ln', normalized_shape: [16] },
      ],
    },
    { kind: 'Tanh', name: 'tanh' },
    { kind: 'DropPath', name: 'droppath', p: 0.1 },
    { kind: 'Identity', name: 'identity' },
    { kind: 'Linear', name: 'fc2', in_features: 16, out_features: 8 },
    { kind: 'Sigmoid', name: 'sigmoid' },
    { kind: 'GELU', name: 'gelu_tanh', approximate: 'tanh' },
    { kind: 'Linear', name: 'fc3', in_features: 8, out_features: 5 },
    { kind: 'Softmax', name: 'softmax', dim: 1 },
    { kind: 'LogSoftmax', name: 'logsoftmax', dim: -1 },
  ],
};

/** The token kinds: embeddings, both position encodings, attention in a Residual, pre-norm encoder, pooling. */
export const EVERY_KIND_TOKENS: ModelSpec = {
  input_shape: [10],
  layers: [
    { kind: 'Embedding', name: 'embed', num_embeddings: 12, embedding_dim: 16, padding_idx: 0 },
    { kind: 'SinusoidalPositionalEncoding', name: 'sin', d_model: 16, max_len: 32 },
    { kind: 'LearnedPositionalEmbedding', name: 'pos', max_len: 10, embedding_dim: 16 },
    { kind: 'Residual', name: 'attn', layers: [{ kind: 'MultiheadAttention', name: 'mha', embed_dim: 16, num_heads: 4, causal: true }] },
    {
      kind: 'Sequential', layers: [ // unnamed layers: a positional nn.Sequential, nesting a Residual
        { kind: 'TransformerEncoderBlock', d_model: 16, nhead: 2, dim_feedforward: 24, activation: 'gelu', norm_first: true },
        { kind: 'Residual', layers: [{ kind: 'LayerNorm', normalized_shape: [16], eps: 1e-6 }, { kind: 'Linear', in_features: 16, out_features: 16 }] },
      ],
    },
    { kind: 'SequenceMean', name: 'pool' },
    { kind: 'Linear', name: 'head', in_features: 16, out_features: 3 },
  ],
};
