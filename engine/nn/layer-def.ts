/**
 * What a layer kind declares about itself. One object per kind, in one file;
 * the registry collects them and everything else (building, validation, shape
 * inference, palette, inspector, export) reads these declarations.
 */
import type { Generator } from '../tensor/random.ts';
import type { DropoutSchedule } from './dropout-schedule.ts';
import type { Module } from './module.ts';
import type { OnnxGraph } from '../export/onnx/graph.ts';

export type Category = 'Core' | 'Activation' | 'Convolution' | 'Pooling' | 'Normalization' | 'Dropout family' | 'Attention & sequence' | 'Blocks';

export type ArgValue = number | boolean | string | null | number[] | DropoutSchedule;

export type ArgType =
  | 'int' // integer
  | 'float'
  | 'bool'
  | 'pair' // int or [int, int], as torch's _pair
  | 'enum' // one of `options`
  | 'ints' // list of integers
  | 'pair?' // pair or null (e.g. pooling stride defaulting to kernel_size)
  | 'int?' // integer or null
  | 'float?'
  | 'schedule'; // a DropoutSchedule or null; min/max bound its rates (engine/nn/dropout-schedule.ts)

export interface ArgSpec {
  /** The torch constructor argument name. */
  name: string;
  type: ArgType;
  /** Omitted means required. */
  default?: ArgValue;
  min?: number;
  max?: number;
  /** `max` itself is not allowed (e.g. dropout p < 1 where torch would divide by zero). */
  maxExclusive?: boolean;
  options?: readonly string[];
  doc: string;
  /** `doc` in 简体中文 (the renderer shows the one for the chosen language). */
  docZh: string;
}

/** torch's `inplace` flag (activations, dropouts): accepted so imported specs load; results never alias here. */
export const inplaceArg: ArgSpec = { name: 'inplace', type: 'bool', default: false, doc: 'Accepted for PyTorch compatibility; has no effect.', docZh: '仅为兼容 PyTorch 而保留；不起任何作用。' };

/** A per-sample shape (no batch dimension); `origin` explains a flattened size, e.g. "64×7×7". */
export interface ShapeInfo {
  shape: number[];
  origin?: string;
}

/** A user-facing problem with one layer: what is wrong and how to fix it. */
export class LayerError extends Error {
  constructor(message: string, readonly fix?: string) {
    super(fix ? `${message}; ${fix}` : message);
    this.name = 'LayerError';
  }
}

/** Validated arguments with typed getters (validation happened against the ArgSpecs). */
export class Args {
  constructor(readonly values: Readonly<Record<string, ArgValue>>) {}

  int(name: string): number {
    return this.num(name);
  }

  float(name: string): number {
    return this.num(name);
  }

  bool(name: string): boolean {
    const v = this.values[name];
    if (typeof v !== 'boolean') throw new Error(`argument '${name}' is not a boolean`);
    return v;
  }

  str(name: string): string {
    const v = this.values[name];
    if (typeof v !== 'string') throw new Error(`argument '${name}' is not a string`);
    return v;
  }

  pair(name: string): [number, number] {
    const v = this.values[name];
    if (typeof v === 'number') return [v, v];
    if (Array.isArray(v) && v.length === 2) return [v[0], v[1]];
    throw new Error(`argument '${name}' is not an int or a pair`);
  }

  pairOrNull(name: string): [number, number] | null {
    return this.values[name] === null ? null : this.pair(name);
  }

  ints(name: string): number[] {
    const v = this.values[name];
    if (Array.isArray(v)) return v;
    if (typeof v === 'number') return [v];
    throw new Error(`argument '${name}' is not a list of integers`);
  }

  schedule(name: string): DropoutSchedule | null {
    const v = this.values[name];
    return v === null || v === undefined ? null : (v as DropoutSchedule);
  }

  optionalNum(name: string): number | null {
    const v = this.values[name];
    return v === null ? null : this.num(name);
  }

