/**
 * Resizing to the dataset's size, separably: area averaging when shrinking
 * (each output pixel the mean of the source area it covers, as OpenCV's
 * INTER_AREA and PIL's BOX), bilinear with half-pixel centres when enlarging
 * (as PyTorch's interpolate with align_corners=False).
 */

interface Tap {
  from: number;
  weights: Float32Array;
}

/** For each output index along one axis: the first source index and the weights of the sources from there. */
export function axisTaps(src: number, dst: number): Tap[] {
  const taps: Tap[] = [];
  const scale = src / dst;
  for (let i = 0; i < dst; i++) {
    if (dst <= src) {
      const lo = i * scale;
      const hi = lo + scale;
      const from = Math.floor(lo);
      const to = Math.min(src, Math.ceil(hi));
      const weights = new Float32Array(to - from);
      for (let j = from; j < to; j++) weights[j - from] = (Math.min(hi, j + 1) - Math.max(lo, j)) / scale;
      taps.push({ from, weights });
    } else {
      const x = Math.max(0, (i + 0.5) * scale - 0.5);
      const from = Math.min(Math.floor(x), src - 1);
      const t = x - from;
      taps.push(from + 1 < src ? { from, weights: Float32Array.of(1 - t, t) } : { from, weights: Float32Array.of(1) });
    }
  }
  return taps;
}

/**
 * `rgb` (h × w × 3, row-major) to `size` × `size`, written channel-planar
 * (C × H × W, as the lab's images are) into `out` at `offset`: three planes,
 * or one grey plane (ITU-R BT.601 luma, as PIL's convert('L') and
 * torchvision's Grayscale).
 */
export function resizeInto(rgb: Float32Array, w: number, h: number, size: number, gray: boolean, out: Uint8Array, offset: number): void {
  const cols = axisTaps(w, size);
  const rows = axisTaps(h, size);
  // Rows first: h × size × 3.
  const mid = new Float32Array(h * size * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < size; x++) {
      const { from, weights } = cols[x];
      let r = 0, g = 0, b = 0;
      for (let k = 0; k < weights.length; k++) {
        const s = (y * w + from + k) * 3;
        r += rgb[s] * weights[k];
        g += rgb[s + 1] * weights[k];
        b += rgb[s + 2] * weights[k];
      }
      const m = (y * size + x) * 3;
      mid[m] = r;
      mid[m + 1] = g;
      mid[m + 2] = b;
    }
  }
  const plane = size * size;
  for (let y = 0; y < size; y++) {
    const { from, weights } = rows[y];
    for (let x = 0; x < size; x++) {
      let r = 0, g = 0, b = 0;
      for (let k = 0; k < weights.length; k++) {
        const m = ((from + k) * size + x) * 3;
        r += mid[m] * weights[k];
        g += mid[m + 1] * weights[k];
        b += mid[m + 2] * weights[k];
      }
      const p = offset + y * size + x;
      if (gray) out[p] = byte(0.299 * r + 0.587 * g + 0.114 * b);
      else {
        out[p] = byte(r);
        out[p + plane] = byte(g);
        out[p + 2 * plane] = byte(b);
      }
    }
  }
}

const byte = (v: number) => (v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v));
