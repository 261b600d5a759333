/**
 * The float32 tensor and reverse-mode autograd, in micrograd's shape: every op
 * builds its output with `fromOp`, stating its parents and its own backward;
 * `backward()` is a topological sort and a reverse walk.
 */
import { isGradEnabled } from './grad-mode.ts';
import { formatShape, numel, type Shape } from './shape.ts';
import { emptyData, stepCopy, stepTake } from './storage.ts';
import { kernels } from '../kernels/registry.ts';

/** Given the gradient of the output, returns one gradient per parent (null where none flows). */
export type BackwardFn = (gradOut: Float32Array) => (Float32Array | null)[];

export interface GradNode {
  readonly op: string;
  readonly parents: readonly Tensor[];
  readonly backward: BackwardFn;
}

export class Tensor {
  readonly shape: readonly number[];
  /** Always C-contiguous; optimizers update parameters in place. */
  data: Float32Array;
  grad: Tensor | null = null;
  requiresGrad: boolean;
  /** The op that made this tensor; null for leaves and after backward. Internal to autograd. */
  node: GradNode | null;

  constructor(data: Float32Array, shape: Shape, requiresGrad = false) {
    const n = numel(shape);
    if (data.length !== n) throw new RangeError(`data of length ${data.length} does not fit shape ${formatShape(shape)} (${n} elements)`);
    this.data = data;
    this.shape = Object.freeze([...shape]);
    this.requiresGrad = requiresGrad;
    this.node = null;
  }

  /** The result of an op: records its graph node when a parent needs a gradient. */
  static fromOp(op: string, data: Float32Array, shape: Shape, parents: readonly Tensor[], backward: BackwardFn): Tensor {
    const t = new Tensor(data, shape);
    if (isGradEnabled() && parents.some((p) => p.requiresGrad)) {
      t.requiresGrad = true;
      t.node = { op, parents, backward };
    }
    return t;
  }

  get size(): number {
    return this.data.length;
  }

  get rank(): number {
    return this.shape.length;
  }

  get isLeaf(): boolean {
    return this.node === null;
  }

  get op(): string | null {
    return this.node?.op ?? null;
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.data.length !== 1) throw new RangeError(`item() needs a one-element tensor, got shape ${formatShape(this.shape)}`);
    return this.data[0];
  }

  /** A graph-free tensor sharing this one's data, like torch's detach(). */
  detach(): Tensor {
    return new Tensor(this.data, this.shape);
  }

  clone(): Tensor {
    return new Tensor(this.data.slice(), this.shape, this.requiresGrad);
  }

  toArray(): number[] {
    return Array.from(this.data);
  }

  toString(): string {
    return `Tensor(shape=${formatShape(this.shape)}${this.requiresGrad ? ', requiresGrad' : ''})`;
  }

  /**
   * Accumulates d(this)/d(leaf) into every leaf's `.grad`. A scalar gets a seed of 1;
   * otherwise pass the upstream gradient (as torch's `y.backward(g)`).
   * The graph is released afterwards, as torch does without retain_graph.
   */
  backward(gradOutput?: Tensor | Float32Array): void {
    if (!this.requiresGrad) throw new Error('backward() on a tensor that does not require grad');
    let seed: Float32Array;
    if (gradOutput === undefined) {
      if (this.size !== 1) throw new Error(`backward() without a gradient needs a scalar, got shape ${formatShape(this.shape)}`);
      seed = new Float32Array([1]);
    } else {
      seed = gradOutput instanceof Tensor ? gradOutput.data : gradOutput;
      if (seed.length !== this.size) throw new RangeError(`gradient of length ${seed.length} does not match shape ${formatShape(this.shape)}`);
    }

    const order = topoSort(this);
    const grads = new Map<Tensor, Float32Array>([[this, seed]]);
    // Backward rules may hand the same array to several parents, so a sum never goes into a shared array.
    // How many gradient slots each array was handed to (the seed is the caller's: never taken). A rule's result
    // handed to one slot only is that slot's alone: a sum may go into it, and a leaf can keep it as its .grad.
    const handedOut = new Map<Float32Array, number>([[seed, 2]]);
    for (let i = order.length - 1; i >= 0; i--) {
      const t = order[i];
      const g = grads.get(t);
      if (g === undefined) continue;
      grads.delete(t);
      const node = t.node;
      if (node === null) {
        accumulateLeaf(t, g, handedOut.get(g) === 1);
        continue;
      }
      const parentGrads = node.backward(g);
      const parents = node.parents;
      for (let k = 0; k < parents.length; k++) {
        const pg = parentGrads[k];
        if (pg != null && parents[k].requiresGrad) handedOut.set(pg, (handedOut.get(pg) ?? 0) + 1);
      }
      for (let k = 0; k < parents.length; k++) {
        const p = parents[k];
        const pg = parentGrads[k];
        if (pg == null || !p.requiresGrad) continue;
        const prev = grads.get(p);
        if (prev === undefined) {
          grads.set(p, pg);
          continue;
        }
        // The sum goes in place into whichever side no other gradient shares (a sum made earlier, or e.g. a residual
        // branch's gradient, which the skip connection's g joins): no new array.
        const mine = handedOut.get(prev) === 1 ? prev : handedOut.get(pg) === 1 ? pg : null;
        if (mine) {
          kernels().addArrays(prev, pg, mine);
          grads.set(p, mine);
          continue;
        }
        // Else into a new array (step memory in a step), this slot's alone, which later contributions add into.
        const acc = emptyData(prev.length);
        kernels().addArrays(prev, pg, acc);
        handedOut.set(acc, 1);
        grads.set(p, acc);
      }
      t.node = null;
    }
  }
}

/** `exclusive`: no other gradient shares g, so .grad may be g itself. */
function accumulateLeaf(t: Tensor, g: Float32Array, exclusive: boolean): void {
  // Else a copy: g may be shared with other gradients. In a step scope .grad is reset when the step ends (it is in step memory).
  if (t.grad === null) t.grad = new Tensor((exclusive ? stepTake : stepCopy)(g, () => (t.grad = null)), t.shape);
  else kernels().addArrays(t.grad.data, g, t.grad.data);
}

function topoSort(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  // Iterative DFS: deep models would overflow a recursive walk.
  const stack: [Tensor, number][] = [[root, 0]];
  seen.add(root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const [t, k] = top;
    const parents = t.node?.parents ?? [];
    if (k < parents.length) {
      top[1]++;
      const p = parents[k];
      if (p.requiresGrad && !seen.has(p)) {
        seen.add(p);
        stack.push([p, 0]);
      }
    } else {
      order.push(t);
      stack.pop();
    }
  }
  return order;
}

// ---------- creation ----------

export function tensor(values: ArrayLike<number> | number, shape?: Shape, requiresGrad = false): Tensor {
  if (typeof values === 'number') return new Tensor(new Float32Array([values]), shape ?? [], requiresGrad);
  const data = Float32Array.from(values);
  return new Tensor(data, shape ?? [data.length], requiresGrad);
}

export function zeros(shape: Shape, requiresGrad = false): Tensor {
  return new Tensor(new Float32Array(numel(shape)), shape, requiresGrad);
}

export function ones(shape: Shape, requiresGrad = false): Tensor {
  return full(shape, 1, requiresGrad);
}

export function full(shape: Shape, value: number, requiresGrad = false): Tensor {
  return new Tensor(new Float32Array(numel(shape)).fill(value), shape, requiresGrad);
}

export function scalar(value: number): Tensor {
  return new Tensor(new Float32Array([value]), []);
}
