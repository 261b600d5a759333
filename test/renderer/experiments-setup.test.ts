import { describe, expect, it } from 'vitest';
import { DEFAULT_P, PLACEMENT_CHOICES, parsePList, runCount, settingsCount, sweepableLayers, toPlan, type SweepForm } from '../../renderer/src/lib/sweep-setup.ts';
import { DEFAULT_P as ENGINE_P, PLACEMENTS, SweepPlanSchema } from '../../engine/experiments/sweep-plan.ts';
import { expandSweep, sweepRate } from '../../engine/experiments/sweep.ts';
import { catalog as engineCatalog } from '../../engine/host/catalog.ts';
import { defaultSettings } from '../../engine/train/settings.ts';
import type { Catalog } from '../../renderer/src/lib/engine.svelte.ts';
import type { ModelSpec } from '../../renderer/src/lib/project.svelte.ts';

// The engine's own catalog reply, as the renderer receives it.
const catalog: Catalog = engineCatalog('js');

const mlp: ModelSpec = {
  input_shape: [2],
  layers: [
    { kind: 'Linear', name: 'fc1', in_features: 2, out_features: 16 }, { kind: 'ReLU' }, { kind: 'Dropout', name: 'drop1', p: 0.2 },
    { kind: 'Residual', name: 'res', layers: [{ kind: 'Linear', in_features: 16, out_features: 16 }, { kind: 'Dropout', name: 'inner', p: 0.1 }] },
    { kind: 'DropConnect', name: 'dc', in_features: 16, out_features: 16, p: 0.1 },
    { kind: 'Linear', name: 'out', in_features: 16, out_features: 2 },
  ],
};

const form = (f: Partial<SweepForm>): SweepForm => ({ vary: 'layers', layers: ['drop1'], tie: 'tied', placements: [], p: [0, 0.3, 0.6], seeds: 2, epochs: null, ...f });

describe('the p list', () => {
  it.each([
    ['0, 0.1, .3', [0, 0.1, 0.3]],
    ['0.5 0.3,0.5', [0.3, 0.5]],
    ['0，0.2、0.4', [0, 0.2, 0.4]],
    ['  0.25  ', [0.25]],
  ])('reads “%s”', (text, values) => {
    expect(parsePList(text)).toEqual({ values, error: null });
  });

  it.each([
    ['', { key: 'empty' }],
    ['0, abc', { key: 'number', item: 'abc' }],
    ['0, 1', { key: 'range', item: '1' }],
    ['-0.1', { key: 'number', item: '-0.1' }],
    ['0x1', { key: 'number', item: '0x1' }],
    [Array.from({ length: 33 }, (_, i) => i / 100).join(','), { key: 'many', max: 32 }],
  ])('refuses “%s”', (text, error) => {
    expect(parsePList(text).error).toEqual(error);
  });

  it('defaults to the engine’s 0 … 0.7', () => {
    expect(DEFAULT_P).toEqual(ENGINE_P);
    expect([...PLACEMENT_CHOICES].sort()).toEqual([...PLACEMENTS].sort());
  });
});

describe('the plan', () => {
  it('lists the layers the engine can sweep, by the path it resolves', () => {
    const layers = sweepableLayers(mlp, catalog);
    expect(layers.map((l) => [l.name, l.rate])).toEqual([['drop1', 0.2], ['res.inner', 0.1]]);
    // A kind the renderer has never heard of is offered by its traits, through its own rate argument.
    const jitter = { kind: 'JitterDrop', category: 'Dropout family', nameBase: 'jitter_drop', description: '', descriptionZh: '', traits: { stochastic: { rate: 'q', sweepable: true } }, args: [{ name: 'q', type: 'float', default: 0.25, required: false, doc: '', docZh: '' }] };
    const withJitter: Catalog = { ...catalog, layers: [...catalog.layers, jitter] };
    expect(sweepableLayers({ input_shape: [4], layers: [{ kind: 'JitterDrop', name: 'j' }] }, withJitter)).toMatchObject([{ name: 'j', rateName: 'q', rate: 0.25 }]);
    // The renderer reads the catalog's traits: every dropout-family kind is judged as the engine judges it.
    for (const l of catalog.layers.filter((c) => c.category === 'Dropout family')) {
      const spec: ModelSpec = { input_shape: [4, 8, 8], layers: [{ kind: l.kind, name: 'x' }] };
      expect(sweepableLayers(spec, catalog).length, l.kind).toBe(sweepRate(l.kind) ? 1 : 0);
    }
  });

  it.each([
    [form({}), 3],
    [form({ layers: ['drop1', 'res.inner'], tie: 'tied' }), 3],
    [form({ layers: ['drop1', 'res.inner'], tie: 'independent' }), 9],
    [form({ layers: [] }), 0],
    [form({ vary: 'placements', placements: ['after-linear', 'none'] }), 4],
    [form({ vary: 'placements', placements: [] }), 0],
  ])('counts settings as the engine expands them (%#)', (f, settings) => {
    expect(settingsCount(f)).toBe(settings);
    expect(runCount(f)).toBe(settings * f.seeds);
    if (settings > 0) expect(expandSweep(mlp as never, defaultSettings(), toPlan(f))).toHaveLength(settings * f.seeds);
  });

  it('builds a plan the schema accepts, with seeds 0 … n−1 and the epoch override', () => {
    const plan = SweepPlanSchema.parse(toPlan(form({ seeds: 3, epochs: 40 })));
    expect(plan).toMatchObject({ layers: ['drop1'], tie: 'tied', p: [0, 0.3, 0.6], placements: [], seeds: [0, 1, 2], epochs: 40 });
    expect(SweepPlanSchema.parse(toPlan(form({ vary: 'placements', placements: ['none'] })))).not.toHaveProperty('epochs');
  });
});
