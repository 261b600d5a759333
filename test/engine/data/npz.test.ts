/** .npz datasets written by NumPy's np.savez in the test: shapes, dtypes, classes or regression, and the errors. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../../engine/data/catalog.ts';
import { nodeFiles } from '../../../engine/io/node-files.ts';
import { parseNpz } from '../../../engine/data/npz.ts';

const dir = mkdtempSync(join(tmpdir(), 'npz-'));

/** Runs `code` with numpy as np and `path` bound, then returns the written file. */
function numpy(name: string, code: string): string {
  const path = join(dir, name);
  execFileSync('/usr/bin/python3', ['-c', `import numpy as np\npath = ${JSON.stringify(path)}\n${code}`]);
  return path;
}
const load = (path: string) => parseNpz(new Uint8Array(readFileSync(path)), path);

describe('npz datasets', () => {
  it('float32 images of rank 4 with integer classes: sample shape from x', () => {
    const path = numpy('img.npz', 'x = np.arange(4*3*2*2, dtype=np.float32).reshape(4, 3, 2, 2) / 10\nnp.savez(path, x=x, y=np.array([0, 2, 1, 2]))');
    const d = load(path);
    expect(d.inputShape).toEqual([3, 2, 2]);
    expect(d.size).toBe(4);
    expect(d.task).toBe('classification');
    expect(d.classNames).toEqual(['0', '1', '2']);
    expect([...d.labels]).toEqual([0, 2, 1, 2]);
    expect(d.features[13]).toBeCloseTo(1.3, 6);
  });

  it('compressed uint8 x stays bytes (scale 1/255); labels 3 and 7 become classes 0 and 1', () => {
    const path = numpy('u8.npz', 'np.savez_compressed(path, x=np.array([[0, 255], [128, 1], [2, 3]], dtype=np.uint8), y=np.array([7, 3, 7], dtype=np.int64))');
    const d = load(path);
    expect(d.features).toBeInstanceOf(Uint8Array);
    expect([...d.features]).toEqual([0, 255, 128, 1, 2, 3]);
    expect(d.featureScale).toBe(1 / 255);
    expect(d.classNames).toEqual(['3', '7']);
    expect([...d.labels]).toEqual([1, 0, 1]);
  });

  it('float64 x and float y of two columns: regression with two targets', () => {
    const path = numpy('reg.npz', 'np.savez(path, x=np.array([[1.0], [2.0], [3.0]]), y=np.array([[0.5, -1], [1.5, -2], [2.5, -3]]))');
    const d = load(path);
    expect(d.task).toBe('regression');
    expect(d.targetDim).toBe(2);
    expect([...d.labels]).toEqual([0.5, -1, 1.5, -2, 2.5, -3]);
    expect([...d.features]).toEqual([1, 2, 3]);
  });

  it.each([
    ['noy.npz', 'np.savez(path, x=np.zeros((3, 2)), labels=np.zeros(3))', "no array 'y' (found: x, labels)"],
    ['count.npz', 'np.savez(path, x=np.zeros((3, 2)), y=np.array([0, 1]))', 'x has 3 samples but y has 2'],
    ['flat.npz', 'np.savez(path, x=np.zeros(3), y=np.array([0, 1, 0]))', 'x must have a first axis of samples and at least one more, got shape (3)'],
    ['one.npz', 'np.savez(path, x=np.zeros((3, 2)), y=np.array([1, 1, 1]))', 'every sample has label 1'],
  ])('%s is refused: %s', (name, code, message) => {
    expect(() => load(numpy(name, code))).toThrow(message);
  });

  it('a text file named .npz, and a moved one, say what to do', () => {
    expect(() => parseNpz(new TextEncoder().encode('hello'), 'h.npz')).toThrow('h.npz: not a readable .npz (zip) archive');
    expect(() => loadDataset({ id: 'npz', path: join(dir, 'gone.npz') }, nodeFiles)).toThrow(`${join(dir, 'gone.npz')}: no such file; it may have been moved or renamed. Put it back there, or choose it again`);
  });
});
