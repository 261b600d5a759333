/**
 * English and 简体中文, switchable at run time. Each area of the UI keeps its
 * strings in its own file (`i18n/<area>.ts`, `{ en: {...}, zh: {...} }`);
 * `t(key, vars)` looks the key up in the current locale, falling back to
 * English, and fills `{name}` placeholders. Reading `t` inside markup makes
 * the markup follow the locale, because the locale is reactive state.
 */
import common from './common.ts';
import model from './model.ts';
import data from './data.ts';
import train from './train.ts';
import modes from './modes.ts';
import results from './results.ts';
import experiments from './experiments.ts';
import type { Preferences } from '../host/preferences.ts';

export const LOCALES = ['en', 'zh'] as const;
export type Locale = (typeof LOCALES)[number];
export type Messages = { en: Record<string, string>; zh: Record<string, string> };

export const AREAS: Record<string, Messages> = { common, model, data, train, modes, results, experiments };

const table: Record<Locale, Map<string, string>> = { en: new Map(), zh: new Map() };
for (const area of Object.values(AREAS)) {
  for (const l of LOCALES) for (const [k, v] of Object.entries(area[l])) table[l].set(k, v);
}

function isLocale(v: string | null): v is Locale {
  return v === 'en' || v === 'zh';
}

class I18n {
  locale = $state<Locale>(globalThis.navigator?.language?.toLowerCase().startsWith('zh') ? 'zh' : 'en');
  private preferences: Preferences | null = null;

  /** Takes the language chosen in an earlier session, and keeps later choices there. */
  restore(preferences: Preferences): void {
    this.preferences = preferences;
    const saved = preferences.read('locale');
    if (isLocale(saved)) this.set(saved);
  }

  set(l: Locale): void {
    this.locale = l;
    this.preferences?.save('locale', l);
    if (globalThis.document) document.documentElement.lang = l === 'zh' ? 'zh-CN' : 'en';
  }
}

export const i18n = new I18n();

export function format(text: string, vars?: Record<string, string | number>): string {
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

/** The text for `key` in the current locale; a missing key shows itself, so gaps are visible. */
export function t(key: string, vars?: Record<string, string | number>): string {
  return format(table[i18n.locale].get(key) ?? table.en.get(key) ?? key, vars);
}

/** Numbers in the current locale's digits and separators. */
export function num(x: number, digits?: number): string {
  return x.toLocaleString(i18n.locale === 'zh' ? 'zh-CN' : 'en', digits === undefined ? undefined : { minimumFractionDigits: digits, maximumFractionDigits: digits });
}
