/**
 * Image folders written in the test with fast-png and jpeg-js: every PNG
 * kind, JPEG, resizing, grey, the skipped-file report, the cache, progress
 * and cancellation, moved folders, and that nothing on disk changes.
 */
import { mkdtempSync, readdirSync, statSync, utimesSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset, loadDatasetSteps, type FileSource, type LoadProgress } from '../../../engine/data/catalog.ts';
import { nodeFileSource } from '../../../engine/io/node-files.ts';
import { solid, writeColourFolder, writeJpeg, writePng } from './image-folder-fixture.ts';

const root = mkdtempSync(join(tmpdir(), 'images-'));

/** A fresh cache, and a count of the picture files read through it. */
function counted(cacheDir = mkdtempSync(join(root, 'cache-'))): { files: FileSource; reads: () => number; entries: () => number } {
  const base = nodeFileSource(cacheDir);
  let n = 0;
  return { files: { ...base, read: (p) => (/\.(png|jpe?g)$/i.test(p) && n++, base.read(p)) }, reads: () => n, entries: () => readdirSync(cacheDir).length };
}

/** Pixel (x, y) of sample i as [r, g, b] (or [v] when grey), from the C × H × W bytes. */
function pixel(d: { features: ArrayLike<number>; inputShape: number[] }, i: number, x: number, y: number): number[] {
  const [c, h, w] = d.inputShape;
  return Array.from({ length: c }, (_, k) => d.features[i * c * h * w + k * h * w + y * w + x]);
}

/** Every file under `dir` with its size and mtime. */
function snapshot(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort().map((p) => {
    const s = statSync(join(dir, p));
    return `${p} ${s.size} ${s.mtimeMs}`;
  });
}

function kinds(): string {
  const dir = join(root, 'kinds');
  writePng(join(dir, 'a-rgb/red.png'), solid(5, 7, [255, 0, 0]));
  writePng(join(dir, 'b-palette/blue.png'), { width: 3, height: 3, data: new Uint8Array(9).fill(1), channels: 1, depth: 8, palette: [[255, 0, 0], [0, 0, 255]] });
  writePng(join(dir, 'c-grey16/mid.png'), { width: 4, height: 4, data: new Uint16Array(16).fill(32896), channels: 1, depth: 16 });
  writePng(join(dir, 'd-alpha/clear.png'), solid(4, 4, [0, 0, 0], 0));
  writePng(join(dir, 'd-alpha/half.png'), solid(4, 4, [0, 0, 0], 255));
  writePng(join(dir, 'e-grey2/levels.png'), { width: 4, height: 1, data: new Uint8Array([0b00011011]), channels: 1, depth: 2 });
  writeJpeg(join(dir, 'f-jpeg/green.JPG'), 16, 16, [0, 200, 0]);
  writeFileSync(join(dir, 'f-jpeg/broken.png'), 'not really a png');
  writeFileSync(join(dir, 'f-jpeg/cut.jpg'), new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16]));
  writeFileSync(join(dir, 'f-jpeg/notes.txt'), 'ignored');
  writeFileSync(join(dir, 'f-jpeg/.hidden.png'), 'ignored');
  writePng(join(dir, 'h-pal4/two.png'), { width: 2, height: 1, data: new Uint8Array([0b00010000]), channels: 1, depth: 4, palette: [[255, 0, 0, 0], [0, 0, 255, 255]] });
  writePng(join(dir, 'i-rgba16/pink.png'), { width: 1, height: 1, data: new Uint16Array([65535, 0, 0, 32768]), channels: 4, depth: 16 });
  writePng(join(dir, 'loose.png'), solid(2, 2, [1, 2, 3]));
  mkdirSync(join(dir, 'g-empty'));
  return dir;
}

