/**
 * Layer texts in both languages: every registered kind declares its
 * description and every argument's doc in English and 简体中文 beside its
 * arguments, the catalog carries both, and the Model view shows the one for the
 * chosen language (the counterpart of i18n.test.ts for texts kept in the engine).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { catalog } from '../../engine/host/catalog.ts';
import { i18n } from '../../renderer/src/i18n/index.svelte.ts';
import { argDoc, layerAbout } from '../../renderer/src/components/model/layer-text.ts';
import { BLOCK_INFOS } from '../../renderer/src/lib/layer-defaults.ts';

const layers = catalog('js').layers;
const han = /\p{Script=Han}/u;
/** Argument names and other snake_case identifiers a text refers to: a translation keeps them as they are. */
const identifiers = (s: string) => (s.match(/\b[a-z]+(?:_[a-z]+)+\b/g) ?? []).sort();

describe('layer texts in English and Chinese', () => {
  afterEach(() => i18n.set('en'));

  it.each(layers.map((l) => [l.kind, l] as const))('%s has a Chinese description and a Chinese doc for every argument', (_kind, l) => {
    for (const [en, zh, what] of [[l.description, l.descriptionZh, 'description'] as const, ...l.args.map((a) => [a.doc, a.docZh, a.name] as const)]) {
      expect(zh, what).toMatch(han);
      expect(zh, what).not.toBe(en);
      expect(identifiers(zh), what).toEqual(identifiers(en));
    }
  });

  it('shows the chosen language from the catalog', () => {
    const dropout = layers.find((l) => l.kind === 'Dropout')!;
    const p = dropout.args.find((a) => a.name === 'p')!;
    i18n.set('zh');
    expect(layerAbout(dropout)).toBe('训练时以概率 p 将每个激活置零，保留下来的乘以 1/(1−p)；评估时为恒等映射。');
    expect(argDoc(p)).toBe('将一个元素置零的概率（常用 0.3–0.5）。');
    i18n.set('en');
    expect(layerAbout(dropout)).toBe('Zeroes each activation with probability p while training, scaling survivors by 1/(1−p); identity in eval.');
    expect(argDoc(p)).toBe('Probability of zeroing an element (0.3–0.5 is common).');
  });

  it('describes the blocks, which are not layer kinds, from the model strings', () => {
    const residual = BLOCK_INFOS.find((b) => b.kind === 'Residual')!;
    i18n.set('zh');
    expect(layerAbout(residual)).toBe('残差连接：把块的输入加到其内部各层的输出上（y = x + f(x)）。');
  });
});
