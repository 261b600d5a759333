/**
 * A layer's traits agree with what it builds: a kind is `stochastic` exactly
 * when its module draws noise (a StochasticModule), and the trait's rate is the
 * argument the module's rate knob mirrors. A new dropout kind that forgets its
 * trait, which the advisor, the sweep and ONNX export read, fails here.
 */
import { describe, expect, it } from 'vitest';
import { buildModel, type LayerReport, type LayerSpec } from '../../../engine/nn/spec.ts';
import { layerKinds, traitsOf } from '../../../engine/nn/registry.ts';
import { StochasticModule } from '../../../engine/nn/stochastic.ts';
import { EVERY_KIND_IMAGE, EVERY_KIND_TOKENS } from '../../export/specs.ts';

function pairs(layers: readonly LayerSpec[], reports: readonly LayerReport[]): [LayerSpec, LayerReport][] {
  return layers.flatMap((l, i): [LayerSpec, LayerReport][] => [[l, reports[i]], ...pairs(l.layers ?? [], reports[i].children ?? [])]);
}

describe('layer traits', () => {
  it('stochastic exactly when the built module draws noise, with the rate argument its knob mirrors', () => {
    const seen = new Set<string>();
    for (const spec of [EVERY_KIND_IMAGE, EVERY_KIND_TOKENS]) {
      const { model, report } = buildModel(spec);
      const modules = new Map(model.namedModules());
      for (const [layer, r] of pairs(spec.layers, report.layers)) {
        const module = modules.get(r.path);
        const trait = traitsOf(layer.kind).stochastic;
        seen.add(layer.kind);
        expect(module instanceof StochasticModule, `${layer.kind}: stochastic trait`).toBe(!!trait);
        if (module instanceof StochasticModule) expect(module.rateName, `${layer.kind}: rate argument`).toBe(trait?.rate);
      }
    }
    expect(layerKinds().filter((k) => !seen.has(k))).toEqual([]);
  });

  it('only stochastic kinds are sweepable, and their rate is an argument they declare', () => {
    for (const kind of layerKinds()) {
      const t = traitsOf(kind);
      if (t.activation) expect(t.stochastic, kind).toBeUndefined();
      if (t.stochastic?.sweepable) expect(t.stochastic.rate, kind).toMatch(/^(p|rate)$/); // a drop probability, as a sweep's p values are
    }
  });
});