describe('image folders', () => {
  const dir = kinds();

  it('decodes RGB, palette, 16-bit grey, alpha on white, 2-bit grey and JPEG to one size; skips and ignores the rest', () => {
    const { data, skipped } = loadDataset({ id: 'images', path: dir, size: 4, gray: false }, counted().files);
    expect(data.inputShape).toEqual([3, 4, 4]);
    expect(data.classNames).toEqual(['a-rgb', 'b-palette', 'c-grey16', 'd-alpha', 'e-grey2', 'f-jpeg', 'h-pal4', 'i-rgba16']);
    expect([...data.labels]).toEqual([0, 1, 2, 3, 3, 4, 5, 6, 7]);
    expect(data.featureScale).toBe(1 / 255);
    expect(pixel(data, 0, 3, 3)).toEqual([255, 0, 0]);
    expect(pixel(data, 1, 0, 0)).toEqual([0, 0, 255]);
    expect(pixel(data, 2, 1, 2)).toEqual([128, 128, 128]); // 32896 / 65535 · 255 = 128.0
    expect(pixel(data, 3, 0, 0)).toEqual([255, 255, 255]); // fully transparent: white
    expect(pixel(data, 4, 0, 0)).toEqual([0, 0, 0]);
    // 2-bit levels 0, 1, 2, 3 → 0, 85, 170, 255 along the row; 4×1 → 4×4 repeats the row.
    expect([0, 1, 2, 3].map((x) => pixel(data, 5, x, 2)[0])).toEqual([0, 85, 170, 255]);
    const green = pixel(data, 6, 2, 2);
    expect(Math.abs(green[0]) + Math.abs(green[1] - 200) + Math.abs(green[2])).toBeLessThan(6); // JPEG is lossy
    // 4-bit palette with alpha: index 1 opaque blue, index 0 transparent red (white); 2×1 → 4×4 keeps the ends.
    expect(pixel(data, 7, 0, 0)).toEqual([0, 0, 255]);
    expect(pixel(data, 7, 3, 0)).toEqual([255, 255, 255]);
    // 16-bit red at alpha 32768/65535 on white: 255·(32767/65535) = 127.498 for green and blue.
    expect(pixel(data, 8, 1, 1)).toEqual([255, 127, 127]);
    expect(skipped?.map((s) => s.path)).toEqual(['g-empty', 'loose.png', 'f-jpeg/broken.png', 'f-jpeg/cut.jpg']);
    expect(skipped?.[2].reason).toMatch(/not a PNG or JPEG/);
    expect(skipped?.[3].reason).not.toBe('');
  });

  it('resizes by area when shrinking and bilinearly when enlarging; grey is BT.601 luma', () => {
    const dir2 = join(root, 'resize');
    // Left half 0, right half 200: shrinking 4 → 2 averages each 2×2 block.
    const halves = new Uint8Array(4 * 4 * 3).map((_, i) => (Math.floor(i / 3) % 4 >= 2 ? 200 : 0));
    writePng(join(dir2, 'a/halves.png'), { width: 4, height: 4, data: halves, channels: 3, depth: 8 });
    // Three pixels 0, 60, 90 → 2 wide: area means over 1.5 pixels each.
    writePng(join(dir2, 'a/thirds.png'), { width: 3, height: 2, data: new Uint8Array([0, 60, 90, 0, 60, 90]), channels: 1, depth: 8 });
    // Two pixels 0, 100 → 4 wide: PyTorch's bilinear (align_corners=False) gives 0, 25, 75, 100.
    writePng(join(dir2, 'b/two.png'), { width: 2, height: 1, data: new Uint8Array([0, 100]), channels: 1, depth: 8 });
    writePng(join(dir2, 'b/red.png'), solid(2, 2, [255, 0, 0]));
    const big = loadDataset({ id: 'images', path: dir2, size: 2, gray: false }, counted().files).data;
    expect([0, 1].map((x) => pixel(big, 0, x, 0)[0])).toEqual([0, 200]);
    expect([0, 1].map((x) => pixel(big, 1, x, 1)[0])).toEqual([20, 80]); // (0 + 60/2)/1.5, (60/2 + 90)/1.5
    const up = loadDataset({ id: 'images', path: dir2, size: 4, gray: true }, counted().files).data;
    expect(up.inputShape).toEqual([1, 4, 4]);
    expect([0, 1, 2, 3].map((x) => pixel(up, 3, x, 0)[0])).toEqual([0, 25, 75, 100]);
    expect(pixel(up, 2, 0, 0)).toEqual([76]); // 0.299 · 255
  });

  it('caches the decoded bytes: a second load decodes nothing; a changed picture or size decodes again', () => {
    const folder = writeColourFolder(join(root, 'cached'), { red: [220, 20, 20], blue: [20, 20, 220] }, 3);
    const c = counted();
    const first = loadDataset({ id: 'images', path: folder, size: 8, gray: false }, c.files);
    expect(c.reads()).toBe(6);
    const second = loadDataset({ id: 'images', path: folder, size: 8, gray: false }, c.files);
    expect(c.reads()).toBe(6);
    expect(second.data.features).toEqual(first.data.features);
    expect([...second.data.labels]).toEqual([...first.data.labels]);
    loadDataset({ id: 'images', path: folder, size: 8, gray: true }, c.files);
    expect(c.reads()).toBe(12);
    utimesSync(join(folder, 'red/0.png'), new Date(), new Date(Date.now() + 5000));
    loadDataset({ id: 'images', path: folder, size: 8, gray: false }, c.files);
    expect(c.reads()).toBe(18);
    expect(c.entries()).toBe(2); // one per folder and options: the changed folder replaced its entry
    loadDataset({ id: 'images', path: folder, size: 8, gray: false }, c.files);
    expect(c.reads()).toBe(18);
  });

  it('caches a folder with skipped files: the cached load gives the same pictures, labels and skipped list', () => {
    const folder = writeColourFolder(join(root, 'cached-skips'), { red: [220, 20, 20], blue: [20, 20, 220] }, 3);
    writeFileSync(join(folder, 'red', 'x-broken.png'), 'not a png');
    const c = counted();
    const first = loadDataset({ id: 'images', path: folder, size: 4, gray: false }, c.files);
    expect(first.data.size).toBe(6);
    expect(first.data.features.length).toBe(6 * 3 * 4 * 4);
    const second = loadDataset({ id: 'images', path: folder, size: 4, gray: false }, c.files);
    expect(c.reads()).toBe(7);
    expect([...second.data.features]).toEqual([...first.data.features]);
    expect([...second.data.labels]).toEqual([0, 0, 0, 1, 1, 1]);
    expect(second.skipped).toEqual(first.skipped);
    expect(second.skipped?.map((k) => k.path)).toEqual(['red/x-broken.png']);
  });

  it('reports progress per picture and stops when cancelled, keeping nothing in the cache', () => {
    const folder = writeColourFolder(join(root, 'cancel'), { a: [0, 0, 0], b: [255, 255, 255] }, 10, 4);
    const c = counted();
    const seen: LoadProgress[] = [];
    const signal = { aborted: false };
    const run = () => loadDataset({ id: 'images', path: folder, size: 4, gray: true }, c.files, { signal, onProgress: (p) => {
      seen.push(p);
      if (p.done === 5) signal.aborted = true;
    } });
    expect(run).toThrow(`${folder}: import cancelled; nothing was kept`);
    expect(seen.map((p) => p.done)).toEqual([1, 2, 3, 4, 5]);
    expect(seen[0].total).toBe(20);
    expect(c.reads()).toBe(5);
    signal.aborted = false;
    seen.length = 0;
    const all = loadDataset({ id: 'images', path: folder, size: 4, gray: true }, c.files, { onProgress: (p) => seen.push(p) });
    expect(all.data.size).toBe(20);
    expect(c.reads()).toBe(25); // nothing was cached by the cancelled import
    expect(seen.at(-1)).toMatchObject({ done: 20, total: 20 });
    expect(seen.at(-1)?.eta_s).toBeCloseTo(0, 5);
  });

  it('runs as steps a server can await between: one per picture, then the data', async () => {
    const folder = writeColourFolder(join(root, 'steps'), { a: [0, 0, 0], b: [255, 255, 255] }, 3, 4);
    const steps = loadDatasetSteps({ id: 'images', path: folder, size: 4, gray: false }, counted().files);
    const done: number[] = [];
    for (let s = steps.next(); ; s = steps.next()) {
      await Promise.resolve();
      if (s.done) {
        expect(s.value.data.size).toBe(6);
        break;
      }
      done.push(s.value.done);
    }
    expect(done).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('changes nothing in the folder', () => {
    const before = snapshot(dir);
    loadDataset({ id: 'images', path: dir, size: 6, gray: true }, counted().files);
    expect(snapshot(dir)).toEqual(before);
  });

  it('says plainly when the folder moved, or holds no classes', () => {
    expect(() => loadDataset({ id: 'images', path: join(root, 'moved'), size: 32, gray: false }, counted().files)).toThrow(`${join(root, 'moved')}: no such folder; it may have been moved or renamed. Put it back there, or choose it again`);
    const flat = join(root, 'flat');
    writePng(join(flat, 'one.png'), solid(2, 2, [0, 0, 0]));
    expect(() => loadDataset({ id: 'images', path: flat, size: 32, gray: false }, counted().files)).toThrow(`${flat}: no PNG or JPEG pictures in class subfolders`);
    const single = writeColourFolder(join(root, 'single'), { only: [1, 2, 3] }, 2);
    expect(() => loadDataset({ id: 'images', path: single, size: 32, gray: false }, counted().files)).toThrow("only class 'only' has pictures that decode");
  });
});
