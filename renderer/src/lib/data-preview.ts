/** Pixel and geometry helpers for drawing dataset previews on canvases. */

/**
 * One C×H×W sample (values in [0, 1]) starting at `offset` as RGBA pixels:
 * one channel is grey, three are RGB, other counts show their first channel.
 */
export function sampleRgba(values: ArrayLike<number>, offset: number, c: number, h: number, w: number): Uint8ClampedArray {
  const px = new Uint8ClampedArray(h * w * 4);
  const plane = h * w;
  for (let i = 0; i < plane; i++) {
    const at = (ch: number) => Math.round(values[offset + ch * plane + i] * 255);
    const r = at(0);
    px[i * 4] = r;
    px[i * 4 + 1] = c === 3 ? at(1) : r;
    px[i * 4 + 2] = c === 3 ? at(2) : r;
    px[i * 4 + 3] = 255;
  }
  return px;
}

export interface Bounds {
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
}

/** The range of the points with a margin on each side (a flat range gets ±1 so it still has width). */
export function bounds(xs: ArrayLike<number>, ys: ArrayLike<number>, margin = 0.06): Bounds {
  const span = (v: ArrayLike<number>): [number, number] => {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < v.length; i++) {
      if (v[i] < lo) lo = v[i];
      if (v[i] > hi) hi = v[i];
    }
    if (!Number.isFinite(lo)) return [-1, 1];
    if (hi - lo < 1e-9) return [lo - 1, hi + 1];
    const m = (hi - lo) * margin;
    return [lo - m, hi + m];
  };
  const [xMin, xMax] = span(xs);
  const [yMin, yMax] = span(ys);
  return { xMin, xMax, yMin, yMax };
}

/** Column `col` of a row-major [n, d] array. */
export function column(values: ArrayLike<number>, n: number, d: number, col: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = values[i * d + col];
  return out;
}
