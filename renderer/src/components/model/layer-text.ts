/**
 * The engine's layer descriptions and argument docs in the current language.
 * The catalog words them in English; `i18n/model.ts` holds each text under
 * `model.layer.<Kind>.about` and `model.arg.<Kind>.<arg>` (or `model.arg.<arg>`
 * when many kinds share the doc), with an English entry equal to the engine's
 * text. A translation is used only while that English entry still matches the
 * engine, so a reworded engine text shows in English rather than a stale
 * translation (test/renderer/model-layer-text.test.ts names the strings to update).
 */
import model from '../../i18n/model.ts';
import { t, tOr } from '../../i18n/index.svelte.ts';
import type { LayerInfo } from '../../lib/layer-defaults.ts';

const en: Record<string, string> = model.en;

export function layerAboutKey(kind: string): string {
  return `model.layer.${kind}.about`;
}

/** The kind-specific key if there is one, else the shared one. */
export function argDocKey(kind: string, arg: string): string {
  const own = `model.arg.${kind}.${arg}`;
  return own in en ? own : `model.arg.${arg}`;
}

function translated(key: string, english: string): string {
  return en[key] === english ? tOr(key, english) : english;
}

/** A layer kind's one-line description (blocks have no engine text, only ours). */
export function layerAbout(info: Pick<LayerInfo, 'kind' | 'category' | 'description'>): string {
  if (info.category === 'Blocks') return t(`model.block.${info.kind}`);
  return translated(layerAboutKey(info.kind), info.description);
}

/** An argument's help text. */
export function argDoc(kind: string, arg: { name: string; doc: string }): string {
  return translated(argDocKey(kind, arg.name), arg.doc);
}
