import { describe, expect, it } from 'vitest';
import { AREAS, format, i18n, t } from '../../renderer/src/i18n/index.svelte.ts';
import { FILE_SETS } from '../../renderer/src/lib/data-choice.ts';

describe('translations', () => {
  for (const [area, m] of Object.entries(AREAS)) {
    it(`${area}: every key exists in English and Chinese, with the same placeholders`, () => {
      expect(Object.keys(m.zh).sort()).toEqual(Object.keys(m.en).sort());
      for (const k of Object.keys(m.en)) {
        expect(k.startsWith(`${area}.`), `${k} should start with '${area}.'`).toBe(true);
        const holes = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
        expect(holes(m.zh[k]), k).toEqual(holes(m.en[k]));
        expect(m.zh[k].trim(), k).not.toBe('');
      }
    });
  }

  it('switches language at run time and fills placeholders', () => {
    i18n.set('en');
    expect(t('common.undoWhat', { what: 'Insert Dropout' })).toBe('Undo Insert Dropout');
    i18n.set('zh');
    expect(t('common.save')).toBe('保存');
    expect(t('common.undoWhat', { what: 'x' })).toBe('撤销 x');
    i18n.set('en');
    expect(t('no.such.key')).toBe('no.such.key');
    expect(format('{a} and {b}', { a: 1 })).toBe('1 and {b}');
  });

  it('the web host can name every file-backed source in its prompt', () => {
    for (const id of FILE_SETS) expect(Object.keys(AREAS.common.en), id).toContain(`common.web.source.${id}`);
  });
});
