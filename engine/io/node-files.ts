/** The file system behind the engine's FileSource, for Node (CLI, child process, Electron utility process). */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { FileSource } from '../data/catalog.ts';
import { DataError } from '../data/dataset.ts';
import { runtimeFiles } from './runtime-files.ts';

export const nodeFiles: FileSource = {
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
};
