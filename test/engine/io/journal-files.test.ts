/** Recovery journals on disk: one file per session, replaced whole, taken by exactly one engine. */
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { journalFiles } from '../../../engine/io/journal-files.ts';

describe('journal files', () => {
  it('writes, reads, lists and removes a session’s journal, creating the folder', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'dlab-journal-')), 'recovery');
    const store = journalFiles(dir, 'win-1', 'desktop');
    expect(store.sessions()).toEqual([]);
    store.write('win-1', '{"a":1}');
    store.write('win-1', '{"a":2}');
    expect(store.read('win-1')).toBe('{"a":2}');
    expect(readdirSync(dir)).toEqual(['win-1.json']); // no temporary files left behind
    store.remove('win-1');
    expect(store.read('win-1')).toBeNull();
  });

  it('lets only one of two engines take the same journal', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dlab-journal-'));
    journalFiles(dir, 'gone', 'desktop').write('gone', 'work');
    const a = journalFiles(dir, 'a', 'desktop');
    const b = journalFiles(dir, 'b', 'desktop');
    expect([a.take('gone'), b.take('gone')]).toEqual(['work', null]);
    expect(existsSync(join(dir, 'gone.json'))).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses a session id that could name a path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dlab-journal-'));
    expect(() => journalFiles(dir, '../x', 'desktop')).toThrow(/not a session id/);
    expect(() => journalFiles(dir, 'ok', 'desktop').read('../../etc/passwd')).toThrow(/not a session id/);
  });

  it('knows this process is alive and a pid past the largest is not', () => {
    const store = journalFiles(mkdtempSync(join(tmpdir(), 'dlab-journal-')), 's', 'desktop');
    expect(store.alive(process.pid)).toBe(true);
    expect(store.alive(2 ** 22 + 17)).toBe(false);
  });
});
