/**
 * Models described by data. A spec is an input shape (one sample, no batch) and
 * a list of layers `{kind, name?, ...torch arguments}`; a block
 * `{kind: "Residual" | "Sequential", name?, layers: [...]}` holds a list of its
 * own (engine/nn/layers/blocks.ts), nested as deep as wanted. Validation checks
 * every argument against its kind's declaration and infers each layer's output
 * shape and parameter count; problems name the layer, with the path of blocks
 * leading to it ("layer 2 'res1' › layer 0 (Linear) expects …"), and say how
 * to fix them.
 */
import { Generator } from '../tensor/random.ts';
import { Args, LayerError, type ArgSpec, type ArgValue, type LayerDef, type ShapeInfo } from './layer-def.ts';
import { Sequential, type Module } from './module.ts';
import { layerDef, layerKinds } from './registry.ts';
import { blockDef, blockDefs } from './layers/blocks.ts';
import { formatShape, sameShape } from '../tensor/shape.ts';
import { checkSchedule } from './dropout-schedule.ts';

export interface LayerSpec {
  kind: string;
  name?: string;
  /** A block's (Residual, Sequential) inner layers. */
  layers?: LayerSpec[];
  [arg: string]: unknown;
}

export interface ModelSpec {
  input_shape: number[];
  layers: LayerSpec[];
}

export interface LayerReport {
  /** Position in its list (the model's, or its block's). */
  index: number;
  /** The name in its list: the spec's name, or the index as nn.Sequential does. */
  name: string;
  /** The full state_dict prefix, e.g. "res1.0" for a block's first layer. */
  path: string;
  kind: string;
  inputShape: number[] | null;
  outputShape: number[] | null;
  /** A block's count is the sum of its layers'. */
  paramCount: number;
  error: string | null;
  /** A block's inner layers. */
  children?: LayerReport[];
}

export interface SpecReport {
  ok: boolean;
  /** The top-level layers; blocks hold theirs in `children`. */
  layers: LayerReport[];
  outputShape: number[] | null;
  totalParams: number;
  /** Every problem as a full sentence naming its layer. */
  errors: string[];
}

export class SpecError extends Error {
  constructor(readonly report: SpecReport) {
    super(report.errors.join('\n'));
    this.name = 'SpecError';
  }
}

const RESERVED = new Set(['kind', 'name']);
const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isIntArray(v: unknown): v is number[] {
  return Array.isArray(v) && v.every((x) => Number.isInteger(x));
}

/** Edit distance, for "did you mean" hints. */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
    }
  }
  return d[a.length][b.length];
}

export function closest(word: string, options: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = Infinity;
  for (const o of options) {
    const dd = distance(word, o);
    if (dd < bestD) {
      bestD = dd;
      best = o;
    }
  }
  return best !== null && bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : null;
}

function checkValue(spec: ArgSpec, v: unknown): string | null {
  const range = (x: number): string | null => {
    if (spec.min !== undefined && x < spec.min) return `must be ≥ ${spec.min}, got ${x}`;
    if (spec.max !== undefined && (spec.maxExclusive ? x >= spec.max : x > spec.max)) return `must be ${spec.maxExclusive ? '<' : '≤'} ${spec.max}, got ${x}`;
    return null;
  };
  const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
  switch (spec.type) {
    case 'int':
      return Number.isInteger(v) ? range(v as number) : `must be an integer, got ${JSON.stringify(v)}`;
    case 'int?':
      return v === null ? null : Number.isInteger(v) ? range(v as number) : `must be an integer or null, got ${JSON.stringify(v)}`;
    case 'float':
      return isNum(v) ? range(v) : `must be a number, got ${JSON.stringify(v)}`;
    case 'float?':
      return v === null ? null : isNum(v) ? range(v) : `must be a number or null, got ${JSON.stringify(v)}`;
    case 'bool':
      return typeof v === 'boolean' ? null : `must be true or false, got ${JSON.stringify(v)}`;
    case 'enum':
      return typeof v === 'string' && spec.options?.includes(v) ? null : `must be one of ${spec.options?.map((o) => `'${o}'`).join(', ')}, got ${JSON.stringify(v)}`;
    case 'ints':
      return isIntArray(v) || Number.isInteger(v) ? null : `must be a list of integers, got ${JSON.stringify(v)}`;
    case 'pair':
    case 'pair?': {
      if (v === null && spec.type === 'pair?') return null;
      if (Number.isInteger(v)) return range(v as number);
      if (isIntArray(v) && v.length === 2) return range(v[0]) ?? range(v[1]);
      return `must be an integer or a pair [height, width], got ${JSON.stringify(v)}`;
    }
    case 'schedule':
      return checkSchedule(v, spec);
  }
}

