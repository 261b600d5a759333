/**
 * What a card says about a layer at a glance: its key arguments in the
 * notation of papers and PyTorch reprs (784 → 128, p = 0.5, k3 s1 p1), and
 * the dropout rates hidden inside composite layers, shown as chips.
 */
import type { LayerSpec } from './spec-edit.ts';
import type { LayerInfo } from './layer-defaults.ts';

/** An argument's value as the spec gives it, else the catalog's default. */
function arg(layer: LayerSpec, info: LayerInfo | undefined, name: string): unknown {
  return layer[name] !== undefined ? layer[name] : info?.args.find((a) => a.name === name)?.default;
}

function pairText(v: unknown): string {
  return Array.isArray(v) ? v.join('×') : String(v);
}

/** The argument a scheduled rate lives in: a stochastic layer's own (its trait names it), else a layer's `dropout`. */
export function rateArg(info: LayerInfo | undefined): string | null {
  if (!info || !info.args.some((a) => a.type === 'schedule')) return null;
  return info.traits.stochastic?.rate ?? (info.args.some((a) => a.name === 'dropout') ? 'dropout' : null);
}

/** A dropout layer itself, not a layer with a dropout inside (MultiheadAttention is stochastic too). */
export function isDropoutLike(info: LayerInfo | undefined): boolean {
  return info?.category === 'Dropout family';
}

export function summary(layer: LayerSpec, info: LayerInfo | undefined): string {
  const a = (n: string) => arg(layer, info, n);
  switch (layer.kind) {
    case 'Linear':
      return `${a('in_features')} → ${a('out_features')}${a('bias') === false ? ', no bias' : ''}`;
    case 'DropConnect':
      return `${a('in_features')} → ${a('out_features')}, p = ${a('p')}`;
    case 'Conv2d':
      return `${a('in_channels')} → ${a('out_channels')}, k${pairText(a('kernel_size'))} s${pairText(a('stride'))} p${pairText(a('padding'))}`;
    case 'MaxPool2d':
    case 'AvgPool2d':
      return `k${pairText(a('kernel_size'))} s${pairText(a('stride') ?? a('kernel_size'))}${a('padding') ? ` p${pairText(a('padding'))}` : ''}`;
    case 'AdaptiveAvgPool2d':
      return `→ ${pairText(a('output_size'))}`;
    case 'BatchNorm1d':
    case 'BatchNorm2d':
      return String(a('num_features'));
    case 'LayerNorm':
      return `[${pairText(a('normalized_shape')).replace(/×/g, ', ')}]`;
    case 'GroupNorm':
      return `${a('num_groups')} × ${Number(a('num_channels')) / Number(a('num_groups') || 1)} ch`;
    case 'Embedding':
      return `${a('num_embeddings')} → ${a('embedding_dim')}`;
    case 'LearnedPositionalEmbedding':
      return `${a('max_len')} × ${a('embedding_dim')}`;
    case 'SinusoidalPositionalEncoding':
      return `d = ${a('d_model')}`;
    case 'MultiheadAttention':
      return `E = ${a('embed_dim')}, h = ${a('num_heads')}${a('causal') ? ', causal' : ''}`;
    case 'TransformerEncoderBlock':
      return `E = ${a('d_model')}, h = ${a('nhead')}, ff = ${a('dim_feedforward')}${a('norm_first') ? ', pre-norm' : ''}`;
    case 'LeakyReLU':
      return `slope ${a('negative_slope')}`;
    case 'ELU':
      return `α = ${a('alpha')}`;
    case 'Softmax':
    case 'LogSoftmax':
    case 'SequenceMean':
      return `dim ${a('dim')}`;
    case 'StochasticDepth':
    case 'DropPath':
      return `p = ${a('p')}, ${a('mode')}`;
    case 'DropBlock2d':
      return `p = ${a('p')}, block ${a('block_size')}`;
  }
  const rate = rateArg(info);
  if (rate) return `${rate === 'stddev' ? 'σ' : rate} = ${a(rate)}`;
  return '';
}

/**
 * Dropout rates inside a layer that is not itself a dropout layer
 * (TransformerEncoderBlock's four dropouts, attention-weight dropout,
 * positional-embedding dropout), with overrides resolved as the engine does
 * (a null attn_dropout means "dropout").
 */
export function innerDropouts(layer: LayerSpec, info: LayerInfo | undefined): { name: string; p: number }[] {
  const a = (n: string) => arg(layer, info, n);
  if (layer.kind === 'TransformerEncoderBlock') {
    const base = Number(a('dropout'));
    return ['attn_dropout', 'dropout1', 'ffn_dropout', 'dropout2'].map((name) => ({ name, p: a(name) === null || a(name) === undefined ? base : Number(a(name)) }));
  }
  if (isDropoutLike(info)) return [];
  const d = a('dropout');
  return typeof d === 'number' && d > 0 ? [{ name: 'dropout', p: d }] : [];
}

/** "[128]", "[32, 16, 16]" — shapes as the engine writes them, batch left out. */
export function shapeText(shape: readonly number[] | null | undefined): string {
  return shape ? `[${shape.join(', ')}]` : '?';
}

/** 1234567 → "1.23M": compact parameter counts for cards. */
export function compactCount(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1e6) return `${+(n / 1e3).toPrecision(3)}k`;
  return `${+(n / 1e6).toPrecision(3)}M`;
}
