/** The file system behind the engine's FileSource, for Node (CLI, child process, Electron utility process). */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FileSource } from '../data/catalog.ts';
import { DataError } from '../data/dataset.ts';

const require = createRequire(import.meta.url);

export const nodeFiles: FileSource = {
  read(path) {
    try {
      return new Uint8Array(readFileSync(path));
    } catch (e) {
      throw new DataError(`${path}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  },
  exists: (path) => existsSync(path),
  list(dir) {
    if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) throw new DataError(`${dir}: not a folder`);
    return readdirSync(dir).sort();
  },
  bundledMnist() {
    const root = join(dirname(require.resolve('mnist/package.json')), 'src', 'digits');
    return Array.from({ length: 10 }, (_, d) => {
      const parsed: unknown = JSON.parse(readFileSync(join(root, `${d}.json`), 'utf8'));
      const data = typeof parsed === 'object' && parsed !== null && 'data' in parsed ? parsed.data : null;
      if (!Array.isArray(data)) throw new DataError(`bundled MNIST digit file ${d}.json is malformed`);
      return Float32Array.from(data as number[]);
    });
  },
};