  private num(name: string): number {
    const v = this.values[name];
    if (typeof v !== 'number') throw new Error(`argument '${name}' is not a number`);
    return v;
  }
}

/** A layer that draws noise while training (and is the identity in eval, unless it lowers otherwise). */
export interface StochasticTrait {
  /** The argument holding its rate: p, rate or stddev. */
  rate: string;
  /** A dropout on activations whose rate is a drop probability: the advisor places it, a sweep sets its rate. */
  sweepable?: boolean;
  /** The article's 0.1–0.5 advice applies to its rate. */
  conventionalRate?: boolean;
  /** Drops single elements, so on feature maps channel dropout (Dropout2d) fits better. */
  elementwise?: boolean;
  /** Made for SELU networks; without SELU, this plain kind replaces it. */
  seluOnly?: { plain: string };
}

/** Per-kind facts the advisor, the sweep, the exporters and the renderer read instead of keeping kind lists. */
export interface LayerTraits {
  stochastic?: StochasticTrait;
  /** An element-wise non-linearity (ReLU, GELU, …): it belongs to the layer before it. */
  activation?: boolean;
  /** Leaves the meaning of what flows through alone (Softmax, Identity, Flatten): a dropout followed only by these and activations sits on the output. */
  shapePassive?: boolean;
}

/** What a layer's ONNX lowering gets (shared pieces in export/onnx/layers.ts). */
export interface OnnxLayerContext {
  g: OnnxGraph;
  /** The layer's state_dict prefix, e.g. "fc1". */
  name: string;
  args: Args;
  /** Per-sample input and output shapes (the batch dimension is dynamic). */
  input: ShapeInfo;
  output: ShapeInfo;
  /** A tensor of this layer by its state_dict suffix ("weight"), or null if the layer has none. */
  tensor(suffix: string): { shape: number[]; data: Float32Array } | null;
}

/** One layer's eval-mode graph: adds its nodes after tensor `x` and returns the name of its output. */
export type OnnxLower = (c: OnnxLayerContext, x: string) => string;

export interface LayerDef {
  kind: string;
  category: Category;
  traits?: LayerTraits;
  /** One line for the palette. */
  description: string;
  /** `description` in 简体中文. */
  descriptionZh: string;
  args: readonly ArgSpec[];
  /** Output shape for one sample; throws LayerError for inputs it cannot take. */
  infer(a: Args, input: ShapeInfo): ShapeInfo;
  /** Parameter shapes by state_dict name, for counts without allocating. */
  paramShapes?(a: Args, input: ShapeInfo): Record<string, number[]>;
  /** A module with torch's default initialisation drawn from `gen`. */
  build(a: Args, input: ShapeInfo, gen: Generator): Module;
  /** The PyTorch constructor expression, e.g. "nn.Linear(784, 128)". */
  torch(a: Args, input: ShapeInfo): string;
  /**
   * Python source of the module `torch` names when neither torch nor torchvision
   * has it (imports torch, nn, F, math); the exporter emits it once per file.
   */
  torchSource?: string;
  /**
   * Its eval-mode graph in ONNX opset 17 (shared pieces in export/onnx/layers.ts).
   * A stochastic kind without one is the identity there, as in eval mode; any
   * other kind without one cannot be exported to ONNX, and the export says so.
   */
  onnx?: OnnxLower;
  /** The start of a new layer's name in the editor (fc → fc, fc_2); default: the kind in snake_case. */
  nameBase?: string;
  /**
   * Argument values that fit the per-sample shape flowing in (null while it is
   * unknown), so a layer fresh from the palette validates at once (helpers in layer-palette.ts).
   */
  insertDefaults?(input: readonly number[] | null): Record<string, ArgValue>;
  /** The card's one line about the arguments (spec values over defaults), e.g. "784 → 128"; default: the rate of a stochastic layer. */
  summary?(v: Readonly<Record<string, unknown>>): string;
}

export function defineLayer(def: LayerDef): LayerDef {
  return def;
}
