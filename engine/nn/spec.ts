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
import { BATCH_THAT_FITS, BYTES_PER_PARAMETER, bytesText, count, modelBudget } from './budget.ts';

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

/** Longest layer kind, layer name or argument name a spec may use; the longest real one is 30. */
export const MAX_NAME_LENGTH = 100;
/** "Did you mean" compares only words this short: its table grows with the product of the lengths. */
const HINT_MAX_LENGTH = 40;

/** Case-insensitive edit distance, for "did you mean" hints; two rows, so memory is O(|b|). */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}

export function closest(word: string, options: readonly string[]): string | null {
  if (word.length > HINT_MAX_LENGTH) return null;
  let best: string | null = null;
  let bestD = Infinity;
  for (const o of options) {
    if (o.length > HINT_MAX_LENGTH) continue;
    const dd = distance(word, o);
    if (dd < bestD) {
      bestD = dd;
      best = o;
    }
  }
  return best !== null && bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : null;
}

/** A value as a message shows it: JSON cut short, so a megabyte of input never becomes a megabyte of message. */
export function shown(v: unknown, max = 60): string {
  if (typeof v === 'string' && v.length > max) return `${JSON.stringify(v.slice(0, max))}… (${count(v.length)} characters)`;
  const text = JSON.stringify(v) ?? String(v);
  return text.length > max ? `${text.slice(0, max)}… (${count(text.length)} characters)` : text;
}

