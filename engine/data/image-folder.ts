/**
 * `images:DIR`: a folder with one subfolder per class (named after it),
 * holding PNG and JPEG pictures of any size, bit depth, palette or alpha. All
 * are resized to one size, as RGB or grey bytes. Files that cannot be decoded
 * are skipped and listed with the reason; other files are ignored; nothing on
 * disk is changed except the cache. The decoded bytes are cached, keyed by
 * every picture's path, size and mtime plus the chosen size and colour, so
 * reopening a project decodes nothing.
 *
 * The import is a generator that yields progress after each file, so a driver
 * can report it, cancel between files, or (in a server) yield to messages.
 */
import type { FileSource, LoadedData, LoadProgress } from './loader.ts';
import { DataError, type Dataset } from './dataset.ts';
import { decodeImage } from './decode-image.ts';
import { resizeInto } from './resize-image.ts';
import { SourceMissing } from './source-missing.ts';

export interface ImageFolderOptions {
  size: number;
  gray: boolean;
}

interface Picture {
  /** Relative to the folder, with '/'. */
  path: string;
  label: number;
  bytes: number;
  mtimeMs: number;
}

interface Listing {
  classNames: string[];
  pictures: Picture[];
  skipped: { path: string; reason: string }[];
}

const IMAGE_FILE = /\.(png|jpe?g)$/i;
const CACHE_FORMAT = 1;

export class ImportCancelled extends DataError {
  constructor(what: string) {
    super(`${what}: import cancelled; nothing was kept`);
    this.name = 'ImportCancelled';
  }
}

/** Every picture under each class folder (nested folders included), in sorted order. */
function listFolder(root: string, files: FileSource): Listing {
  const stat = files.stat?.bind(files);
  if (!stat) throw new DataError(`${root}: this host cannot read folders of images`);
  const classNames: string[] = [];
  const pictures: Picture[] = [];
  const skipped: Listing['skipped'] = [];
  const walk = (dir: string, rel: string, label: number) => {
    for (const name of files.list(dir)) {
      if (name.startsWith('.')) continue; // .DS_Store, ._resource forks, .git
      const s = stat(`${dir}/${name}`);
      if (!s) continue;
      if (s.isDirectory) walk(`${dir}/${name}`, `${rel}/${name}`, label);
      else if (IMAGE_FILE.test(name)) pictures.push({ path: `${rel}/${name}`, label, bytes: s.size, mtimeMs: s.mtimeMs });
    }
  };
  for (const name of files.list(root)) {
    if (name.startsWith('.')) continue;
    const s = stat(`${root}/${name}`);
    if (s?.isDirectory) {
      const before = pictures.length;
      walk(`${root}/${name}`, name, classNames.length);
      if (pictures.length > before) classNames.push(name);
      else skipped.push({ path: name, reason: 'a folder without PNG or JPEG pictures, so not a class' });
    } else if (IMAGE_FILE.test(name)) skipped.push({ path: name, reason: 'not inside a class folder' });
  }
  return { classNames, pictures, skipped };
}

/** What the cache entry depends on: a change to any of it means decoding again. */
function manifest(l: Listing, o: ImageFolderOptions): string {
  return JSON.stringify({ format: CACHE_FORMAT, size: o.size, gray: o.gray, classes: l.classNames, pictures: l.pictures.map((p) => [p.path, p.bytes, p.mtimeMs]), skipped: l.skipped });
}

/**
 * The entry's name: FNV-1a (64 bits from two seeds) of the folder and the
 * options, so a changed folder replaces its own entry instead of adding one.
 * Whether the entry is current is decided by its stored manifest, compared in full.
 */
function cacheKey(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000197);
  }
  return `images-${(a >>> 0).toString(16).padStart(8, '0')}${(b >>> 0).toString(16).padStart(8, '0')}`;
}

interface Decoded {
  labels: Int32Array;
  pixels: Uint8Array;
  skipped: Listing['skipped'];
}

