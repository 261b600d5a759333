/**
 * What a card says about a layer at a glance: its key arguments in the
 * notation of papers and PyTorch reprs (784 → 128, p = 0.5, k3 s1 p1), as each
 * layer words them (its `summary`, called from the engine's registry: see
 * layer-defaults.ts for why), and the dropout rates hidden inside composite
 * layers, shown as chips.
 */
import { layerDef } from '../../../engine/nn/registry.ts';
import type { LayerSpec } from './spec-edit.ts';
import type { LayerInfo } from './layer-defaults.ts';

/** An argument's value as the spec gives it, else the catalog's default. */
function arg(layer: LayerSpec, info: LayerInfo | undefined, name: string): unknown {
  return layer[name] !== undefined ? layer[name] : info?.args.find((a) => a.name === name)?.default;
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

/** The card's line: the layer's own summary (engine/nn/layers/*), else a stochastic layer's rate ("p = 0.5"), else nothing. */
export function summary(layer: LayerSpec, info: LayerInfo | undefined): string {
  const def = layerDef(layer.kind);
  if (def?.summary) {
    const values: Record<string, unknown> = Object.fromEntries(def.args.map((a) => [a.name, a.default]));
    for (const [k, v] of Object.entries(layer)) if (v !== undefined) values[k] = v;
    return def.summary(values);
  }
  const rate = rateArg(info);
  return rate ? `${rate} = ${arg(layer, info, rate)}` : '';
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
