/**
 * What a drop on a window may do, decided without Electron so it is tested
 * with plain data: a `.dlab` opens (the first in the window it was dropped on,
 * any others each in a window of their own, as the OS's "open with" does); a
 * CSV/TSV or .npz file or a folder is offered to the Data view (a folder as
 * IDX or CIFAR files when it holds them, else as an image folder); anything else is
 * refused with a reason the renderer words in the user's language.
 */
import type { DropRefusal, DroppedData } from './preload-api.ts';

/** A drop of more than this is almost surely a mistake (a whole folder's files); the rest are refused. */
export const MAX_DROPPED = 16;

const PROJECT = /\.dlab$/i;
const TABLE = /\.(csv|tsv)$/i;
const ARRAYS = /\.npz$/i;
/** A name with an extension we do not read; anything without one may be a folder, which main checks on disk. */
const OTHER_EXTENSION = /\.[A-Za-z0-9]{1,8}$/;

/**
 * Whether the preload should ask for a dropped file's path at all: only for
 * names that could be accepted, so the renderer cannot use a drop to learn
 * where any other file lives. Folders usually have no extension.
 */
export function wantsPath(name: string): boolean {
  return PROJECT.test(name) || TABLE.test(name) || ARRAYS.test(name) || !OTHER_EXTENSION.test(name);
}

/** The last part of a path, either separator (this module runs in the preload too, without node:path). */
export function baseName(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).at(-1) ?? path;
}

/** One dropped path as main found it on disk. */
export interface DroppedEntry {
  path: string;
  kind: 'file' | 'directory' | 'missing';
  /** For a folder: the names it holds (main lists them), which say what kind of data it is. */
  names?: readonly string[];
}

/** What a dropped folder holds, by the files the engine's readers look for (engine/data: idx, cifar, image-folder). */
export function folderKind(names: readonly string[]): DroppedData['kind'] {
  const has = (re: RegExp) => names.some((n) => re.test(n));
  if (has(/-idx[13]-ubyte(\.gz)?$/i)) return 'idx';
  if (has(/^(data_batch_1\.bin|cifar-10-batches-bin)$/i)) return 'cifar10';
  if (has(/^(train\.bin|cifar-100-binary)$/i)) return 'cifar100';
  return 'images';
}

export interface DropPlan {
  /** Opens in the window it was dropped on (through the renderer's usual Open, which asks about unsaved changes). */
  project: string | null;
  /** Each opens in a new window. */
  moreProjects: string[];
  data: DroppedData | null;
  refused: DropRefusal[];
}

export function planDrop(entries: readonly DroppedEntry[]): DropPlan {
  const plan: DropPlan = { project: null, moreProjects: [], data: null, refused: [] };
  entries.forEach((e, i) => {
    const refuse = (reason: DropRefusal['reason']) => plan.refused.push({ name: baseName(e.path), reason });
    if (i >= MAX_DROPPED) return refuse('too-many');
    if (e.kind === 'missing') return refuse('missing');
    const offer: DroppedData | null =
      e.kind === 'directory' ? { kind: folderKind(e.names ?? []), path: e.path }
      : TABLE.test(e.path) ? { kind: 'csv', path: e.path }
      : ARRAYS.test(e.path) ? { kind: 'npz', path: e.path }
      : null;
    if (e.kind === 'file' && PROJECT.test(e.path)) {
      if (plan.project === null) plan.project = e.path;
      else plan.moreProjects.push(e.path);
    } else if (offer) {
      if (plan.data === null) plan.data = offer;
      else refuse('one-data-source');
    } else refuse('unsupported');
  });
  return plan;
}