// Cache entry: u32 header length, header JSON {manifest, count, skipped}, labels as int32 LE, pixels.
// Written as parts, the pixels from the decoded buffer itself: one copy of them in memory, not two.
function pack(m: string, d: Decoded): Uint8Array[] {
  const header = new TextEncoder().encode(JSON.stringify({ manifest: m, count: d.labels.length, skipped: d.skipped }));
  const head = new Uint8Array(4 + header.length + d.labels.length * 4);
  const view = new DataView(head.buffer);
  view.setUint32(0, header.length, true);
  head.set(header, 4);
  d.labels.forEach((y, i) => view.setInt32(4 + header.length + i * 4, y, true));
  return [head, d.pixels];
}

function unpack(bytes: Uint8Array, m: string, sampleBytes: number): Decoded | null {
  try {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const len = view.getUint32(0, true);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + len))) as { manifest?: unknown; count?: unknown; skipped?: Decoded['skipped'] };
    const count = Number(header.count);
    if (header.manifest !== m || !Number.isInteger(count) || bytes.length !== 4 + len + count * (4 + sampleBytes)) return null;
    const labels = Int32Array.from({ length: count }, (_, i) => view.getInt32(4 + len + i * 4, true));
    return { labels, pixels: bytes.subarray(4 + len + count * 4), skipped: header.skipped ?? [] };
  } catch {
    return null; // an unreadable entry is decoded again, never trusted
  }
}

function* decodeAll(root: string, l: Listing, o: ImageFolderOptions, files: FileSource): Generator<LoadProgress, Decoded> {
  const per = (o.gray ? 1 : 3) * o.size * o.size;
  const pixels = new Uint8Array(l.pictures.length * per);
  const labels = new Int32Array(l.pictures.length);
  const skipped = [...l.skipped];
  const start = Date.now();
  let n = 0;
  for (let i = 0; i < l.pictures.length; i++) {
    const p = l.pictures[i];
    try {
      const img = decodeImage(files.read(`${root}/${p.path}`));
      resizeInto(img.rgb, img.width, img.height, o.size, o.gray, pixels, n * per);
      labels[n++] = p.label;
    } catch (e) {
      skipped.push({ path: p.path, reason: (e as Error).message || String(e) });
    }
    const elapsed = (Date.now() - start) / 1000;
    yield { done: i + 1, total: l.pictures.length, eta_s: i >= 9 ? (elapsed / (i + 1)) * (l.pictures.length - i - 1) : null };
  }
  // Views, not copies, when files were skipped: the pixels may be most of the memory used.
  return { labels: labels.subarray(0, n), pixels: pixels.subarray(0, n * per), skipped };
}

/** Imports the folder, yielding progress per decoded file; a cached import yields nothing. */
export function* importImageFolder(root: string, o: ImageFolderOptions, files: FileSource): Generator<LoadProgress, LoadedData> {
  const listing = listFolder(root.replace(/\/$/, '') || '/', files);
  const dir = root.replace(/\/$/, '') || '/';
  if (listing.pictures.length === 0) {
    const info = { source: 'images', path: root, missing: 'contents' as const, files: ['class folders of PNG or JPEG pictures'] };
    throw new SourceMissing(info, `${root}: no PNG or JPEG pictures in class subfolders; put each class's pictures in a folder named after it (e.g. ${root}/cats/1.png)`);
  }
  const m = manifest(listing, o);
  const key = cacheKey(JSON.stringify({ folder: dir, size: o.size, gray: o.gray }));
  const per = (o.gray ? 1 : 3) * o.size * o.size;
  const cached = files.cache?.read(key);
  let d = cached ? unpack(cached, m, per) : null;
  if (!d) {
    d = yield* decodeAll(dir, listing, o, files);
    files.cache?.write(key, pack(m, d));
  }
  const used = new Set(d.labels);
  if (used.size < 2) throw new DataError(`${root}: ${used.size === 0 ? 'no picture could be decoded' : `only class '${listing.classNames[d.labels[0]]}' has pictures that decode`}; classification needs at least two classes (skipped: ${d.skipped.slice(0, 3).map((s) => `${s.path}: ${s.reason}`).join('; ')})`);
  const data: Dataset = { name: `images:${root}`, task: 'classification', inputShape: [o.gray ? 1 : 3, o.size, o.size], size: d.labels.length, features: d.pixels, featureScale: 1 / 255, labels: d.labels, classNames: listing.classNames, targetDim: 1 };
  return { data, skipped: d.skipped };
}
