/**
 * The advisor's findings in the reader's language. The engine writes them in
 * English; each English sentence shape is a template in i18n/model.ts
 * (`model.advice.<field>.<rule>[.<variant>]`), so the engine's sentence is
 * matched against its rule's templates, the layer names and numbers are read
 * out of it, and the same key is filled in the current locale. A sentence no
 * template matches (a rule added later) shows as the engine wrote it.
 */
import model from '../../i18n/model.ts';
import { t } from '../../i18n/index.svelte.ts';

export type AdviceField = 'msg' | 'why' | 'fix';

const EN: Record<string, string> = model.en;
const compiled = new Map<string, { re: RegExp; names: string[] }>();

function pattern(key: string): { re: RegExp; names: string[] } {
  let c = compiled.get(key);
  if (!c) {
    const names: string[] = [];
    const parts = EN[key].split(/\{(\w+)\}/);
    const body = parts.map((part, i) => (i % 2 ? (names.push(part), '(.+?)') : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('');
    c = { re: new RegExp(`^${body}$`, 's'), names };
    compiled.set(key, c);
  }
  return c;
}

/** The template key and values an English sentence of `rule` was made from, or null. */
export function matchAdvice(field: AdviceField, rule: string, text: string): { key: string; vars: Record<string, string> } | null {
  const base = `model.advice.${field}.${rule}`;
  for (const key of Object.keys(EN)) {
    if (key !== base && !key.startsWith(`${base}.`)) continue;
    const { re, names } = pattern(key);
    const m = re.exec(text);
    if (m) return { key, vars: Object.fromEntries(names.map((n, i) => [n, m[i + 1]])) };
  }
  return null;
}

/** A value quoted from the engine: "layer 3" (an unnamed layer's path) is the only English in one. */
function localValue(v: string): string {
  const unnamed = /^layer (\S+)$/.exec(v);
  return unnamed ? t('model.advice.layer', { path: unnamed[1] }) : v;
}

/** `text` (one of a finding's English fields) in the current locale. */
export function adviceText(field: AdviceField, rule: string, text: string): string {
  const m = matchAdvice(field, rule, text);
  if (!m) return text;
  return t(m.key, Object.fromEntries(Object.entries(m.vars).map(([k, v]) => [k, localValue(v)])));
}

/** A rule's short title; an unknown rule shows its id. */
export function ruleTitle(rule: string): string {
  const key = `model.advice.rule.${rule}`;
  return key in EN ? t(key) : rule;
}
