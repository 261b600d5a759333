/**
 * Turning tensors into pictures and text: how a layer's output is laid out as
 * a heat-map (strip, rows or feature maps), the colour scales, images from
 * C×H×W inputs, and the one way output vectors are printed (tests compare
 * that text). No DOM: components put the RGBA bytes on a canvas.
 */

export type RGB = readonly [number, number, number];

/** Negative values lean blue, positive orange; the middle is the panel colour, so both themes read. */
export const NEGATIVE: RGB = [37, 99, 235];
export const POSITIVE: RGB = [234, 88, 12];
export const MID_LIGHT: RGB = [244, 245, 247];
export const MID_DARK: RGB = [42, 48, 56];

/** Class colours for confusion cells, boundaries and points (the theme's series plus a few more). */
export const CLASS_COLORS: readonly RGB[] = [
  [37, 99, 235], [234, 88, 12], [22, 163, 74], [147, 51, 234], [219, 39, 119],
  [13, 148, 136], [202, 138, 4], [100, 116, 139], [220, 38, 38], [79, 70, 229],
];

export function classColor(k: number): RGB {
  return CLASS_COLORS[((k % CLASS_COLORS.length) + CLASS_COLORS.length) % CLASS_COLORS.length];
}

export function css([r, g, b]: RGB): string {
  return `rgb(${Math.round(r)} ${Math.round(g)} ${Math.round(b)})`;
}

export function mix(a: RGB, b: RGB, t: number): RGB {
  const u = Math.min(1, Math.max(0, t));
  return [a[0] + (b[0] - a[0]) * u, a[1] + (b[1] - a[1]) * u, a[2] + (b[2] - a[2]) * u];
}

/** v in [−scale, scale] → blue … mid … orange. */
export function diverging(v: number, scale: number, mid: RGB): RGB {
  if (!(scale > 0) || !Number.isFinite(v)) return mid;
  const t = Math.min(1, Math.abs(v) / scale);
  return mix(mid, v < 0 ? NEGATIVE : POSITIVE, t);
}

export function maxAbs(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) m = Math.max(m, Math.abs(values[i]));
  return m;
}

/** How a single sample's tensor (batch axis dropped) is drawn. */
export type Layout =
  | { kind: 'strip'; rows: number; cols: number } // a vector, wrapped into rows when long
  | { kind: 'matrix'; rows: number; cols: number } // tokens × features
  | { kind: 'maps'; maps: number; rows: number; cols: number }; // channels of H×W

/** Shape of one sample (no batch axis) → layout; vectors longer than `wrap` wrap into rows. */
export function layoutOf(shape: readonly number[], wrap = 64): Layout {
  const n = shape.reduce((a, b) => a * b, 1);
  if (shape.length >= 3) {
    const [rows, cols] = shape.slice(-2);
    return { kind: 'maps', maps: n / (rows * cols), rows, cols };
  }
  if (shape.length === 2) return { kind: 'matrix', rows: shape[0], cols: shape[1] };
  return n <= wrap ? { kind: 'strip', rows: 1, cols: n } : { kind: 'strip', rows: Math.ceil(n / wrap), cols: wrap };
}

/**
 * Broadcasts a noise mask of `maskShape` onto `outShape` (numpy rules: equal dims or 1), so a
 * per-channel Dropout2d mask marks every pixel of a dropped map. Null when it does not broadcast.
 */
export function broadcastMask(mask: ArrayLike<number>, maskShape: readonly number[], outShape: readonly number[]): Float32Array | null {
  const rank = outShape.length;
  if (maskShape.length > rank) return null;
  const ms = [...new Array<number>(rank - maskShape.length).fill(1), ...maskShape];
  if (ms.some((d, i) => d !== 1 && d !== outShape[i])) return null;
  const n = outShape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  const strides = new Array<number>(rank);
  let s = 1;
  for (let i = rank - 1; i >= 0; i--) {
    strides[i] = ms[i] === 1 ? 0 : s;
    s *= ms[i];
  }
  const idx = new Array<number>(rank).fill(0);
  for (let k = 0; k < n; k++) {
    let m = 0;
    for (let i = 0; i < rank; i++) m += idx[i] * strides[i];
    out[k] = mask[m];
    for (let i = rank - 1; i >= 0; i--) {
      if (++idx[i] < outShape[i]) break;
      idx[i] = 0;
    }
  }
  return out;
}

/** RGBA bytes of a rows×cols heat-map of `values` starting at `offset`; cells past the data are transparent. */
export function heatPixels(values: ArrayLike<number>, offset: number, rows: number, cols: number, scale: number, mid: RGB): Uint8ClampedArray {
  const px = new Uint8ClampedArray(rows * cols * 4);
  for (let i = 0; i < rows * cols; i++) {
    if (offset + i >= values.length) continue;
    const [r, g, b] = diverging(values[offset + i], scale, mid);
    px.set([r, g, b, 255], i * 4);
  }
  return px;
}

/**
 * RGBA bytes of sample `i` of a raw image batch [n, C, H, W] or [n, H, W] with values in [0, 1]:
 * one channel is grey, three are RGB (other counts show their first channel).
 */
export function imagePixels(data: ArrayLike<number>, shape: readonly number[], i: number): { width: number; height: number; px: Uint8ClampedArray } {
  const [c, height, width] = shape.length >= 4 ? shape.slice(1, 4) : [1, shape[1], shape[2]];
  const plane = height * width;
  const base = i * c * plane;
  const px = new Uint8ClampedArray(plane * 4);
  const byte = (v: number) => Math.round(Math.min(1, Math.max(0, v)) * 255);
  for (let p = 0; p < plane; p++) {
    const r = byte(data[base + p]);
    const g = c === 3 ? byte(data[base + plane + p]) : r;
    const b = c === 3 ? byte(data[base + 2 * plane + p]) : r;
    px.set([r, g, b, 255], p * 4);
  }
  return { width, height, px };
}

/** Whether a raw input shape (without batch) is a picture: [H, W] or [C, H, W] with C of 1 or 3. */
export function isImageShape(shape: readonly number[]): boolean {
  return (shape.length === 2 && shape[0] > 1 && shape[1] > 1) || (shape.length === 3 && (shape[0] === 1 || shape[0] === 3) && shape[1] > 1 && shape[2] > 1);
}

/** "[0.1234, -0.5678]": fixed digits so equal outputs print equally; long vectors end in "… +n". */
export function formatVector(values: ArrayLike<number>, digits = 4, limit = 16): string {
  const shown = Array.from({ length: Math.min(values.length, limit) }, (_, i) => values[i].toFixed(digits));
  const more = values.length - shown.length;
  return `[${shown.join(', ')}${more > 0 ? `, … +${more}` : ''}]`;
}

export function softmax(logits: ArrayLike<number>): number[] {
  let m = -Infinity;
  for (let i = 0; i < logits.length; i++) m = Math.max(m, logits[i]);
  const e = Array.from(logits, (v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}
