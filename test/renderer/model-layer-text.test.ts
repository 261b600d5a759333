/**
 * The Model view shows the engine's layer descriptions and argument docs in the
 * current language. i18n/model.ts keeps an English entry equal to the engine's
 * text beside each translation, so a reworded engine text fails here, naming the
 * key to update (until then the UI shows the engine's new English).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { layerDefs } from '../../engine/nn/registry.ts';
import model from '../../renderer/src/i18n/model.ts';
import { i18n } from '../../renderer/src/i18n/index.svelte.ts';
import { argDoc, argDocKey, layerAbout, layerAboutKey } from '../../renderer/src/components/model/layer-text.ts';

const en: Record<string, string> = model.en;
const zh: Record<string, string> = model.zh;

describe("the engine's layer texts in both languages", () => {
  afterEach(() => i18n.set('en'));

  it('every layer kind has its description in English (exactly the engine text) and Chinese', () => {
    for (const d of layerDefs()) {
      const key = layerAboutKey(d.kind);
      expect(en[key], `${key}: English should be the engine's description`).toBe(d.description);
      expect(zh[key]?.trim(), `${key}: Chinese missing`).toBeTruthy();
    }
  });

  it('every argument has its doc in English (exactly the engine text) and Chinese', () => {
    for (const d of layerDefs()) {
      for (const a of d.args) {
        const key = argDocKey(d.kind, a.name);
        expect(en[key], `${key} (${d.kind}.${a.name}): English should be the engine's doc; if only this kind's doc differs, add model.arg.${d.kind}.${a.name}`).toBe(a.doc);
        expect(zh[key]?.trim(), `${key}: Chinese missing`).toBeTruthy();
      }
    }
  });

  it('no layer or argument entry is left over from a kind or argument the engine no longer has', () => {
    const wanted = new Set<string>();
    for (const d of layerDefs()) {
      wanted.add(layerAboutKey(d.kind));
      for (const a of d.args) wanted.add(argDocKey(d.kind, a.name));
    }
    const ours = Object.keys(en).filter((k) => /^model\.layer\..*\.about$/.test(k) || k.startsWith('model.arg.'));
    expect(ours.filter((k) => !wanted.has(k))).toEqual([]);
  });

  it('shows the Chinese text in Chinese, the engine text in English, and the engine text when a translation is stale', () => {
    const dropout = layerDefs().find((d) => d.kind === 'Dropout')!;
    const p = dropout.args.find((a) => a.name === 'p')!;
    i18n.set('zh');
    expect(layerAbout(dropout)).toBe(zh['model.layer.Dropout.about']);
    expect(argDoc('Dropout', p)).toBe(zh[argDocKey('Dropout', 'p')]);
    expect(layerAbout({ ...dropout, description: 'Reworded.' })).toBe('Reworded.');
    expect(argDoc('NoSuchKind', { name: 'nothing', doc: 'Some doc.' })).toBe('Some doc.');
    i18n.set('en');
    expect(layerAbout(dropout)).toBe(dropout.description);
    expect(argDoc('Dropout', p)).toBe(p.doc);
  });
});
