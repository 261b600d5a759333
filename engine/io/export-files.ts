/**
 * Where an export's files (name → bytes, engine/export) land on disk, for the
 * CLI and the engine process alike: a folder, created if missing, each file
 * replaced atomically so a failed export never leaves half a weights file.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from './atomic-write.ts';

/** Writes `files` into `dir`, or the single file to `asFile` (`-o model.onnx`); returns the paths written. */
export function writeExportFiles(dir: string, files: ReadonlyMap<string, Uint8Array>, asFile?: string): string[] {
  if (asFile !== undefined && files.size !== 1) throw new Error(`this export has ${files.size} files; give a folder instead of ${asFile}`);
  const folder = asFile === undefined ? dir : dirname(asFile);
  if (existsSync(folder) && !statSync(folder).isDirectory()) throw new Error(`${folder} exists and is not a folder; choose another folder`);
  mkdirSync(folder, { recursive: true });
  return [...files].map(([name, bytes]) => {
    if (!/^[\w.-]+$/.test(name) || name.startsWith('.')) throw new Error(`the export produced an unsafe file name '${name}'`);
    const target = asFile ?? join(folder, name);
    writeFileAtomic(target, bytes);
    return target;
  });
}
