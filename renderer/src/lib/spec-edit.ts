/**
 * Pure edits of a ModelSpec addressed by layer paths ([2] = third top-level
 * layer, [3, 1] = second layer inside the fourth, a block). Every function
 * returns a new spec and leaves its input untouched, sharing the layers it
 * did not change: undo keeps the old spec object, and the canvas keys cards
 * by layer object identity.
 */
import type { LayerSpec, ModelSpec } from '../../../engine/nn/spec.ts';

export type { LayerSpec, ModelSpec };
export type LayerPath = readonly number[];

/** The kinds that hold a list of layers in `layers` (engine/nn/layers/blocks.ts). */
export const BLOCK_KINDS = ['Residual', 'Sequential'] as const;

export function isBlock(layer: LayerSpec | undefined): boolean {
  return !!layer && (BLOCK_KINDS as readonly string[]).includes(layer.kind) && Array.isArray(layer.layers);
}

/** The list a path's parent holds: the model's layers for [], a block's for [i]. */
export function getList(spec: ModelSpec, parentPath: LayerPath): LayerSpec[] | undefined {
  let list: LayerSpec[] = spec.layers;
  for (const i of parentPath) {
    const block = list[i];
    if (!isBlock(block)) return undefined;
    list = block.layers as LayerSpec[];
  }
  return list;
}

export function getLayer(spec: ModelSpec, path: LayerPath): LayerSpec | undefined {
  if (path.length === 0) return undefined;
  return getList(spec, path.slice(0, -1))?.[path[path.length - 1]];
}

/** Replaces the list under `parentPath` with `change(list)`, copying only the blocks on the way. */
function withList(spec: ModelSpec, parentPath: LayerPath, change: (list: LayerSpec[]) => LayerSpec[]): ModelSpec {
  const rebuild = (list: LayerSpec[], depth: number): LayerSpec[] => {
    if (depth === parentPath.length) return change([...list]);
    const i = parentPath[depth];
    const block = list[i];
    if (!isBlock(block)) throw new RangeError(`no block at path [${parentPath.slice(0, depth + 1).join(', ')}]`);
    const copy = [...list];
    copy[i] = { ...block, layers: rebuild(block.layers as LayerSpec[], depth + 1) };
    return copy;
  };
  return { ...spec, layers: rebuild(spec.layers, 0) };
}

function checkIndex(list: readonly unknown[], index: number, allowEnd: boolean): void {
  const max = allowEnd ? list.length : list.length - 1;
  if (!Number.isInteger(index) || index < 0 || index > max) throw new RangeError(`index ${index} is outside 0..${max}`);
}

/** Inserts `layer` at `index` of the list under `parentPath` (index = length appends). */
export function insert(spec: ModelSpec, parentPath: LayerPath, index: number, layer: LayerSpec): ModelSpec {
  return withList(spec, parentPath, (list) => {
    checkIndex(list, index, true);
    list.splice(index, 0, layer);
    return list;
  });
}

export function remove(spec: ModelSpec, path: LayerPath): ModelSpec {
  return withList(spec, path.slice(0, -1), (list) => {
    const i = path[path.length - 1];
    checkIndex(list, i, false);
    list.splice(i, 1);
    return list;
  });
}

/** Moves the layer at `path` to position `toIndex` of the same list (its index after the move). */
export function move(spec: ModelSpec, path: LayerPath, toIndex: number): ModelSpec {
  return withList(spec, path.slice(0, -1), (list) => {
    const from = path[path.length - 1];
    checkIndex(list, from, false);
    checkIndex(list, toIndex, false);
    const [layer] = list.splice(from, 1);
    list.splice(toIndex, 0, layer);
    return list;
  });
}

/**
 * Moves a layer into another list (into or out of a block): `toParent` and
 * `toIndex` address the destination as it is *before* the move. Moving a
 * block into itself is refused. Names are made unique in the destination.
 */
export function moveTo(spec: ModelSpec, path: LayerPath, toParent: LayerPath, toIndex: number): ModelSpec {
  const layer = getLayer(spec, path);
  if (!layer) throw new RangeError(`no layer at path [${path.join(', ')}]`);
  if (toParent.length >= path.length && path.every((p, k) => toParent[k] === p)) throw new RangeError('a block cannot be moved into itself');
  const to = movedPath(path, toParent, toIndex);
  if (sameList(path.slice(0, -1), toParent)) return move(spec, path, to[to.length - 1]);
  const dest = getList(spec, toParent);
  if (!dest) throw new RangeError(`no block at path [${toParent.join(', ')}]`);
  const moved = layer.name !== undefined ? { ...layer, name: uniqueName(dest.map((l) => l.name), layer.name) } : layer;
  return insert(remove(spec, path), to.slice(0, -1), toIndex, moved);
}

