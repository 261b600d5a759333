/** Opening and saving `.dlab` files on disk. Opening never writes; saving is atomic. */
import { readFileSync, statSync } from 'node:fs';
import { packProject, ProjectError, unpackProject, type ProjectBundle } from '../project/project.ts';
import { writeFileAtomic } from './atomic-write.ts';

export function openProject(path: string): ProjectBundle {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) throw new ProjectError(`${path}: no such file`);
  if (!st.isFile()) throw new ProjectError(`${path} is not a file`);
  if (st.size === 0) throw new ProjectError(`${path} is empty (0 bytes), not a Dropout Lab project`);
  return unpackProject(new Uint8Array(readFileSync(path)), path);
}

export function saveProject(path: string, b: ProjectBundle): void {
  b.project.modified = new Date().toISOString();
  writeFileAtomic(path, packProject(b));
}