/** Checks a layer's arguments against its declaration; returns resolved Args or the problems. */
export function resolveArgs(def: LayerDef, layer: Record<string, unknown>): { args: Args | null; problems: string[] } {
  const problems: string[] = [];
  const values: Record<string, ArgValue> = {};
  const known = def.args.map((a) => a.name);
  for (const key of Object.keys(layer)) {
    if (RESERVED.has(key) || known.includes(key)) continue;
    const hint = closest(key, known);
    problems.push(`unknown argument '${key}'${hint ? `; did you mean '${hint}'?` : known.length ? ` (${def.kind} takes ${known.join(', ')})` : ` (${def.kind} takes no arguments)`}`);
  }
  for (const spec of def.args) {
    const v = layer[spec.name] === undefined ? spec.default : layer[spec.name];
    if (v === undefined) {
      problems.push(`missing required argument '${spec.name}' (${spec.doc.replace(/\.$/, '').toLowerCase()})`);
      continue;
    }
    const bad = checkValue(spec, v);
    if (bad) problems.push(`${spec.name} ${bad}`);
    else values[spec.name] = v as ArgValue;
  }
  return { args: problems.length ? null : new Args(values), problems };
}

function label(index: number, name: string | undefined, kind: string): string {
  return `layer ${index}${name !== undefined ? ` '${name}'` : ''} (${kind})`;
}

/** The path segment a block adds in front of its inner layers' messages: "layer 2 'res1' › ". */
function blockPrefix(index: number, name: string | undefined, kind: string): string {
  return `${name !== undefined ? `layer ${index} '${name}'` : label(index, undefined, kind)} › `;
}

interface ListResult {
  layers: LayerReport[];
  output: ShapeInfo | null;
  params: number;
}

/**
 * Checks one list of layers (the model's, or a block's) from `input`; every
 * problem goes to `errors` as a sentence prefixed with the path to its list.
 */
function checkLayers(raws: readonly unknown[], input: ShapeInfo | null, prefix: string, pathName: string, errors: string[]): ListResult {
  const layers: LayerReport[] = [];
  let current: ShapeInfo | null = input;
  let total = 0;
  const seen = new Set<string>();
  raws.forEach((raw: unknown, index: number) => {
    const report: LayerReport = { index, name: String(index), path: '', kind: '?', inputShape: current ? [...current.shape] : null, outputShape: null, paramCount: 0, error: null };
    layers.push(report);
    const given = isRecord(raw) && typeof raw.name === 'string' ? raw.name : undefined;
    const problem = (msg: string) => {
      report.error = msg;
      errors.push(`${prefix}${label(index, given, report.kind)} ${msg}`);
      current = null;
    };
    if (!isRecord(raw) || typeof raw.kind !== 'string') {
      problem('must be an object with a "kind"');
      return;
    }
    report.kind = raw.kind;
    if (raw.name !== undefined) {
      if (typeof raw.name !== 'string' || !NAME_RE.test(raw.name)) {
        problem(`has name ${JSON.stringify(raw.name)}, which is not a valid identifier; use letters, digits and _`);
        return;
      }
      report.name = raw.name;
    }
    report.path = pathName ? `${pathName}.${report.name}` : report.name;
    if (seen.has(report.name)) {
      problem(`reuses the name '${report.name}'; give each layer a unique name`);
      return;
    }
    seen.add(report.name);
    const block = blockDef(raw.kind);
    if (block) {
      const extra = Object.keys(raw).filter((k) => !RESERVED.has(k) && k !== 'layers');
      if (extra.length) {
        problem(`has unknown argument${extra.length > 1 ? 's' : ''} ${extra.map((k) => `'${k}'`).join(', ')}; a ${block.kind} block takes only name and layers`);
        return;
      }
      if (!Array.isArray(raw.layers) || raw.layers.length === 0) {
        problem('needs "layers": a non-empty list of the layers inside the block');
        return;
      }
      const inner = checkLayers(raw.layers, current, prefix + blockPrefix(index, given, raw.kind), report.path, errors);
      report.children = inner.layers;
      report.paramCount = inner.params;
      total += inner.params;
      if (current === null || inner.output === null) {
        current = null;
        return;
      }
      if (block.keepsShape && !sameShape(inner.output.shape, current.shape)) {
        const want = current.shape;
        // The culprit: the last inner layer that leaves the input shape, never to return to it.
        let j = inner.layers.length - 1;
        while (j > 0 && !sameShape(inner.layers[j].inputShape ?? [], want)) j--;
        const c = inner.layers[j];
        problem(
          `adds its input ${formatShape(want)} to its layers' output ${formatShape(inner.output.shape)}, but ${label(c.index, raw.layers[j]?.name as string | undefined, c.kind)} changes the shape to ${formatShape(c.outputShape ?? [])}; the layers of a Residual block must keep the shape ${formatShape(want)}`,
        );
        return;
      }
      report.outputShape = [...inner.output.shape];
      current = inner.output;
      return;
    }
    const def = layerDef(raw.kind);
    if (!def) {
      const hint = closest(raw.kind, [...layerKinds(), ...blockDefs().map((b) => b.kind)]);
      problem(`has unknown kind '${raw.kind}'${hint ? `; did you mean '${hint}'?` : ''}`);
      return;
    }
    const { args, problems } = resolveArgs(def, raw);
    if (!args) {
      problem(problems.join('; '));
      return;
    }
    try {
      const shapes = def.paramShapes ? def.paramShapes(args, current ?? { shape: [] }) : {};
      report.paramCount = Object.values(shapes).reduce((n, s) => n + s.reduce((p, d) => p * d, 1), 0);
      total += report.paramCount;
      if (current === null) return; // an earlier layer failed: no shape to infer from
      const out: ShapeInfo = def.infer(args, current);
      report.outputShape = [...out.shape];
      current = out;
    } catch (e) {
      if (e instanceof LayerError) problem(e.message);
      else throw e;
    }
  });
  return { layers, output: current, params: total };
}

