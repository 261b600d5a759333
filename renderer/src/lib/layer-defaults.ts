/**
 * What a new layer from the palette starts with: a unique name from the
 * catalog's name base and values for its required arguments that fit where it
 * lands, from the incoming shape in the last report and the layer's own
 * `insertDefaults` (Linear takes the previous output's last dimension, Conv2d
 * its channels, …), so a fresh insert usually validates at once.
 *
 * `insertDefaults` (and the card summary, layer-summary.ts) are code, which a
 * JSON catalog cannot carry, so the renderer calls them from the engine's layer
 * registry itself: the engine core imports no Node, Electron or DOM and is the
 * same build as the engine process, so the two cannot disagree.
 */
import { layerDef } from '../../../engine/nn/registry.ts';
import { nameBaseOf } from '../../../engine/nn/layer-palette.ts';
import type { ResultOf } from '../../../engine/protocol.ts';
import { BLOCK_KINDS, getList, uniqueName, type LayerPath, type LayerSpec, type ModelSpec } from './spec-edit.ts';

/** From the protocol, not engine.svelte.ts: engine tests import this file, and it must not pull in the DOM-side state. */
type Catalog = ResultOf<'catalog'>;
type SpecReport = ResultOf<'validate'>;
export type LayerInfo = Catalog['layers'][number];
export type ArgInfo = LayerInfo['args'][number];
export type LayerReport = SpecReport['layers'][number];

/** Palette entries for the blocks, which the engine validates but does not list in its catalog (they are not layer kinds). */
const BLOCK_NAMES: Record<(typeof BLOCK_KINDS)[number], string> = { Residual: 'res', Sequential: 'seq' };
export const BLOCK_INFOS: LayerInfo[] = BLOCK_KINDS.map((kind) => ({ kind, category: 'Blocks', nameBase: BLOCK_NAMES[kind], description: '', descriptionZh: '', traits: {}, args: [] }));

/** The shape flowing into position `index` of the list under `parent`, from the last report. */
export function shapeAt(spec: ModelSpec, report: SpecReport | null, parent: LayerPath, index: number): number[] | null {
  let reports = report?.layers ?? null;
  let input: number[] | null = spec.input_shape;
  for (const i of parent) {
    const r: LayerReport | undefined = reports?.[i];
    input = r?.inputShape ?? null;
    reports = r?.children ?? null;
  }
  if (index === 0) return input;
  return reports?.[index - 1]?.outputShape ?? null;
}

/** A value for a required argument nothing could be inferred for. */
function fallback(arg: ArgInfo): unknown {
  switch (arg.type) {
    case 'bool': return false;
    case 'enum': return arg.options?.[0] ?? '';
    case 'float': case 'float?': return arg.min ?? 0;
    case 'ints': return [1];
    default: return Math.max(1, arg.min ?? 1);
  }
}

/** A layer of `kind` as it comes from the palette onto `shape`, before names are made unique. */
function fresh(kind: string, shape: number[] | null): LayerSpec {
  const def = layerDef(kind)!;
  return { kind, name: nameBaseOf(def), ...def.insertDefaults?.(shape) };
}

/** Inner layers a new block starts with (a block may not be empty): Conv2d on feature maps, else Linear, then ReLU; both keep the shape, as Residual needs. */
function blockLayers(shape: number[] | null): LayerSpec[] {
  return [fresh(shape && shape.length === 3 ? 'Conv2d' : 'Linear', shape), fresh('ReLU', shape)];
}

/**
 * A new layer of `info.kind` for position `index` of the list under `parent`:
 * required arguments filled (inferred, else generic), optional ones left to
 * the engine's defaults, the name unique in that list.
 */
export function newLayer(info: LayerInfo, spec: ModelSpec, report: SpecReport | null, parent: LayerPath, index: number): LayerSpec {
  const shape = shapeAt(spec, report, parent, index);
  const taken = (getList(spec, parent) ?? []).map((l) => l.name);
  const layer: LayerSpec = { kind: info.kind, name: uniqueName(taken, info.nameBase) };
  if ((BLOCK_KINDS as readonly string[]).includes(info.kind)) {
    layer.layers = blockLayers(shape);
    return layer;
  }
  const guess: Record<string, unknown> = layerDef(info.kind)?.insertDefaults?.(shape) ?? {};
  // A dropout layer's rate is the knob the lab is about: written out, so the spec and the inspector show it.
  const rate = info.traits.stochastic?.rate;
  for (const arg of info.args) {
    if (arg.name in guess) layer[arg.name] = guess[arg.name];
    else if (arg.required) layer[arg.name] = fallback(arg);
    else if (arg.name === rate) layer[arg.name] = arg.default;
  }
  return layer;
}
