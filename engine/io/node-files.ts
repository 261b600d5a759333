/** The file system behind the engine's FileSource, for Node (CLI, child process, Electron utility process). */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FileSource } from '../data/catalog.ts';
import { DataError } from '../data/dataset.ts';
import { writeFileAtomic } from './atomic-write.ts';
import { runtimeFiles } from './runtime-files.ts';

/** The engine's default checkpoint folder (engine/host/node/node-host.ts), where decoded datasets are cached too. */
export const DEFAULT_CACHE_DIR = join(tmpdir(), 'dropout-lab-checkpoints', 'datasets');

/** A FileSource whose derived data (decoded image folders) is kept in `cacheDir`. */
export function nodeFileSource(cacheDir: string): FileSource {
  return {
    read(path) {
      try {
        return new Uint8Array(readFileSync(path));
      } catch (e) {
        throw new DataError(`${path}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      }
    },
    exists: (path) => existsSync(path),
    stat(path) {
      const s = statSync(path, { throwIfNoEntry: false });
      return s ? { size: s.size, mtimeMs: s.mtimeMs, isDirectory: s.isDirectory() } : null;
    },
    list(dir) {
      if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) throw new DataError(`${dir}: not a folder`);
      return readdirSync(dir).sort();
    },
    bundledMnist() {
      const read = (name: string) => {
        const path = join(runtimeFiles.mnistDir, name);
        if (!existsSync(path)) throw new DataError(`${path} is missing: run 'npm run build:data' (npm install builds it too)`);
        return new Uint8Array(readFileSync(path));
      };
      return { images: read('mnist-images.gz'), labels: read('mnist-labels.gz') };
    },
    cache: {
      read(key) {
        try {
          const b = readFileSync(join(cacheDir, key));
          return new Uint8Array(b.buffer, b.byteOffset, b.byteLength); // no copy: entries are the size of the data
        } catch {
          return null; // not cached yet, or unreadable: decode again
        }
      },
      // A cache that cannot be written only costs a decode next time.
      write(key, parts) {
        try {
          mkdirSync(cacheDir, { recursive: true });
          writeFileAtomic(join(cacheDir, key), parts);
        } catch {
          /* the data is loaded either way */
        }
      },
    },
  };
}

/** DLAB_CACHE_DIR overrides where the CLI and tests cache decoded data. */
export const nodeFiles: FileSource = nodeFileSource(process.env.DLAB_CACHE_DIR ?? DEFAULT_CACHE_DIR);