/** A name in quotes, or the start of an over-long one. */
function quoted(name: string): string {
  return name.length > MAX_NAME_LENGTH ? shown(name, 20) : `'${name}'`;
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
      return Number.isInteger(v) ? range(v as number) : `must be an integer, got ${shown(v)}`;
    case 'int?':
      return v === null ? null : Number.isInteger(v) ? range(v as number) : `must be an integer or null, got ${shown(v)}`;
    case 'float':
      return isNum(v) ? range(v) : `must be a number, got ${shown(v)}`;
    case 'float?':
      return v === null ? null : isNum(v) ? range(v) : `must be a number or null, got ${shown(v)}`;
    case 'bool':
      return typeof v === 'boolean' ? null : `must be true or false, got ${shown(v)}`;
    case 'enum':
      return typeof v === 'string' && spec.options?.includes(v) ? null : `must be one of ${spec.options?.map((o) => `'${o}'`).join(', ')}, got ${shown(v)}`;
    case 'ints':
      return isIntArray(v) || Number.isInteger(v) ? null : `must be a list of integers, got ${shown(v)}`;
    case 'pair':
    case 'pair?': {
      if (v === null && spec.type === 'pair?') return null;
      if (Number.isInteger(v)) return range(v as number);
      if (isIntArray(v) && v.length === 2) return range(v[0]) ?? range(v[1]);
      return `must be an integer or a pair [height, width], got ${shown(v)}`;
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
  const unknown = Object.keys(layer).filter((key) => !RESERVED.has(key) && !known.includes(key));
  for (const key of unknown.slice(0, 5)) {
    const hint = closest(key, known);
    problems.push(`unknown argument ${quoted(key)}${hint ? `; did you mean '${hint}'?` : known.length ? ` (${def.kind} takes ${known.join(', ')})` : ` (${def.kind} takes no arguments)`}`);
  }
  if (unknown.length > 5) problems.push(`and ${count(unknown.length - 5)} more unknown arguments`);
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

/** What the layers checked so far hold: parameters, and float32 values of one sample's input and outputs. */
interface Tally {
  params: number;
  activations: number;
}

const valuesIn = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Adds a layer to the tally; says so when this layer takes the model over the machine's budget (engine/nn/budget.ts). */
function overBudget(tally: Tally, params: number, values: number): string | null {
  const b = modelBudget();
  const before = { ...tally };
  tally.params += params;
  tally.activations += values;
  if (before.params <= b.params && tally.params > b.params) {
    return `has ${count(params)} parameters, which bring the model to ${count(tally.params)}: more than the ${count(b.params)} this machine can train (${bytesText(b.bytes)} at ${BYTES_PER_PARAMETER} bytes a parameter); make the layer smaller`;
  }
  if (before.activations <= b.activations && tally.activations > b.activations) {
    return `outputs ${count(values)} values per sample, which bring one sample's activations to ${count(tally.activations)}: more than the ${count(b.activations)} this machine allows (a batch of ${BATCH_THAT_FITS} in ${bytesText(b.bytes)}); make its output smaller`;
  }
  return null;
}

/**
 * Checks one list of layers (the model's, or a block's) from `input`; every
 * problem goes to `errors` as a sentence prefixed with the path to its list.
 */
function checkLayers(raws: readonly unknown[], input: ShapeInfo | null, prefix: string, pathName: string, errors: string[], tally: Tally): ListResult {
  const layers: LayerReport[] = [];
  let current: ShapeInfo | null = input;
  let total = 0;
  const seen = new Set<string>();
  raws.forEach((raw: unknown, index: number) => {
    const report: LayerReport = { index, name: String(index), path: '', kind: '?', inputShape: current ? [...current.shape] : null, outputShape: null, paramCount: 0, error: null };
    layers.push(report);
    const given = isRecord(raw) && typeof raw.name === 'string' && raw.name.length <= MAX_NAME_LENGTH ? raw.name : undefined;
    const problem = (msg: string) => {
      report.error = msg;
      errors.push(`${prefix}${label(index, given, report.kind)} ${msg}`);
      current = null;
    };
    if (!isRecord(raw) || typeof raw.kind !== 'string') {
      problem('must be an object with a "kind"');
      return;
    }
    if (raw.kind.length > MAX_NAME_LENGTH) {
      report.kind = `${raw.kind.slice(0, 20)}…`;
      problem(`has a kind of ${count(raw.kind.length)} characters; a layer kind is at most ${MAX_NAME_LENGTH} (e.g. 'Linear'): choose one from the palette`);
      return;
    }
    report.kind = raw.kind;
    if (raw.name !== undefined) {
      if (typeof raw.name === 'string' && raw.name.length > MAX_NAME_LENGTH) {
        problem(`has a name of ${count(raw.name.length)} characters; a name is at most ${MAX_NAME_LENGTH}`);
        return;
      }
      if (typeof raw.name !== 'string' || !NAME_RE.test(raw.name)) {
        problem(`has name ${shown(raw.name)}, which is not a valid identifier; use letters, digits and _`);
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
        problem(`has unknown argument${extra.length > 1 ? 's' : ''} ${extra.slice(0, 5).map(quoted).join(', ')}${extra.length > 5 ? ` and ${count(extra.length - 5)} more` : ''}; a ${block.kind} block takes only name and layers`);
        return;
      }
      if (!Array.isArray(raw.layers) || raw.layers.length === 0) {
        problem('needs "layers": a non-empty list of the layers inside the block');
        return;
      }
      const inner = checkLayers(raw.layers, current, prefix + blockPrefix(index, given, raw.kind), report.path, errors, tally);
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
      // After an earlier layer failed there is no shape to infer from.
      const out: ShapeInfo | null = current === null ? null : def.infer(args, current);
      if (out) {
        report.outputShape = [...out.shape];
        current = out;
      }
      const over = overBudget(tally, report.paramCount, out ? valuesIn(out.shape) : 0);
      if (over) {
        // Reported, but later layers still get their shapes.
        report.error = over;
        errors.push(`${prefix}${label(index, given, report.kind)} ${over}`);
      }
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
    return fail(`input_shape must be a non-empty list of positive integers (one sample, no batch), got ${shown(inputShape)}`);
  }
  const budget = modelBudget();
  if (valuesIn(inputShape) > budget.activations) {
    return fail(`input_shape ${formatShape(inputShape)} holds ${count(valuesIn(inputShape))} values per sample: more than the ${count(budget.activations)} this machine allows (a batch of ${BATCH_THAT_FITS} in ${bytesText(budget.bytes)}); use smaller samples`);
  }
  if (!Array.isArray(spec.layers)) return fail('layers must be a list');
  const errors: string[] = [];
  const { layers, output, params } = checkLayers(spec.layers, { shape: [...inputShape] }, '', '', errors, { params: 0, activations: valuesIn(inputShape) });
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
