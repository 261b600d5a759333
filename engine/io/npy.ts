/** NumPy .npy (format 1.0/2.0) for float32/float64/int arrays in C order; written as little-endian float32. */
import { DataError } from '../data/dataset.ts';

export function readNpy(bytes: Uint8Array, where: string): { shape: number[]; data: Float32Array } {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (bytes.length < 10 || !magic.every((m, i) => bytes[i] === m)) throw new DataError(`${where} is not a NumPy .npy file`);
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hlen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const hstart = major === 1 ? 10 : 12;
  const header = new TextDecoder('latin1').decode(bytes.subarray(hstart, hstart + hlen));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*True/.test(header);
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || shapeText === undefined) throw new DataError(`${where}: unreadable .npy header`);
  if (fortran) throw new DataError(`${where}: Fortran-ordered arrays are not supported; save with np.ascontiguousarray`);
  const shape = shapeText.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const n = shape.reduce((a, b) => a * b, 1);
  const off = hstart + hlen;
  const kinds: Record<string, [number, (v: DataView, o: number) => number]> = {
    '<f4': [4, (v, o) => v.getFloat32(o, true)],
    '<f8': [8, (v, o) => v.getFloat64(o, true)],
    '<i4': [4, (v, o) => v.getInt32(o, true)],
    '<i8': [8, (v, o) => Number(v.getBigInt64(o, true))],
    '|u1': [1, (v, o) => v.getUint8(o)],
  };
  const k = kinds[descr];
  if (!k) throw new DataError(`${where}: dtype ${descr} is not supported (use float32, float64, int32, int64 or uint8)`);
  if (bytes.length - off < n * k[0]) throw new DataError(`${where}: the file is truncated (${n} values of ${k[0]} bytes expected)`);
  const data = new Float32Array(n);
  const dv = new DataView(bytes.buffer, bytes.byteOffset + off, n * k[0]);
  for (let i = 0; i < n; i++) data[i] = k[1](dv, i * k[0]);
  return { shape, data };
}

export function writeNpy(shape: readonly number[], data: Float32Array): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.length * 4);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  const dv = new DataView(out.buffer, 10 + header.length);
  data.forEach((v, i) => dv.setFloat32(i * 4, v, true));
  return out;
}
