/**
 * PNG and JPEG bytes → 8-bit RGB with any alpha composited on white, through
 * the pure-JS decoders fast-png and jpeg-js (no native modules: the engine
 * runs unchanged in Node, a utility process and the browser). The format is
 * sniffed from the bytes, not the file name.
 */
import { decode as decodePng, type DecodedPng } from 'fast-png';
import jpeg from 'jpeg-js';

export interface RgbImage {
  width: number;
  height: number;
  /** width × height × 3, row-major, 0–255. */
  rgb: Float32Array;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47];
/** Larger pictures are refused rather than exhausting memory (100 megapixels ≈ 400 MB of RGBA). */
const MAX_MEGAPIXELS = 100;

/** Samples packed at 1, 2 or 4 bits (PNG keeps these packed, rows padded to whole bytes, high bits first), one per byte. */
function unpack(data: ArrayLike<number>, width: number, height: number, channels: number, depth: number): Uint8Array {
  const perRow = width * channels;
  const rowBytes = Math.ceil((perRow * depth) / 8);
  const mask = (1 << depth) - 1;
  const out = new Uint8Array(perRow * height);
  for (let y = 0; y < height; y++) {
    for (let k = 0; k < perRow; k++) {
      const bit = k * depth;
      out[y * perRow + k] = (data[y * rowBytes + (bit >> 3)] >> (8 - depth - (bit & 7))) & mask;
    }
  }
  return out;
}

/** Composites one RGBA pixel (alpha 0–1) on white into out[i*3..]. */
function put(out: Float32Array, i: number, r: number, g: number, b: number, a: number): void {
  const white = 255 * (1 - a);
  out[i * 3] = r * a + white;
  out[i * 3 + 1] = g * a + white;
  out[i * 3 + 2] = b * a + white;
}

function pngToRgb(png: DecodedPng): RgbImage {
  const { width, height, depth, channels, palette } = png;
  const n = width * height;
  const v = depth < 8 ? unpack(png.data, width, height, channels, depth) : png.data;
  const out = new Float32Array(n * 3);
  const max = (1 << depth) - 1;
  const k = 255 / max;
  // tRNS on grey or RGB images names one colour that is fully transparent.
  const key = png.transparency && png.transparency.length > 0 ? png.transparency : null;
  for (let i = 0, o = 0; i < n; i++, o += channels) {
    if (palette) {
      const [r, g, b, a = 255] = palette[v[o]] ?? [0, 0, 0, 255];
      put(out, i, r, g, b, a / 255);
    } else if (channels <= 2) {
      const a = key && v[o] === key[0] ? 0 : channels === 2 ? v[o + 1] / max : 1;
      put(out, i, v[o] * k, v[o] * k, v[o] * k, a);
    } else {
      const a = key && v[o] === key[0] && v[o + 1] === key[1] && v[o + 2] === key[2] ? 0 : channels === 4 ? v[o + 3] / max : 1;
      put(out, i, v[o] * k, v[o + 1] * k, v[o + 2] * k, a);
    }
  }
  return { width, height, rgb: out };
}

function jpegToRgb(bytes: Uint8Array): RgbImage {
  const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_MEGAPIXELS, maxMemoryUsageInMB: 1024 });
  const n = img.width * img.height;
  const out = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    out[i * 3] = img.data[i * 4];
    out[i * 3 + 1] = img.data[i * 4 + 1];
    out[i * 3 + 2] = img.data[i * 4 + 2];
  }
  return { width: img.width, height: img.height, rgb: out };
}

/** Decodes a PNG or JPEG; throws an Error whose message says why not. */
export function decodeImage(bytes: Uint8Array): RgbImage {
  if (PNG_SIGNATURE.every((b, i) => bytes[i] === b)) {
    const png = decodePng(bytes);
    if (png.width * png.height > MAX_MEGAPIXELS * 1e6) throw new Error(`${png.width}×${png.height} is larger than ${MAX_MEGAPIXELS} megapixels`);
    return pngToRgb(png);
  }
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return jpegToRgb(bytes);
  throw new Error('not a PNG or JPEG file (its first bytes are neither signature)');
}
