/**
 * safetensors data_offsets must tile the data exactly (issue #17, item 9): a
 * negative offset read header bytes as weights (eval loss 1.9e35) and
 * overlapping tensors loaded silently. Files here are written with a
 * hand-made header, then read by the project's and the importer's readers.
 */
import { describe, expect, it } from 'vitest';
import { decodeSafetensors } from '../../../engine/project/safetensors.ts';
import { decodeAsFloat32 } from '../../../engine/export/safetensors-dtypes.ts';

/** A safetensors file with this header (padded to 8 bytes) and `dataBytes` bytes of data. */
function file(header: Record<string, unknown>, dataBytes: number): Uint8Array {
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const out = new Uint8Array(8 + json.length + dataBytes);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(new TextEncoder().encode(json), 8);
  return out;
}
const t = (a: number, b: number, n = (b - a) / 4) => ({ dtype: 'F32', shape: [n], data_offsets: [a, b] });

describe('safetensors data_offsets', () => {
  it('reads a well-tiled file', () => {
    expect([...decodeSafetensors(file({ a: t(0, 8), b: t(8, 16) }, 16), 'w').tensors.keys()]).toEqual(['a', 'b']);
  });

  it.each([
    ['a negative offset (reads the header as weights)', { a: t(-8, 0, 2), b: t(0, 16) }, 16, "w: tensor 'a' has invalid data_offsets [-8,0]; they must be two byte offsets [begin, end] with 0 ≤ begin ≤ end"],
    ['end before begin', { a: t(8, 0, 2) }, 8, "w: tensor 'a' has invalid data_offsets [8,0]"],
    ['offsets that are not integers', { a: { dtype: 'F32', shape: [2], data_offsets: [0, '8'] } }, 8, "w: tensor 'a' has invalid data_offsets [0,\"8\"]"],
    ['overlapping tensors', { a: t(0, 16), b: t(8, 24) }, 24, "w: tensor 'b' data [8, 24) overlaps the tensor before it (which ends at 16); the file is damaged"],
    ['two tensors on the same bytes', { a: t(0, 8), b: t(0, 8) }, 8, 'overlaps the tensor before it'],
    ['a gap between tensors', { a: t(0, 8), b: t(16, 24) }, 24, "w: tensor 'b' data [16, 24) leaves a gap after byte 8; the file is damaged"],
    ['data beyond the last tensor', { a: t(0, 8) }, 16, 'w: the tensors cover 8 bytes of data but the file holds 16; the file is damaged or truncated'],
    ['a tensor past the end', { a: t(0, 16) }, 8, 'w: the tensors cover 16 bytes of data but the file holds 8'],
  ])('refuses %s', (_what, header, dataBytes, message) => {
    const bytes = file(header, dataBytes);
    expect(() => decodeSafetensors(bytes, 'w')).toThrow(message);
    // The importer (weights from torch) shares the check.
    expect(() => decodeAsFloat32(bytes, 'w')).toThrow(message);
  });
});