/** Where moveTo(spec, path, toParent, toIndex) puts the layer: its path after the move. */
export function movedPath(path: LayerPath, toParent: LayerPath, toIndex: number): number[] {
  const fromParent = path.slice(0, -1);
  const from = path[path.length - 1];
  if (sameList(fromParent, toParent)) return [...toParent, toIndex > from ? toIndex - 1 : toIndex];
  // Removing first shifts the destination when it sits after the source in the same parent list.
  const adjusted = [...toParent];
  const depth = fromParent.length;
  if (adjusted.length > depth && fromParent.every((p, k) => adjusted[k] === p) && adjusted[depth] > from) adjusted[depth]--;
  return [...adjusted, toIndex];
}

function sameList(a: LayerPath, b: LayerPath): boolean {
  return a.length === b.length && a.every((x, k) => x === b[k]);
}

/** Inserts a copy right after the original, with a fresh unique name (inner names of a block stay). */
export function duplicate(spec: ModelSpec, path: LayerPath): ModelSpec {
  const layer = getLayer(spec, path);
  if (!layer) throw new RangeError(`no layer at path [${path.join(', ')}]`);
  const list = getList(spec, path.slice(0, -1)) ?? [];
  const copy: LayerSpec = structuredClone(layer);
  if (layer.name !== undefined) copy.name = uniqueName(list.map((l) => l.name), layer.name);
  return insert(spec, path.slice(0, -1), path[path.length - 1] + 1, copy);
}

/** Sets arguments of one layer; an `undefined` value removes the key (the engine's default applies). */
export function updateArgs(spec: ModelSpec, path: LayerPath, patch: Record<string, unknown>): ModelSpec {
  if ('kind' in patch || 'name' in patch || 'layers' in patch) throw new Error('updateArgs sets arguments only; use rename for names');
  return replaceLayer(spec, path, (layer) => {
    const next: LayerSpec = { ...layer };
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined) delete next[k];
      else next[k] = v;
    }
    return next;
  });
}

export const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

export type RenameProblem = 'invalid' | 'taken';

/** Why `name` cannot be the name of the layer at `path`, or null when it can. */
export function renameProblem(spec: ModelSpec, path: LayerPath, name: string): RenameProblem | null {
  if (!NAME_RE.test(name)) return 'invalid';
  const list = getList(spec, path.slice(0, -1)) ?? [];
  const self = path[path.length - 1];
  // nn.Sequential names unnamed layers by index, so "2" would clash too, but digits are not identifiers.
  return list.some((l, i) => i !== self && l.name === name) ? 'taken' : null;
}

/** Renames a layer; throws when the name is not an identifier or another layer of its list has it. */
export function rename(spec: ModelSpec, path: LayerPath, name: string): ModelSpec {
  const problem = renameProblem(spec, path, name);
  if (problem) throw new Error(problem === 'invalid' ? `'${name}' is not a valid identifier` : `another layer is already named '${name}'`);
  return replaceLayer(spec, path, (layer) => ({ ...layer, name }));
}

function replaceLayer(spec: ModelSpec, path: LayerPath, change: (layer: LayerSpec) => LayerSpec): ModelSpec {
  return withList(spec, path.slice(0, -1), (list) => {
    const i = path[path.length - 1];
    checkIndex(list, i, false);
    list[i] = change(list[i]);
    return list;
  });
}

export function setInputShape(spec: ModelSpec, shape: number[]): ModelSpec {
  return { ...spec, input_shape: [...shape] };
}

/** `base` if free, else base_2, base_3, … (the convention the templates use for repeats). */
export function uniqueName(taken: readonly (string | undefined)[], base: string): string {
  const used = new Set(taken.filter((n): n is string => n !== undefined));
  if (!used.has(base)) return base;
  const stem = base.replace(/_\d+$/, '');
  for (let k = 2; ; k++) {
    const candidate = `${stem}_${k}`;
    if (!used.has(candidate)) return candidate;
  }
}

/** Where a palette layer goes with nothing else said: after the selected layer, in its list, else at the end. */
export function insertionPoint(spec: ModelSpec, selected: LayerPath | null): { parent: number[]; index: number } {
  if (selected && selected.length > 0 && getLayer(spec, selected)) return { parent: selected.slice(0, -1), index: selected[selected.length - 1] + 1 };
  return { parent: [], index: spec.layers.length };
}
