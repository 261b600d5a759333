/**
 * NumPy `.npz` archives (np.savez / np.savez_compressed: a zip of .npy files)
 * holding `x`, the samples, and `y`, their targets. The sample shape is x's
 * shape after the first axis; integer or bool y means classes, float y means
 * regression (one column per target).
 */
import { unzipSync } from 'fflate';
import { readNpyArray, type NpyArray } from '../io/npy.ts';
import { DataError, type Dataset } from './dataset.ts';

function arrays(bytes: Uint8Array, where: string): Record<string, Uint8Array> {
  try {
    return unzipSync(bytes);
  } catch (e) {
    throw new DataError(`${where}: not a readable .npz (zip) archive (${(e as Error).message}); save it with np.savez(path, x=x, y=y)`);
  }
}

/** Classes from integer labels: their distinct values in numeric order, named by value. */
function classLabels(y: NpyArray, where: string): { labels: Int32Array; classNames: string[] } {
  if (y.shape.length !== 1) throw new DataError(`${where}: integer y must have one value per sample, got shape (${y.shape.join(', ')})`);
  const values = [...new Set(y.data)].sort((a, b) => a - b);
  if (values.length < 2) throw new DataError(`${where}: every sample has label ${values[0]}; classification needs at least two classes`);
  // Labels already 0..k-1 keep their numbers; others (e.g. 3 and 7) become class indices in numeric order.
  const index = new Map(values.map((v, i) => [v, i]));
  return { labels: Int32Array.from(y.data, (v) => index.get(v) ?? -1), classNames: values.map(String) };
}

export function parseNpz(bytes: Uint8Array, where: string): Dataset {
  const files = arrays(bytes, where);
  const need = (name: string) => {
    const b = files[`${name}.npy`];
    if (!b) throw new DataError(`${where}: no array '${name}' (found: ${Object.keys(files).map((f) => f.replace(/\.npy$/, '')).join(', ') || 'nothing'}); save with np.savez(path, x=x, y=y)`);
    return readNpyArray(b, `${where}: ${name}`);
  };
  const x = need('x');
  const y = need('y');
  const n = x.shape[0];
  if (x.shape.length < 2) throw new DataError(`${where}: x must have a first axis of samples and at least one more, got shape (${x.shape.join(', ')})`);
  if (y.shape[0] !== n) throw new DataError(`${where}: x has ${n} samples but y has ${y.shape[0] ?? 0}`);
  const base = { name: `npz:${where}`, inputShape: x.shape.slice(1), size: n, features: x.data, featureScale: x.data instanceof Uint8Array ? 1 / 255 : 1 };
  if (y.kind === 'f') {
    const labels = y.data instanceof Float32Array ? y.data : Float32Array.from(y.data);
    return { ...base, task: 'regression', labels, classNames: [], targetDim: y.shape.slice(1).reduce((a, b) => a * b, 1) };
  }
  return { ...base, task: 'classification', ...classLabels(y, where), targetDim: 1 };
}
