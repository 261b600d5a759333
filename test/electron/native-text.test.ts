/** Native menus and dialogs speak both of the app's languages, and start in the system's. */
import { describe, expect, it } from 'vitest';
import { NATIVE_TEXT, fill, systemLocale } from '../../electron/native-text.ts';

describe('native text', () => {
  it('has every English phrase in Chinese too, translated', () => {
    const { en, zh } = NATIVE_TEXT;
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
    for (const k of Object.keys(en) as (keyof typeof en)[]) {
      expect(zh[k].trim(), k).not.toBe('');
      // Placeholders survive translation.
      expect(zh[k].match(/\{\w+\}/g)?.sort() ?? [], k).toEqual(en[k].match(/\{\w+\}/g)?.sort() ?? []);
    }
    expect(zh.file).toBe('文件');
    expect(zh.crashReports).toBe('显示崩溃报告');
  });

  it.each([
    [['zh-CN'], 'zh'],
    [['zh-TW', 'en-US'], 'zh'],
    [['en-GB', 'zh-CN'], 'en'],
    [['de'], 'en'],
    [[], 'en'],
  ] as const)('system languages %o start in %s', (preferred, locale) => {
    expect(systemLocale(preferred)).toBe(locale);
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(fill(NATIVE_TEXT.zh.saveChanges, { name: 'spiral.dlab' })).toBe('要保存对 spiral.dlab 的更改吗？');
    expect(fill('{a} {b}', { a: '1' })).toBe('1 {b}');
  });
});
