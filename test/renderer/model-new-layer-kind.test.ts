/**
 * The renderer's side of test/engine/nn/new-layer-kind.test.ts: throwaway
 * kinds added only to a fixture registry are listed in the palette under their
 * category, with their description and argument docs in the chosen language.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { catalog } from '../../engine/host/catalog.ts';
import { i18n } from '../../renderer/src/i18n/index.svelte.ts';
import { argDoc, layerAbout } from '../../renderer/src/components/model/layer-text.ts';
import { groupByCategory } from '../../renderer/src/lib/group-layers.ts';

vi.mock('../../engine/nn/registry.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../engine/nn/registry.ts')>();
  const { JitterDropLayer, WiggleLayer } = await import('../engine/nn/fixtures/throwaway-layers.ts');
  return { ...real, ...real.registryOf([...real.layerDefs(), JitterDropLayer, WiggleLayer]) };
});

describe('a layer kind added only to the registry, in the palette and inspector', () => {
  afterEach(() => i18n.set('en'));
  const layers = catalog('js').layers;
  const wiggle = layers.find((l) => l.kind === 'Wiggle')!;

  it('is listed under its category', () => {
    const groups = groupByCategory(layers);
    expect(groups.find((g) => g.category === 'Activation')?.items.map((l) => l.kind)).toContain('Wiggle');
    expect(groups.find((g) => g.category === 'Dropout family')?.items.map((l) => l.kind)).toContain('JitterDrop');
  });

  it('describes itself and its arguments in Chinese and in English', () => {
    i18n.set('zh');
    expect(layerAbout(wiggle)).toBe('测试用的临时激活函数。');
    expect(argDoc(wiggle.args[0])).toBe('摆动的幅度。');
    i18n.set('en');
    expect(layerAbout(wiggle)).toBe('A throwaway activation for tests.');
    expect(argDoc(wiggle.args[0])).toBe('How far it wiggles.');
  });
});