/** Validates a spec of unknown provenance (a file, a message) and infers every shape it can. */
export function validateSpec(spec: unknown): SpecReport {
  const fail = (msg: string): SpecReport => ({ ok: false, layers: [], outputShape: null, totalParams: 0, errors: [msg] });
  if (!isRecord(spec)) return fail('the model spec must be an object with input_shape and layers');
  const inputShape = spec.input_shape;
  if (!isIntArray(inputShape) || inputShape.length === 0 || inputShape.some((d) => d < 1)) {
    return fail(`input_shape must be a non-empty list of positive integers (one sample, no batch), got ${JSON.stringify(inputShape)}`);
  }
  if (!Array.isArray(spec.layers)) return fail('layers must be a list');
  const errors: string[] = [];
  const { layers, output, params } = checkLayers(spec.layers, { shape: [...inputShape] }, '', '', errors);
  return { ok: errors.length === 0, layers, outputShape: output === null ? null : [...output.shape], totalParams: params, errors };
}

export interface BuiltModel {
  model: Sequential;
  report: SpecReport;
}

/** Builds a validated spec into modules; parameters are drawn from a generator seeded with `seed`. */
export function buildModel(spec: unknown, { seed = 0, generator }: { seed?: number; generator?: Generator } = {}): BuiltModel {
  const report = validateSpec(spec);
  if (!report.ok) throw new SpecError(report);
  const gen = generator ?? new Generator(seed);
  const s = spec as ModelSpec; // validated above
  const model = new Sequential(buildLayers(s.layers, report.layers, { shape: [...s.input_shape] }, gen).children);
  return { model, report };
}

/** Modules for one validated list, in order, drawing parameters from `gen` depth first. */
function buildLayers(specs: readonly LayerSpec[], reports: readonly LayerReport[], input: ShapeInfo, gen: Generator): { children: [string, Module][]; output: ShapeInfo } {
  let current = input;
  const children = specs.map((layer, i): [string, Module] => {
    const block = blockDef(layer.kind);
    if (block) {
      const inner = buildLayers(layer.layers as LayerSpec[], reports[i].children ?? [], current, gen);
      current = inner.output;
      return [reports[i].name, block.build(inner.children)];
    }
    const def = layerDef(layer.kind) as LayerDef;
    const { args } = resolveArgs(def, layer);
    const m = def.build(args as Args, current, gen);
    current = def.infer(args as Args, current);
    return [reports[i].name, m];
  });
  return { children, output: current };
}
