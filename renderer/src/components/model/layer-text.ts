/**
 * A layer kind's description and argument docs in the current language. Each
 * layer declares both languages beside its arguments (engine/nn/layer-def.ts)
 * and the catalog carries them; blocks are not layer kinds, so their text is ours.
 */
import { i18n, t } from '../../i18n/index.svelte.ts';
import type { ArgInfo, LayerInfo } from '../../lib/layer-defaults.ts';

/** A layer kind's one-line description. */
export function layerAbout(info: Pick<LayerInfo, 'kind' | 'category' | 'description' | 'descriptionZh'>): string {
  if (info.category === 'Blocks') return t(`model.block.${info.kind}`);
  return i18n.locale === 'zh' ? info.descriptionZh : info.description;
}

/** An argument's help text. */
export function argDoc(arg: Pick<ArgInfo, 'doc' | 'docZh'>): string {
  return i18n.locale === 'zh' ? arg.docZh : arg.doc;
}
