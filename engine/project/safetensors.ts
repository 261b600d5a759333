/**
 * The safetensors format (huggingface/safetensors): an 8-byte little-endian
 * header length, a JSON header {name: {dtype, shape, data_offsets}} plus
 * optional string "__metadata__", then the raw little-endian tensor bytes.
 * Loads in PyTorch with safetensors.torch.load_file.
 */

export interface NamedTensor {
  shape: number[];
  data: Float32Array;
}

/**
 * Lays out a safetensors file: header length, JSON header (padded with spaces so
 * the data starts 8-byte aligned, as the reference writer does), then room for
 * each tensor's bytes in order. Returns the buffer and where each tensor's data goes.
 */
export function layoutSafetensors(entries: readonly { name: string; dtype: string; shape: number[]; byteLength: number }[], metadata: Record<string, string> = {}): { out: Uint8Array; dataAt: number[] } {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  let offset = 0;
  for (const e of entries) {
    header[e.name] = { dtype: e.dtype, shape: e.shape, data_offsets: [offset, offset + e.byteLength] };
    offset += e.byteLength;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + new TextEncoder().encode(json).length) % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  const dataAt: number[] = [];
  let pos = 8 + headerBytes.length;
  for (const e of entries) {
    dataAt.push(pos);
    pos += e.byteLength;
  }
  return { out, dataAt };
}

export function encodeSafetensors(tensors: ReadonlyMap<string, NamedTensor>, metadata: Record<string, string> = {}): Uint8Array {
  const list = [...tensors];
  const { out, dataAt } = layoutSafetensors(list.map(([name, t]) => ({ name, dtype: 'F32', shape: t.shape, byteLength: t.data.byteLength })), metadata);
  // float32 arrays are little-endian on every platform we run on
  list.forEach(([, t], i) => out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), dataAt[i]));
  return out;
}

export class SafetensorsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SafetensorsError';
  }
}

/** The parsed JSON header of a safetensors file: tensor entries, metadata, and where the data begins. */
export function readSafetensorsHeader(bytes: Uint8Array, where: string): { entries: [string, unknown][]; metadata: Record<string, string>; dataStart: number } {
  if (bytes.length < 8) throw new SafetensorsError(`${where}: too short to be a safetensors file (${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  if (n <= 0 || 8 + n > bytes.length) throw new SafetensorsError(`${where}: header length ${n} does not fit the file (${bytes.length} bytes); is this a safetensors file?`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  } catch {
    throw new SafetensorsError(`${where}: the header is not valid JSON`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new SafetensorsError(`${where}: the header is not an object`);
  const { __metadata__: meta, ...rest } = header as Record<string, unknown>;
  const metadata = typeof meta === 'object' && meta !== null ? Object.fromEntries(Object.entries(meta).map(([k, v]) => [k, String(v)])) : {};
  const entries = Object.entries(rest);
  checkLayout(entries, bytes.length - 8 - n, where);
  return { entries, metadata, dataStart: 8 + n };
}

/**
 * The tensors' byte ranges must tile the data exactly, as the format requires:
 * in range, in order, no overlap, no hole. A negative offset read header bytes
 * as weights and overlapping tensors loaded silently (issue #17).
 */
function checkLayout(entries: readonly [string, unknown][], dataLength: number, where: string): void {
  const ranges = entries.map(([name, e]) => {
    const o = typeof e === 'object' && e !== null ? (e as { data_offsets?: unknown }).data_offsets : undefined;
    const [a, b] = Array.isArray(o) && o.length === 2 ? (o as unknown[]) : [NaN, NaN];
    if (!(Number.isSafeInteger(a) && Number.isSafeInteger(b) && (a as number) >= 0 && (b as number) >= (a as number))) {
      throw new SafetensorsError(`${where}: tensor '${name}' has invalid data_offsets ${JSON.stringify(o)?.slice(0, 80)}; they must be two byte offsets [begin, end] with 0 ≤ begin ≤ end`);
    }
    return { name, a: a as number, b: b as number };
  });
  ranges.sort((x, y) => x.a - y.a || x.b - y.b);
  let end = 0;
  for (const r of ranges) {
    if (r.a < end) throw new SafetensorsError(`${where}: tensor '${r.name}' data [${r.a}, ${r.b}) overlaps the tensor before it (which ends at ${end}); the file is damaged`);
    if (r.a > end) throw new SafetensorsError(`${where}: tensor '${r.name}' data [${r.a}, ${r.b}) leaves a gap after byte ${end}; the file is damaged`);
    end = r.b;
  }
  if (end !== dataLength) throw new SafetensorsError(`${where}: the tensors cover ${end} bytes of data but the file holds ${dataLength}; the file is damaged or truncated`);
}

export function decodeSafetensors(bytes: Uint8Array, where: string): { tensors: Map<string, NamedTensor>; metadata: Record<string, string> } {
  const { entries, metadata, dataStart } = readSafetensorsHeader(bytes, where);
  const tensors = new Map<string, NamedTensor>();
  for (const [name, entry] of entries) {
    const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (e.dtype !== 'F32') throw new SafetensorsError(`${where}: tensor '${name}' has dtype ${String(e.dtype)}; only F32 is supported`);
    if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isInteger(d) && d >= 0)) throw new SafetensorsError(`${where}: tensor '${name}' has an invalid shape`);
    const [a, b] = e.data_offsets as number[];
    const shape = e.shape as number[];
    const count = shape.reduce((p, d) => p * d, 1);
    if (!(Number.isInteger(a) && Number.isInteger(b) && b - a === count * 4 && dataStart + b <= bytes.length)) {
      throw new SafetensorsError(`${where}: tensor '${name}' data [${a}, ${b}) does not match its shape or lies outside the file`);
    }
    const data = new Float32Array(count);
    new Uint8Array(data.buffer).set(bytes.subarray(dataStart + a, dataStart + b));
    tensors.set(name, { shape, data });
  }
  return { tensors, metadata };
}
