/** .npy reading against files NumPy itself writes: byte orders, float16, ints, uint8 kept as bytes. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNpy, readNpyArray } from '../../../engine/io/npy.ts';

const dir = mkdtempSync(join(tmpdir(), 'npy-'));
const VALUES = [0, 1.5, -2.25, 65504, 0.000061035156];

/** np.save(array of VALUES with `dtype`, shape (5,)) → the file's bytes. */
function numpySave(dtype: string): Uint8Array {
  const path = join(dir, `${dtype.replace(/[<>|]/g, (c) => ({ '<': 'le', '>': 'be', '|': 'na' })[c] ?? c)}.npy`);
  execFileSync('/usr/bin/python3', ['-c', `import numpy as np; np.save(${JSON.stringify(path)}, np.array(${JSON.stringify(VALUES)}).astype(np.dtype(${JSON.stringify(dtype)})))`]);
  return new Uint8Array(readFileSync(path));
}

describe('readNpy', () => {
  it.each(['<f4', '>f4', '<f8', '>f8', '<f2', '>f2'])('reads %s exactly as NumPy stored it', (dtype) => {
    // float16 holds each of VALUES exactly (65504 is its largest, 2^-14 its smallest normal).
    const a = readNpy(numpySave(dtype), dtype);
    expect(a.shape).toEqual([5]);
    expect([...a.data]).toEqual(VALUES.map(Math.fround));
  });

  it.each(['<i4', '>i8', '|i1', '<u2'])('reads integers %s', (dtype) => {
    const path = join(dir, 'ints.npy');
    execFileSync('/usr/bin/python3', ['-c', `import numpy as np; np.save(${JSON.stringify(path)}, np.arange(-3, 3).reshape(2, 3).astype(np.dtype(${JSON.stringify(dtype)})) if ${JSON.stringify(dtype)}[1] != 'u' else np.arange(6).reshape(2, 3).astype(${JSON.stringify(dtype)}))`]);
    const a = readNpyArray(new Uint8Array(readFileSync(path)), dtype);
    expect(a.shape).toEqual([2, 3]);
    expect(a.kind).toBe(dtype[1]);
    expect([...a.data]).toEqual(dtype[1] === 'u' ? [0, 1, 2, 3, 4, 5] : [-3, -2, -1, 0, 1, 2]);
  });

  it('keeps uint8 as bytes', () => {
    const path = join(dir, 'u8.npy');
    execFileSync('/usr/bin/python3', ['-c', `import numpy as np; np.save(${JSON.stringify(path)}, np.array([[0, 128, 255]], dtype=np.uint8))`]);
    const a = readNpyArray(new Uint8Array(readFileSync(path)), 'u8');
    expect(a.data).toBeInstanceOf(Uint8Array);
    expect([...a.data]).toEqual([0, 128, 255]);
  });

  it('names an unsupported dtype', () => {
    expect(() => readNpy(numpySave('<c8'), 'c.npy')).toThrow('c.npy: dtype <c8 is not supported');
  });
});
