/**
 * What the Results view draws from MC-dropout answers (`mc.grid`, `mc.samples`): uncertainty
 * grids as heat-map pixels on one sequential scale, the scale's top and a summary, and each
 * sample's mean ± std for the class it predicts. Entropy H[E p] is the total predictive
 * uncertainty; mutual information H[E p] − E H[p] is the part that comes from the model
 * (the passes disagree), the rest is the data's own ambiguity.
 */
import { css, mix, type RGB } from './tensor-view.ts';

export type McMetric = 'mutual_information' | 'entropy';
export const MC_METRICS: readonly McMetric[] = ['mutual_information', 'entropy'];

/** Viridis at five stops: ordered in lightness, readable on both themes and for colour-blind readers. */
export const SCALE: readonly RGB[] = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];

/** t in [0, 1] → colour on SCALE (clamped; NaN → the bottom). */
export function scaleColor(t: number): RGB {
  const u = Number.isFinite(t) ? Math.min(1, Math.max(0, t)) : 0;
  const x = u * (SCALE.length - 1);
  const i = Math.min(SCALE.length - 2, Math.floor(x));
  return mix(SCALE[i], SCALE[i + 1], x - i);
}

/** The scale as a CSS gradient for the legend (left = 0). */
export function scaleGradient(direction = 'to right'): string {
  return `linear-gradient(${direction}, ${SCALE.map((c, i) => `${css(c)} ${(i / (SCALE.length - 1)) * 100}%`).join(', ')})`;
}

/** The largest value (the scale's top); a tiny floor keeps an all-zero grid from dividing by zero. */
export function scaleTop(values: ArrayLike<number>): number {
  let top = 0;
  for (let i = 0; i < values.length; i++) if (values[i] > top) top = values[i];
  return Math.max(top, 1e-9);
}

export function meanOf(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return values.length ? s / values.length : 0;
}

/** RGBA bytes of a size×size grid (row 0 = y_min) with y up, values over [0, top]. */
export function heatmapPixels(values: ArrayLike<number>, size: number, top: number): Uint8ClampedArray {
  const px = new Uint8ClampedArray(size * size * 4);
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      const [r, g, b] = scaleColor(values[row * size + col] / top);
      px.set([r, g, b, 255], ((size - 1 - row) * size + col) * 4);
    }
  }
  return px;
}

/** The most a K-class entropy (and so mutual information) can be: ln K nats. */
export function maxEntropy(classes: number): number {
  return classes > 1 ? Math.log(classes) : 0;
}

/** Whether the passes never disagreed: no dropout is active in the model, and MC-dropout says nothing. */
export function passesAgree(mutualInformation: ArrayLike<number>, tolerance = 1e-7): boolean {
  return scaleTop(mutualInformation) <= tolerance;
}

/** A sample's predicted class with its mean probability and the std over the passes. */
export function predictedStats(s: { predicted: number; probs: readonly number[]; std: readonly number[] }): { mean: number; std: number } {
  return { mean: s.probs[s.predicted] ?? Number.NaN, std: s.std[s.predicted] ?? Number.NaN };
}
