import { describe, expect, it } from 'vitest';
import {
  duplicate, getLayer, getList, insert, insertionPoint, move, movedPath, moveTo, remove, rename, renameProblem, uniqueName, updateArgs, type ModelSpec,
} from '../../renderer/src/lib/spec-edit.ts';

/** The MLP template plus a Residual block, frozen so any mutation throws. */
function model(): ModelSpec {
  const spec: ModelSpec = {
    input_shape: [2],
    layers: [
      { kind: 'Linear', name: 'fc1', in_features: 2, out_features: 8 },
      { kind: 'ReLU', name: 'relu' },
      { kind: 'Residual', name: 'res', layers: [{ kind: 'Linear', name: 'fc', in_features: 8, out_features: 8 }, { kind: 'ReLU', name: 'act' }] },
      { kind: 'Dropout', name: 'dropout', p: 0.5 },
      { kind: 'Linear', name: 'fc2', in_features: 8, out_features: 3 },
    ],
  };
  return deepFreeze(spec);
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

const names = (s: ModelSpec, parent: number[] = []) => getList(s, parent)!.map((l) => l.name);

describe('spec edits', () => {
  it('reads layers by path, including inside blocks', () => {
    const s = model();
    expect(getLayer(s, [0])?.name).toBe('fc1');
    expect(getLayer(s, [2, 1])?.name).toBe('act');
    expect(getLayer(s, [9])).toBeUndefined();
    expect(getLayer(s, [1, 0])).toBeUndefined(); // ReLU is not a block
    expect(getLayer(s, [])).toBeUndefined();
  });

  it('inserts at a position and shares the untouched layers', () => {
    const s = model();
    const t = insert(s, [], 2, { kind: 'Dropout', name: 'dropout_2', p: 0.2 });
    expect(names(t)).toEqual(['fc1', 'relu', 'dropout_2', 'res', 'dropout', 'fc2']);
    expect(t.layers[0]).toBe(s.layers[0]);
    expect(names(s)).toEqual(['fc1', 'relu', 'res', 'dropout', 'fc2']);
    expect(names(insert(s, [], 5, { kind: 'Identity' })).length).toBe(6);
    expect(() => insert(s, [], 7, { kind: 'Identity' })).toThrow(RangeError);
  });

  it('inserts into a block, copying only the blocks on the path', () => {
    const s = model();
    const t = insert(s, [2], 1, { kind: 'Dropout', name: 'drop' });
    expect(names(t, [2])).toEqual(['fc', 'drop', 'act']);
    expect(t.layers[2]).not.toBe(s.layers[2]);
    expect(t.layers[3]).toBe(s.layers[3]);
    expect(names(s, [2])).toEqual(['fc', 'act']);
    expect(() => insert(s, [1], 0, { kind: 'Identity' })).toThrow(/no block/);
  });

  it('removes top-level and nested layers', () => {
    const s = model();
    expect(names(remove(s, [1]))).toEqual(['fc1', 'res', 'dropout', 'fc2']);
    expect(names(remove(s, [2, 0]), [2])).toEqual(['act']);
    expect(() => remove(s, [5])).toThrow(RangeError);
  });

  it('moves within a list, both directions', () => {
    const s = model();
    expect(names(move(s, [0], 2))).toEqual(['relu', 'res', 'fc1', 'dropout', 'fc2']);
    expect(names(move(s, [4], 0))).toEqual(['fc2', 'fc1', 'relu', 'res', 'dropout']);
    expect(names(move(s, [2, 1], 0), [2])).toEqual(['act', 'fc']);
    expect(() => move(s, [0], 5)).toThrow(RangeError);
  });

  it('moves into and out of blocks, renaming on a clash', () => {
    const s = model();
    const into = moveTo(s, [1], [2], 2); // relu into res, after act
    expect(names(into)).toEqual(['fc1', 'res', 'dropout', 'fc2']);
    expect(names(into, [1])).toEqual(['fc', 'act', 'relu']);
    const out = moveTo(s, [2, 0], [], 5);
    expect(names(out)).toEqual(['fc1', 'relu', 'res', 'dropout', 'fc2', 'fc']);
    const clash = moveTo(insert(s, [2], 0, { kind: 'ReLU', name: 'relu' }), [2, 0], [], 0);
    expect(names(clash)).toEqual(['relu_2', 'fc1', 'relu', 'res', 'dropout', 'fc2']);
    // Destination index is given before the move, like a drop position.
    expect(names(moveTo(s, [0], [], 3))).toEqual(['relu', 'res', 'fc1', 'dropout', 'fc2']);
    expect(() => moveTo(s, [2], [2], 0)).toThrow(/into itself/);
  });

  it('says where a moved layer ends up, for every kind of move', () => {
    const s = model(); // fc1, relu, res[fc, act], dropout, fc2
    const cases: [number[], number[], number, string, number[]][] = [
      [[1], [2], 2, 'relu', [1, 2]], // into a block after it: the block shifts up
      [[3], [2], 0, 'dropout', [2, 0]], // into a block before it
      [[2, 0], [], 5, 'fc', [5]], // out, to the end
      [[2, 1], [], 0, 'act', [0]], // out, to the front
      [[0], [], 3, 'fc1', [2]], // same list, forwards
      [[4], [], 1, 'fc2', [1]], // same list, backwards
      [[2, 0], [2], 2, 'fc', [2, 1]], // same block
    ];
    for (const [path, toParent, toIndex, name, expected] of cases) {
      const to = movedPath(path, toParent, toIndex);
      expect(to, `${name} → [${toParent}] @${toIndex}`).toEqual(expected);
      expect(getLayer(moveTo(s, path, toParent, toIndex), to)?.name).toBe(name);
    }
  });

  it('duplicates right after the original with a fresh name, deep-copying blocks', () => {
    const s = model();
    const t = duplicate(s, [3]);
    expect(names(t)).toEqual(['fc1', 'relu', 'res', 'dropout', 'dropout_2', 'fc2']);
    expect(t.layers[4]).toEqual({ kind: 'Dropout', name: 'dropout_2', p: 0.5 });
    const b = duplicate(s, [2]);
    expect(names(b)).toEqual(['fc1', 'relu', 'res', 'res_2', 'dropout', 'fc2']);
    expect(b.layers[3].layers).not.toBe(b.layers[2].layers);
    expect(names(duplicate(t, [3]))).toEqual(['fc1', 'relu', 'res', 'dropout', 'dropout_3', 'dropout_2', 'fc2']);
  });

  it('sets and clears arguments without touching kind or name', () => {
    const s = model();
    const t = updateArgs(s, [3], { p: 0.3, inplace: true });
    expect(t.layers[3]).toEqual({ kind: 'Dropout', name: 'dropout', p: 0.3, inplace: true });
    expect(updateArgs(t, [3], { inplace: undefined }).layers[3]).toEqual({ kind: 'Dropout', name: 'dropout', p: 0.3 });
    expect(updateArgs(s, [2, 0], { out_features: 4 }).layers[2].layers?.[0].out_features).toBe(4);
    expect(() => updateArgs(s, [3], { name: 'x' })).toThrow(/rename/);
    expect(s.layers[3]).toEqual({ kind: 'Dropout', name: 'dropout', p: 0.5 });
  });

  it('renames only to a free identifier in the same list', () => {
    const s = model();
    expect(rename(s, [1], 'act1').layers[1].name).toBe('act1');
    expect(renameProblem(s, [1], 'fc1')).toBe('taken');
    expect(renameProblem(s, [1], 'relu')).toBeNull(); // its own name
    expect(renameProblem(s, [1], 'act')).toBeNull(); // taken only inside the block
    expect(renameProblem(s, [1], '2x')).toBe('invalid');
    expect(renameProblem(s, [1], '')).toBe('invalid');
    expect(() => rename(s, [1], 'fc2')).toThrow(/already named/);
  });

  it('makes unique names with numeric suffixes', () => {
    expect(uniqueName(['fc1', 'relu'], 'dropout')).toBe('dropout');
    expect(uniqueName(['dropout'], 'dropout')).toBe('dropout_2');
    expect(uniqueName(['dropout', 'dropout_2', undefined], 'dropout')).toBe('dropout_3');
    expect(uniqueName(['dropout', 'dropout_2'], 'dropout_2')).toBe('dropout_3');
  });

  it('inserts from the palette after the selection, else at the end', () => {
    const s = model();
    expect(insertionPoint(s, [1])).toEqual({ parent: [], index: 2 });
    expect(insertionPoint(s, [2, 0])).toEqual({ parent: [2], index: 1 });
    expect(insertionPoint(s, null)).toEqual({ parent: [], index: 5 });
    expect(insertionPoint(s, [42])).toEqual({ parent: [], index: 5 });
  });
});
