/**
 * safetensors with the dtypes PyTorch state_dicts and exported datasets use.
 * The project's own reader (engine/project/safetensors.ts) keeps to F32; here
 * we also write I64 (BatchNorm's num_batches_tracked, labels) and U8 (byte
 * images), and read what torch users hand us (F64, F16, BF16, integer types),
 * converting to float32 as the engine computes in float32.
 */
import { layoutSafetensors, readSafetensorsHeader, SafetensorsError } from '../project/safetensors.ts';

export type Dtype = 'F32' | 'F64' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

export interface TypedTensor {
  dtype: Dtype;
  shape: number[];
  /** Values as numbers; written in `dtype` (integers are rounded). */
  data: Float32Array | Int32Array | Uint8Array | Float64Array;
}

const BYTES: Record<Dtype, number> = { F32: 4, F64: 8, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 };

export function encodeTyped(tensors: ReadonlyMap<string, TypedTensor>, metadata: Record<string, string> = {}): Uint8Array {
  const list = [...tensors];
  for (const [name, t] of list) {
    if (t.dtype !== 'F32' && t.dtype !== 'I64' && t.dtype !== 'U8') throw new SafetensorsError(`writing ${t.dtype} is not supported (tensor '${name}')`);
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (n !== t.data.length) throw new SafetensorsError(`tensor '${name}' has ${t.data.length} values but shape [${t.shape.join(', ')}]`);
  }
  const { out, dataAt } = layoutSafetensors(list.map(([name, t]) => ({ name, dtype: t.dtype, shape: t.shape, byteLength: t.data.length * BYTES[t.dtype] })), metadata);
  const view = new DataView(out.buffer);
  list.forEach(([, t], k) => {
    let pos = dataAt[k];
    if (t.dtype === 'F32') {
      const f = t.data instanceof Float32Array ? t.data : Float32Array.from(t.data);
      out.set(new Uint8Array(f.buffer, f.byteOffset, f.byteLength), pos);
    } else if (t.dtype === 'U8') {
      for (let i = 0; i < t.data.length; i++) out[pos++] = t.data[i];
    } else {
      for (let i = 0; i < t.data.length; i++, pos += 8) view.setBigInt64(pos, BigInt(Math.round(t.data[i])), true);
    }
  });
  return out;
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

/** Every tensor as float32 with its original dtype, for importing weights saved by torch. */
export function decodeAsFloat32(bytes: Uint8Array, where: string): { tensors: Map<string, { dtype: Dtype; shape: number[]; data: Float32Array }>; metadata: Record<string, string> } {
  const { entries, metadata, dataStart: start } = readSafetensorsHeader(bytes, where);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tensors = new Map<string, { dtype: Dtype; shape: number[]; data: Float32Array }>();
  for (const [name, entry] of entries) {
    const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const dtype = e.dtype as Dtype;
    if (typeof e.dtype !== 'string' || !(e.dtype in BYTES)) throw new SafetensorsError(`${where}: tensor '${name}' has dtype ${String(e.dtype)}, which cannot be read as numbers`);
    if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isInteger(d) && d >= 0)) throw new SafetensorsError(`${where}: tensor '${name}' has an invalid shape`);
    const shape = e.shape as number[];
    const count = shape.reduce((p, d) => p * d, 1);
    const [a, b] = Array.isArray(e.data_offsets) ? (e.data_offsets as number[]) : [NaN, NaN];
    if (!(Number.isInteger(a) && Number.isInteger(b) && b - a === count * BYTES[dtype] && start + b <= bytes.length)) {
      throw new SafetensorsError(`${where}: tensor '${name}' data [${a}, ${b}) does not match its shape or lies outside the file`);
    }
    const data = new Float32Array(count);
    const o = start + a;
    for (let i = 0; i < count; i++) {
      switch (dtype) {
        case 'F32': data[i] = view.getFloat32(o + 4 * i, true); break;
        case 'F64': data[i] = view.getFloat64(o + 8 * i, true); break;
        case 'F16': data[i] = halfToFloat(view.getUint16(o + 2 * i, true)); break;
        case 'BF16': data[i] = new Float32Array(new Uint32Array([view.getUint16(o + 2 * i, true) << 16]).buffer)[0]; break;
        case 'I64': data[i] = Number(view.getBigInt64(o + 8 * i, true)); break;
        case 'I32': data[i] = view.getInt32(o + 4 * i, true); break;
        case 'I16': data[i] = view.getInt16(o + 2 * i, true); break;
        case 'I8': data[i] = view.getInt8(o + i); break;
        case 'U8':
        case 'BOOL': data[i] = view.getUint8(o + i); break;
      }
    }
    tensors.set(name, { dtype, shape, data });
  }
  return { tensors, metadata };
}
