/**
 * Reading a `.dlab` zip strictly (APPNOTE.TXT 4.3): the central directory is
 * parsed on its own, and an entry is inflated only when asked for, into a
 * buffer of its declared size, then checked against the directory's CRC-32
 * and size. fflate's unzipSync checks neither and inflates every entry, so a
 * bit-flipped project opened with changed content and an extra 1 GiB entry
 * was inflated on every open (issue #17).
 */
import { inflateSync } from 'fflate';
import { crc32 } from './crc32.ts';

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated: the only methods a project uses. */
  method: number;
  crc32: number;
  compressedSize: number;
  size: number;
  /** Where the entry's (compressed) bytes begin. */
  dataStart: number;
}

/** A structural problem; the caller words it for the file ("damaged or truncated"). */
export class ZipError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZipError';
  }
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX_COMMENT = 0xffff;

const u16 = (b: Uint8Array, at: number): number => b[at] | (b[at + 1] << 8);
const u32 = (b: Uint8Array, at: number): number => (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;

function endRecord(bytes: Uint8Array): number {
  for (let e = bytes.length - 22; e >= Math.max(0, bytes.length - 22 - MAX_COMMENT); e--) {
    // The comment must end the file exactly, so a stray signature inside a comment is not taken for the record.
    if (u32(bytes, e) === EOCD && e + 22 + u16(bytes, e + 20) === bytes.length) return e;
  }
  throw new ZipError('no end of central directory record');
}

/** The entries by name, from the central directory; nothing is inflated. */
export function readZipDirectory(bytes: Uint8Array): Map<string, ZipEntry> {
  const e = endRecord(bytes);
  const disk = u16(bytes, e + 4);
  const cdDisk = u16(bytes, e + 6);
  const onDisk = u16(bytes, e + 8);
  const count = u16(bytes, e + 10);
  const cdSize = u32(bytes, e + 12);
  const cdStart = u32(bytes, e + 16);
  if (disk !== 0 || cdDisk !== 0 || onDisk !== count) throw new ZipError('a multi-part zip');
  if (count === 0xffff || cdSize === 0xffffffff || cdStart === 0xffffffff) throw new ZipError('a zip64 archive, which Dropout Lab does not write');
  if (cdStart + cdSize !== e) throw new ZipError('the central directory does not end where the end record begins');
  const entries = new Map<string, ZipEntry>();
  const decoder = new TextDecoder('utf-8');
  let at = cdStart;
  for (let i = 0; i < count; i++) {
    if (at + 46 > e || u32(bytes, at) !== CENTRAL) throw new ZipError(`central directory entry ${i} is not where the directory says`);
    const flags = u16(bytes, at + 8);
    const method = u16(bytes, at + 10);
    const crc = u32(bytes, at + 16);
    const compressedSize = u32(bytes, at + 20);
    const size = u32(bytes, at + 24);
    const nameLength = u16(bytes, at + 28);
    const next = at + 46 + nameLength + u16(bytes, at + 30) + u16(bytes, at + 32);
    const local = u32(bytes, at + 42);
    if (next > e) throw new ZipError(`central directory entry ${i} runs past the directory`);
    const nameBytes = bytes.subarray(at + 46, at + 46 + nameLength);
    const name = decoder.decode(nameBytes);
    if (flags & 1) throw new ZipError(`${name} is encrypted`);
    if (method !== 0 && method !== 8) throw new ZipError(`${name} uses compression method ${method}; projects use stored or deflated entries`);
    if (method === 0 && compressedSize !== size) throw new ZipError(`${name} is stored but its two sizes differ`);
    if (entries.has(name)) throw new ZipError(`${name} appears twice`);
    if (local + 30 > cdStart || u32(bytes, local) !== LOCAL) throw new ZipError(`${name} has no local header where the directory says`);
    const localName = u16(bytes, local + 26);
    const dataStart = local + 30 + localName + u16(bytes, local + 28);
    if (localName !== nameLength || !bytes.subarray(local + 30, local + 30 + localName).every((b, k) => b === nameBytes[k])) throw new ZipError(`${name}'s local header names another file`);
    if (dataStart + compressedSize > cdStart) throw new ZipError(`${name}'s data runs into the central directory`);
    entries.set(name, { name, method, crc32: crc, compressedSize, size, dataStart });
    at = next;
  }
  if (at !== e) throw new ZipError('the central directory holds more than its entries');
  return entries;
}

/**
 * An entry's bytes, refused (ZipError) when it declares more than `maxSize`
 * bytes or does not inflate to exactly its declared size and CRC-32.
 */
export function readZipEntry(bytes: Uint8Array, entry: ZipEntry, maxSize: number): Uint8Array {
  if (entry.size > maxSize) throw new ZipError(`${entry.name} declares ${entry.size} bytes, more than the ${maxSize} allowed for it`);
  const raw = bytes.subarray(entry.dataStart, entry.dataStart + entry.compressedSize);
  let data: Uint8Array;
  if (entry.method === 0) data = raw.slice();
  else {
    try {
      // One byte of room beyond the declared size shows a stream that inflates to more.
      data = inflateSync(raw, { out: new Uint8Array(entry.size + 1) });
    } catch (e) {
      throw new ZipError(`${entry.name} cannot be inflated (${(e as Error).message})`);
    }
  }
  if (data.length !== entry.size) throw new ZipError(`${entry.name} holds ${data.length === entry.size + 1 ? 'more' : data.length} bytes where its header says ${entry.size}`);
  if (crc32(data) !== entry.crc32) throw new ZipError(`checksum mismatch in ${entry.name}`);
  return data;
}
