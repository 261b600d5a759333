/** The web host's one recent-projects list: per served folder, on disk, newest first, only paths inside the folder. */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RecentStore } from '../../web/recent-store.ts';

function folders() {
  const base = mkdtempSync(join(tmpdir(), 'dlab-recent-'));
  const data = join(base, 'data');
  const a = join(base, 'a');
  const b = join(base, 'b');
  mkdirSync(a);
  mkdirSync(b);
  return { data, a, b };
}

describe('the web host’s recent projects', () => {
  it('keeps each folder’s list apart, newest first without repeats, and outlives the store that wrote it', () => {
    const { data, a, b } = folders();
    const store = new RecentStore(data, a);
    expect(store.list()).toEqual([]);
    store.note('one.dlab');
    store.note(join(a, 'sub', 'two.dlab'));
    expect(store.note('one.dlab')).toEqual([join(a, 'one.dlab'), join(a, 'sub', 'two.dlab')]);
    new RecentStore(data, b).note('other.dlab');
    expect(new RecentStore(data, a).list()).toEqual([join(a, 'one.dlab'), join(a, 'sub', 'two.dlab')]);
    expect(new RecentStore(data, b).list()).toEqual([join(b, 'other.dlab')]);
  });

  it('keeps ten at the most', () => {
    const { data, a } = folders();
    const store = new RecentStore(data, a);
    for (let i = 0; i < 12; i++) store.note(`p${i}.dlab`);
    expect(store.list()).toEqual(Array.from({ length: 10 }, (_, i) => join(a, `p${11 - i}.dlab`)));
  });

  it('refuses a path outside the folder and leaves the list as it was', () => {
    const { data, a, b } = folders();
    const store = new RecentStore(data, a);
    store.note('one.dlab');
    expect(() => store.note(join(b, 'x.dlab'))).toThrow(/outside the folder this lab serves/);
    expect(() => store.note('../b/x.dlab')).toThrow(/outside/);
    expect(store.list()).toEqual([join(a, 'one.dlab')]);
  });

  it('reads a damaged file as an empty list and replaces it on the next note', () => {
    const { data, a } = folders();
    mkdirSync(data, { recursive: true });
    writeFileSync(join(data, 'recent-projects.json'), '{"oops": 3');
    const store = new RecentStore(data, a);
    expect(store.list()).toEqual([]);
    store.note('one.dlab');
    expect(JSON.parse(readFileSync(join(data, 'recent-projects.json'), 'utf8'))).toEqual({ [a]: [join(a, 'one.dlab')] });
  });
});
