/**
 * Helpers for what layers declare for the model editor: insertion defaults
 * read from the shape flowing in (`insertDefaults`) and the card's one-line
 * summary in the notation of papers and PyTorch reprs (`summary`).
 */
import type { LayerDef } from './layer-def.ts';

/** The incoming shape's last dimension (features, embedding size), or `fallback` while the shape is unknown. */
export function lastDim(shape: readonly number[] | null, fallback = 64): number {
  return shape && shape.length > 0 ? shape[shape.length - 1] : fallback;
}

/** The incoming shape's first dimension (channels, positions) when it has at least `rank` dimensions, else `fallback`. */
export function firstDim<T>(shape: readonly number[] | null, fallback: T, rank = 1): number | T {
  return shape && shape.length >= rank ? shape[0] : fallback;
}

/** Largest of 8, 4, 2, 1 that divides n: a head or group count that always fits. */
export function divisor(n: number): number {
  return [8, 4, 2, 1].find((d) => n % d === 0) ?? 1;
}

/** A pair argument as a card shows it: 3 or 3×5. */
export function pairText(v: unknown): string {
  return Array.isArray(v) ? v.join('×') : String(v);
}

/** The start of a new layer's name: its own, else the kind in snake_case (LeakyReLU → leaky_relu). */
export function nameBaseOf(def: Pick<LayerDef, 'kind' | 'nameBase'>): string {
  return def.nameBase ?? def.kind.replace(/([a-z0-9])([A-Z][a-z])/g, '$1_$2').toLowerCase();
}
