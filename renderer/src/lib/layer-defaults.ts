/**
 * What a new layer from the palette starts with: a unique name and values for
 * its required arguments that fit where it lands, read from the engine's
 * shape inference (Linear takes the previous output's last dimension, Conv2d
 * its channels, …), so a fresh insert usually validates at once.
 */
import type { Catalog, SpecReport } from './engine.svelte.ts';
import { BLOCK_KINDS, getList, uniqueName, type LayerPath, type LayerSpec, type ModelSpec } from './spec-edit.ts';

export type LayerInfo = Catalog['layers'][number];
export type ArgInfo = LayerInfo['args'][number];
export type LayerReport = SpecReport['layers'][number];

/** Palette entries for the blocks, which the engine validates but does not list in its catalog. */
export const BLOCK_INFOS: LayerInfo[] = BLOCK_KINDS.map((kind) => ({ kind, category: 'Blocks', description: '', descriptionZh: '', traits: {}, args: [] }));

/** Short names in the style of the templates (fc1, conv1, dropout); others are the kind in snake_case. */
const NAME_BASES: Record<string, string> = {
  Linear: 'fc',
  Conv2d: 'conv',
  MaxPool2d: 'pool',
  AvgPool2d: 'pool',
  AdaptiveAvgPool2d: 'pool',
  BatchNorm1d: 'bn',
  BatchNorm2d: 'bn',
  LayerNorm: 'norm',
  GroupNorm: 'norm',
  Embedding: 'embed',
  LearnedPositionalEmbedding: 'pos',
  SinusoidalPositionalEncoding: 'pos',
  MultiheadAttention: 'attn',
  TransformerEncoderBlock: 'block',
  Residual: 'res',
  Sequential: 'seq',
};

export function nameBase(kind: string): string {
  return NAME_BASES[kind] ?? kind.replace(/([a-z0-9])([A-Z][a-z])/g, '$1_$2').toLowerCase();
}

/** The shape flowing into position `index` of the list under `parent`, from the last report. */
export function shapeAt(spec: ModelSpec, report: SpecReport | null, parent: LayerPath, index: number): number[] | null {
  let reports = report?.layers ?? null;
  let input: number[] | null = spec.input_shape;
  for (const i of parent) {
    const r: LayerReport | undefined = reports?.[i];
    input = r?.inputShape ?? null;
    reports = r?.children ?? null;
  }
  if (index === 0) return input;
  return reports?.[index - 1]?.outputShape ?? null;
}

/** Largest of 8, 4, 2, 1 that divides n: a head or group count that always fits. */
function divisor(n: number): number {
  return [8, 4, 2, 1].find((d) => n % d === 0) ?? 1;
}

/** Values inferred from the incoming shape; null where the shape says nothing (then generic defaults apply). */
function inferred(kind: string, shape: number[] | null): Record<string, unknown> {
  const last = shape && shape.length > 0 ? shape[shape.length - 1] : null;
  const channels = shape && shape.length >= 2 ? shape[0] : null;
  const width = last ?? 64;
  switch (kind) {
    case 'Linear':
    case 'DropConnect':
      return { in_features: width, out_features: width };
    case 'Conv2d':
      return { in_channels: channels ?? 1, out_channels: channels ?? 16, kernel_size: 3, padding: 1 };
    case 'MaxPool2d':
    case 'AvgPool2d':
      return { kernel_size: 2 };
    case 'AdaptiveAvgPool2d':
      return { output_size: 1 };
    case 'BatchNorm1d':
    case 'BatchNorm2d':
      return { num_features: shape && shape.length > 0 ? shape[0] : 64 };
    case 'LayerNorm':
      return { normalized_shape: [width] };
    case 'GroupNorm': {
      const c = shape && shape.length > 0 ? shape[0] : 32;
      return { num_groups: divisor(c), num_channels: c };
    }
    case 'Embedding':
      return { num_embeddings: 16, embedding_dim: 32 };
    case 'LearnedPositionalEmbedding':
      return { max_len: shape && shape.length >= 2 ? shape[0] : 512, embedding_dim: width };
    case 'SinusoidalPositionalEncoding':
      return { d_model: width };
    case 'MultiheadAttention':
      return { embed_dim: width, num_heads: divisor(width) };
    case 'TransformerEncoderBlock':
      return { d_model: width, nhead: divisor(width), dim_feedforward: 4 * width };
    case 'StochasticDepth':
      return { p: 0.1, mode: 'row' };
    default:
      return {};
  }
}

/** A value for a required argument nothing could be inferred for. */
function fallback(arg: ArgInfo): unknown {
  switch (arg.type) {
    case 'bool': return false;
    case 'enum': return arg.options?.[0] ?? '';
    case 'float': case 'float?': return arg.min ?? 0;
    case 'ints': return [1];
    default: return Math.max(1, arg.min ?? 1);
  }
}

/** Inner layers a new block starts with (a block may not be empty); Residual's keep the shape. */
function blockLayers(shape: number[] | null): LayerSpec[] {
  if (shape && shape.length === 3) {
    const c = shape[0];
    return [{ kind: 'Conv2d', name: 'conv', in_channels: c, out_channels: c, kernel_size: 3, padding: 1 }, { kind: 'ReLU', name: 'relu' }];
  }
  const w = shape && shape.length > 0 ? shape[shape.length - 1] : 64;
  return [{ kind: 'Linear', name: 'fc', in_features: w, out_features: w }, { kind: 'ReLU', name: 'relu' }];
}

/**
 * A new layer of `info.kind` for position `index` of the list under `parent`:
 * required arguments filled (inferred, else generic), optional ones left to
 * the engine's defaults, the name unique in that list.
 */
export function newLayer(info: LayerInfo, spec: ModelSpec, report: SpecReport | null, parent: LayerPath, index: number): LayerSpec {
  const shape = shapeAt(spec, report, parent, index);
  const taken = (getList(spec, parent) ?? []).map((l) => l.name);
  const layer: LayerSpec = { kind: info.kind, name: uniqueName(taken, nameBase(info.kind)) };
  if ((BLOCK_KINDS as readonly string[]).includes(info.kind)) {
    layer.layers = blockLayers(shape);
    return layer;
  }
  const guess = inferred(info.kind, shape);
  // A dropout layer's rate is the knob the lab is about: written out, so the spec and the inspector show it.
  const rate = info.traits.stochastic?.rate;
  for (const arg of info.args) {
    if (arg.name in guess) layer[arg.name] = guess[arg.name];
    else if (arg.required) layer[arg.name] = fallback(arg);
    else if (arg.name === rate) layer[arg.name] = arg.default;
  }
  return layer;
}
