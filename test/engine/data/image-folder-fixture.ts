/** Writes image folders for tests with the decoders' own encoders (fast-png, jpeg-js). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { encode as encodePng, type ImageData } from 'fast-png';
import jpeg from 'jpeg-js';

export function writePng(path: string, image: ImageData): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, encodePng(image));
}

/** A w × h picture of one colour: RGB, or RGBA when `alpha` is given. */
export function solid(w: number, h: number, rgb: [number, number, number], alpha?: number): ImageData {
  const channels = alpha === undefined ? 3 : 4;
  const data = new Uint8Array(w * h * channels);
  for (let i = 0; i < w * h; i++) data.set(alpha === undefined ? rgb : [...rgb, alpha], i * channels);
  return { width: w, height: h, data, channels, depth: 8 };
}

export function writeJpeg(path: string, w: number, h: number, rgb: [number, number, number]): void {
  mkdirSync(dirname(path), { recursive: true });
  const data = new Uint8Array(w * h * 4);
  for (let i = 0; i < w * h; i++) data.set([...rgb, 255], i * 4);
  writeFileSync(path, jpeg.encode({ width: w, height: h, data }, 95).data);
}

/** `classes` folders of `perClass` solid pictures each, in the given colours with a little variation. */
export function writeColourFolder(dir: string, colours: Record<string, [number, number, number]>, perClass: number, size = 12): string {
  for (const [name, rgb] of Object.entries(colours)) {
    for (let i = 0; i < perClass; i++) {
      const c = rgb.map((v) => Math.max(0, Math.min(255, v + ((i * 37) % 41) - 20))) as [number, number, number];
      writePng(join(dir, name, `${i}.png`), solid(size, size, c));
    }
  }
  return dir;
}
