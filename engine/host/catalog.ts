/** The catalog request: what the engine offers (layer kinds with their arguments, datasets). */
import { PROTOCOL_VERSION, type ResultOf } from '../protocol.ts';
import { layerDefs } from '../nn/registry.ts';
import { nameBaseOf } from '../nn/layer-palette.ts';
import { DATASET_INFO } from '../data/catalog.ts';

export function catalog(backend: string): ResultOf<'catalog'> {
  return {
    protocol: PROTOCOL_VERSION,
    backend,
    layers: layerDefs().map((d) => ({
      kind: d.kind,
      category: d.category,
      nameBase: nameBaseOf(d),
      description: d.description,
      descriptionZh: d.descriptionZh,
      traits: d.traits ?? {},
      args: d.args.map((a) => ({ name: a.name, type: a.type, default: a.default, required: a.default === undefined, min: a.min, max: a.max, maxExclusive: a.maxExclusive, options: a.options ? [...a.options] : undefined, doc: a.doc, docZh: a.docZh })),
    })),
    datasets: DATASET_INFO.map((d) => ({ ...d })),
  };
}
