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

/** Sample k of a row packed at `depth` bits (1, 2, 4: PNG keeps these packed, most significant bits first). */
function packed(data: ArrayLike<number>, rowStart: number, k: number, depth: number): number {
  const bit = k * depth;
  return (data[rowStart + (bit >> 3)] >> (8 - depth - (bit & 7))) & ((1 << depth) - 1);
}

/** Composites RGBA (each 0–1 scaled by `max`) on white into out[i*3..]. */
function put(out: Float32Array, i: number, r: number, g: number, b: number, a: number): void {
  const white = 255 * (1 - a);
  out[i * 3] = r * a + white;
  out[i * 3 + 1] = g * a + white;
  out[i * 3 + 2] = b * a + white;
}

function pngToRgb(png: DecodedPng): RgbImage {
  const { width, height, depth, channels, data, palette, transparency } = png;
  const out = new Float32Array(width * height * 3);
  const max = (1 << depth) - 1;
  const rowBytes = Math.ceil((width * channels * depth) / 8);
  const sample = (x: number, y: number, c: number) => (depth < 8 ? packed(data, y * rowBytes, x * channels + c, depth) : data[(y * width + x) * channels + c]);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (palette) {
        const [r, g, b, a = 255] = palette[sample(x, y, 0)] ?? [0, 0, 0, 255];
        put(out, i, r, g, b, a / 255);
        continue;
      }
      const s = (c: number) => sample(x, y, c);
      // tRNS on grey or RGB images names one colour that is fully transparent.
      const keyed = transparency && transparency.length > 0 && (channels === 1 ? s(0) === transparency[0] : channels === 3 && s(0) === transparency[0] && s(1) === transparency[1] && s(2) === transparency[2]);
      const k = 255 / max;
      if (channels <= 2) {
        const v = s(0) * k;
        put(out, i, v, v, v, keyed ? 0 : channels === 2 ? s(1) / max : 1);
      } else put(out, i, s(0) * k, s(1) * k, s(2) * k, keyed ? 0 : channels === 4 ? s(3) / max : 1);
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
