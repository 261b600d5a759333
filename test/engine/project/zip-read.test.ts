/**
 * Opening reads the zip strictly (issue #17, items 4 and 10): every entry it
 * uses must match the central directory's CRC-32 and size, and entries
 * project.json does not reference are never inflated.
 */
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { maxRunEntryBytes, unpackProject } from '../../../engine/project/project.ts';
import { crc32 } from '../../../engine/project/crc32.ts';
import { readZipDirectory } from '../../../engine/project/zip-read.ts';
import { smallProject } from './small-project.ts';

/** Where a central directory field of entry `name` lies (APPNOTE 4.3.12: crc at +16, compressed size +20, size +24). */
function centralField(bytes: Uint8Array, name: string, offset: number): number {
  const sig = [0x50, 0x4b, 0x01, 0x02];
  const want = strToU8(name);
  for (let at = 0; at + 46 < bytes.length; at++) {
    if (sig.every((b, k) => bytes[at + k] === b) && bytes[at + 28] === want.length && want.every((b, k) => bytes[at + 46 + k] === b)) return at + offset;
  }
  throw new Error(`no central entry ${name}`);
}
const setU32 = (b: Uint8Array, at: number, v: number) => new DataView(b.buffer, b.byteOffset).setUint32(at, v, true);

describe('entries are checked against the central directory', async () => {
  const { bundle, bytes } = await smallProject();
  const weightsFile = bundle.project.runs[0].weights!.file;

  it('refuses a zeroed CRC-32 of project.json and of the run weights', () => {
    for (const name of ['project.json', weightsFile]) {
      const bad = bytes.slice();
      setU32(bad, centralField(bad, name, 16), 0);
      expect(() => unpackProject(bad, 'p.dlab')).toThrow(name === 'project.json' ? 'p.dlab is damaged or truncated and cannot be opened (checksum mismatch in project.json)' : `p.dlab: the weights of run 'run 1' are damaged (checksum mismatch in ${weightsFile})`);
    }
  });

  it('refuses project.json changed on disk with its old CRC: the spiral of 40 samples does not become one of 80', () => {
    // Stored, so the change is a byte edit; the directory keeps the CRC of the original text.
    const json = JSON.stringify(bundle.project);
    const stored = zipSync({ 'project.json': [strToU8(json), { level: 0 }], [weightsFile]: [bundle.files.get(weightsFile)!, { level: 0 }] });
    expect(unpackProject(stored, 'p.dlab').project.dataset).toEqual({ id: 'spiral', samples: 40, seed: 0 });
    const at = Buffer.from(stored).indexOf('"samples":40');
    expect(at).toBeGreaterThan(0);
    stored[at + 11] = '8'.charCodeAt(0);
    expect(() => unpackProject(stored, 'p.dlab')).toThrow('p.dlab is damaged or truncated and cannot be opened (checksum mismatch in project.json)');
  });

  it('refuses an entry whose declared size differs from what it inflates to', () => {
    const bad = bytes.slice();
    const at = centralField(bad, 'project.json', 24);
    setU32(bad, at, new DataView(bad.buffer).getUint32(at, true) - 1);
    expect(() => unpackProject(bad, 'p.dlab')).toThrow(/^p\.dlab is damaged or truncated and cannot be opened \(project\.json holds more bytes/);
    setU32(bad, at, new DataView(bad.buffer).getUint32(at, true) + 2);
    expect(() => unpackProject(bad, 'p.dlab')).toThrow(/^p\.dlab is damaged or truncated and cannot be opened \(project\.json holds \d+ bytes where its header says/);
  });

  it('leaves the file as it was: opening reads a copy', () => {
    const before = bytes.slice();
    unpackProject(bytes, 'p.dlab');
    expect(Buffer.from(bytes).equals(Buffer.from(before))).toBe(true);
  });
});

describe('only referenced entries are inflated, within their declared-size limits', async () => {
  const { bundle } = await smallProject();
  const json = strToU8(JSON.stringify(bundle.project));
  const weightsFile = bundle.project.runs[0].weights!.file;

  /** The project plus an entry 'extra.bin' that declares 1 GiB but holds 1 KiB of noise: inflating it would fail. */
  function withHugeExtra(): Uint8Array {
    const noise = Uint8Array.from({ length: 1024 }, (_, i) => (i * 151 + 7) & 0xff);
    const z = zipSync({ 'project.json': [json, { level: 6 }], [weightsFile]: [bundle.files.get(weightsFile)!, { level: 0 }], 'extra.bin': [noise, { level: 6 }] });
    setU32(z, centralField(z, 'extra.bin', 24), 2 ** 30);
    return z;
  }

  it('opens a project carrying an unreferenced 1 GiB entry without inflating it', () => {
    const z = withHugeExtra();
    expect(readZipDirectory(z).get('extra.bin')?.size).toBe(2 ** 30);
    const t0 = performance.now();
    const opened = unpackProject(z, 'p.dlab');
    expect(performance.now() - t0).toBeLessThan(1000);
    expect([...opened.files.keys()]).toEqual([weightsFile]);
  });

  it('refuses a referenced entry that declares more than the limit, before inflating it', () => {
    const z = zipSync({ 'project.json': [json, { level: 6 }], [weightsFile]: [bundle.files.get(weightsFile)!, { level: 6 }] });
    setU32(z, centralField(z, weightsFile, 24), maxRunEntryBytes() + 1);
    // The record's CRC still matches the directory's: only the size gives it away.
    expect(readZipDirectory(z).get(weightsFile)?.crc32).toBe(crc32(bundle.files.get(weightsFile)!));
    expect(() => unpackProject(z, 'p.dlab')).toThrow(`p.dlab is damaged or truncated and cannot be opened (${weightsFile} declares ${maxRunEntryBytes() + 1} bytes, more than the ${maxRunEntryBytes()} allowed for it)`);
  });

  it('refuses a project.json that declares more than 256 MiB', () => {
    const z = zipSync({ 'project.json': [json, { level: 6 }] });
    setU32(z, centralField(z, 'project.json', 24), 2 ** 28 + 1);
    expect(() => unpackProject(z, 'p.dlab')).toThrow(`(project.json declares ${2 ** 28 + 1} bytes, more than the ${2 ** 28} allowed for it)`);
  });
});
