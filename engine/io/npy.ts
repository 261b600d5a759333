/** NumPy .npy (format 1.0/2.0): float16/32/64, ints and bools in C order, either byte order; written as little-endian float32. */
import { DataError } from '../data/dataset.ts';

/** IEEE 754 binary16 → number (DataView.getFloat16 is too new for Node 20). */
function half(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const frac = bits & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

type Reader = (v: DataView, o: number, little: boolean) => number;
/** Element readers by NumPy kind and byte width; the byte order comes from the descr. */
const READERS: Record<string, Reader> = {
  f2: (v, o, le) => half(v.getUint16(o, le)),
  f4: (v, o, le) => v.getFloat32(o, le),
  f8: (v, o, le) => v.getFloat64(o, le),
  i1: (v, o) => v.getInt8(o),
  i2: (v, o, le) => v.getInt16(o, le),
  i4: (v, o, le) => v.getInt32(o, le),
  i8: (v, o, le) => Number(v.getBigInt64(o, le)),
  u1: (v, o) => v.getUint8(o),
  u2: (v, o, le) => v.getUint16(o, le),
  u4: (v, o, le) => v.getUint32(o, le),
  b1: (v, o) => v.getUint8(o),
};

export interface NpyArray {
  shape: number[];
  /** NumPy's kind letter: f float, i signed, u unsigned, b bool. */
  kind: 'f' | 'i' | 'u' | 'b';
  /** uint8 stays bytes; everything else becomes float32. */
  data: Float32Array | Uint8Array;
}

/** Any float, int, uint or bool .npy array in C order, either byte order. */
export function readNpyArray(bytes: Uint8Array, where: string): NpyArray {
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
  const m = /^([<>|=])([fiub])(\d)$/.exec(descr);
  const read = m ? READERS[m[2] + m[3]] : undefined;
  if (!m || !read) throw new DataError(`${where}: dtype ${descr} is not supported (use float16/32/64, int8–64, uint8–32 or bool)`);
  const width = Number(m[3]);
  const little = m[1] !== '>';
  if (bytes.length - off < n * width) throw new DataError(`${where}: the file is truncated (${n} values of ${width} bytes expected)`);
  const kind = m[2] as NpyArray['kind'];
  if (kind === 'u' && width === 1) return { shape, kind, data: bytes.slice(off, off + n) };
  const data = new Float32Array(n);
  const dv = new DataView(bytes.buffer, bytes.byteOffset + off, n * width);
  for (let i = 0; i < n; i++) data[i] = read(dv, i * width, little);
  return { shape, kind, data };
}

/** An .npy array as float32, whatever its dtype. */
export function readNpy(bytes: Uint8Array, where: string): { shape: number[]; data: Float32Array } {
  const a = readNpyArray(bytes, where);
  return { shape: a.shape, data: a.data instanceof Float32Array ? a.data : Float32Array.from(a.data) };
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
