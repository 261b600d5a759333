/**
 * Issue #17's property: flip any single bit of a small project and it is
 * either refused with a ProjectError or opens exactly as before — never with
 * changed content (before, 1,402 of 82,968 flips opened changed).
 */
import { describe, expect, it } from 'vitest';
import { ProjectError, unpackProject, type ProjectBundle } from '../../../engine/project/project.ts';
import { smallProject } from './small-project.ts';

const same = (a: ProjectBundle, b: ProjectBundle): boolean =>
  JSON.stringify(a.project) === JSON.stringify(b.project) && a.files.size === b.files.size && [...a.files].every(([k, v]) => Buffer.from(v).equals(b.files.get(k) ?? new Uint8Array(1)));

describe('a bit-flip sweep over a small project', async () => {
  const { bytes } = await smallProject();
  const original = unpackProject(bytes, 'p.dlab');
  const bits = bytes.length * 8;

  it(`every one of the ${bits} single-bit flips of a ${bytes.length}-byte project is refused or opens unchanged`, () => {
    let refused = 0;
    let unchanged = 0;
    const changed: string[] = [];
    const copy = bytes.slice();
    for (let bit = 0; bit < bits; bit++) {
      const at = bit >> 3;
      copy[at] ^= 1 << (bit & 7);
      try {
        if (same(unpackProject(copy, 'p.dlab'), original)) unchanged++;
        else changed.push(`byte ${at} bit ${bit & 7}`);
      } catch (e) {
        if (!(e instanceof ProjectError) || !e.message.startsWith('p.dlab')) throw new Error(`flip of byte ${at} bit ${bit & 7} threw something other than a ProjectError: ${String(e)}`);
        refused++;
      }
      copy[at] = bytes[at];
    }
    expect(changed).toEqual([]);
    expect(refused + unchanged).toBe(bits);
    // Flips in fields no reader uses (timestamps, the local headers' copies of sizes) leave the content as it was.
    expect(unchanged).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(bits * 0.8);
  });
});
