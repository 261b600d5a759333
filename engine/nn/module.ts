/**
 * Modules as torch.nn.Module: parameters, buffers and children registered by
 * name, train()/eval() applied recursively, state_dict names with dots.
 */
import type { Tensor } from '../tensor/tensor.ts';
import { defaultGenerator, type Generator } from '../tensor/random.ts';
import { formatShape, sameShape } from '../tensor/shape.ts';

export abstract class Module {
  training = true;
  /** Where dropout-like children draw randomness; null means the default generator. */
  private generatorOverride: Generator | null = null;
  private parent: Module | null = null;
  protected readonly params = new Map<string, Tensor>();
  protected readonly buffers = new Map<string, Tensor>();
  protected readonly children = new Map<string, Module>();

  abstract forward(x: Tensor): Tensor;

  /**
   * A forward doing `prev`'s work and then this module's in one pass, where this module has one for that kind of
   * predecessor (same values and gradients). Sequential.forward runs such pairs fused; forwardTrace never does,
   * so every layer's output stays visible there.
   */
  fusedAfter(_prev: Module): ((x: Tensor) => Tensor) | null {
    return null;
  }

  /** A short description like torch's extra_repr, e.g. "in_features=4, out_features=2". */
  extraRepr(): string {
    return '';
  }

  protected registerParameter(name: string, t: Tensor): Tensor {
    t.requiresGrad = true;
    this.params.set(name, t);
    return t;
  }

  protected registerBuffer(name: string, t: Tensor): Tensor {
    this.buffers.set(name, t);
    return t;
  }

  addModule(name: string, m: Module): Module {
    if (this.children.has(name) || this.params.has(name)) throw new Error(`a child or parameter named '${name}' already exists`);
    m.parent = this;
    this.children.set(name, m);
    return m;
  }

  get generator(): Generator {
    return this.generatorOverride ?? this.parent?.generator ?? defaultGenerator;
  }

  /** Sets the random stream for this module and (unless they have their own) its descendants. */
  setGenerator(g: Generator | null): this {
    this.generatorOverride = g;
    return this;
  }

  train(mode = true): this {
    this.training = mode;
    for (const c of this.children.values()) c.train(mode);
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  namedChildren(): [string, Module][] {
    return [...this.children.entries()];
  }

  /** Every module below (and including) this one, with dotted names; the root is ''. */
  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [[prefix, this]];
    for (const [n, c] of this.children) out.push(...c.namedModules(prefix ? `${prefix}.${n}` : n));
    return out;
  }

  namedParameters(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [n, p] of this.params) out.push([prefix ? `${prefix}.${n}` : n, p]);
    for (const [n, c] of this.children) out.push(...c.namedParameters(prefix ? `${prefix}.${n}` : n));
    return out;
  }

  parameters(): Tensor[] {
    return this.namedParameters().map(([, p]) => p);
  }

  namedBuffers(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [n, b] of this.buffers) out.push([prefix ? `${prefix}.${n}` : n, b]);
    for (const [n, c] of this.children) out.push(...c.namedBuffers(prefix ? `${prefix}.${n}` : n));
    return out;
  }

  /** torch's order: a module's own parameters, then its buffers, then each child's. */
  stateDict(prefix = ''): Map<string, Tensor> {
    const out = new Map<string, Tensor>();
    for (const [n, p] of this.params) out.set(prefix ? `${prefix}.${n}` : n, p);
    for (const [n, b] of this.buffers) out.set(prefix ? `${prefix}.${n}` : n, b);
    for (const [n, c] of this.children) for (const [k, v] of c.stateDict(prefix ? `${prefix}.${n}` : n)) out.set(k, v);
    return out;
  }

  /**
   * Copies tensors in by name. Returns what did not fit; with strict (the default)
   * any mismatch throws with the whole report and nothing is changed.
   */
  loadStateDict(source: ReadonlyMap<string, { shape: readonly number[]; data: Float32Array }>, strict = true): StateDictReport {
    const own = this.stateDict();
    const report: StateDictReport = { missing: [], unexpected: [], wrongShape: [] };
    for (const [k, t] of own) {
      const s = source.get(k);
      if (!s) report.missing.push(k);
      else if (!sameShape(s.shape, t.shape)) report.wrongShape.push({ name: k, expected: [...t.shape], got: [...s.shape] });
    }
    for (const k of source.keys()) if (!own.has(k)) report.unexpected.push(k);
    const bad = report.missing.length + report.unexpected.length + report.wrongShape.length > 0;
    if (bad && strict) throw new Error(`state dict does not match the model: ${describeReport(report)}`);
    for (const [k, t] of own) {
      const s = source.get(k);
      if (s && sameShape(s.shape, t.shape)) t.data.set(s.data);
    }
    return report;
  }

  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = null;
  }

  parameterCount(): number {
    return this.parameters().reduce((n, p) => n + p.size, 0);
  }
}

export interface StateDictReport {
  missing: string[];
  unexpected: string[];
  wrongShape: { name: string; expected: number[]; got: number[] }[];
}

export function describeReport(r: StateDictReport): string {
  const parts: string[] = [];
  if (r.missing.length) parts.push(`missing ${r.missing.join(', ')}`);
  if (r.unexpected.length) parts.push(`unexpected ${r.unexpected.join(', ')}`);
  for (const w of r.wrongShape) parts.push(`${w.name} has shape ${formatShape(w.got)} but the model needs ${formatShape(w.expected)}`);
  return parts.join('; ');
}

/** Children run in insertion order; names are the spec's layer names or indices, as nn.Sequential. */
export class Sequential extends Module {
  constructor(layers: [string, Module][] = []) {
    super();
    for (const [n, m] of layers) this.addModule(n, m);
  }

  forward(x: Tensor): Tensor {
    const layers = [...this.children.values()];
    let h = x;
    for (let i = 0; i < layers.length; i++) {
      const fused = layers[i + 1]?.fusedAfter(layers[i]);
      if (fused) {
        h = fused(h);
        i++;
      } else h = layers[i].forward(h);
    }
    return h;
  }

  /** Runs the layers one by one, handing each output to `visit` (for activation views). */
  forwardTrace(x: Tensor, visit: (name: string, module: Module, output: Tensor) => void): Tensor {
    let h = x;
    for (const [n, m] of this.children) {
      h = m.forward(h);
      visit(n, m, h);
    }
    return h;
  }
}
