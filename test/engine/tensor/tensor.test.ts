/**
 * Autograd's leaf gradients (engine/tensor/tensor.ts): a leaf may keep a rule's
 * result as its .grad instead of a copy, but only when no other gradient shares
 * that array. Each case changes one .grad in place (as gradient clipping does)
 * and checks that nothing else moved.
 */
import { describe, expect, it } from 'vitest';
import { add, linear, mul, reshape, sum, tensor, Tensor } from '../../../engine/index.ts';

const values = (t: Tensor | null) => Array.from(t?.data ?? []);

describe('leaf gradients never share an array', () => {
  it('add(x, y) hands one array to both leaves: each .grad is its own', () => {
    const x = tensor([1, 2], [2], true), y = tensor([3, 4], [2], true);
    add(x, y).backward(tensor([5, 6], [2]));
    x.grad!.data[0] = 100;
    expect(values(x.grad)).toEqual([100, 6]);
    expect(values(y.grad)).toEqual([5, 6]);
  });

  it("a pass-through to a leaf does not make the caller's seed its .grad", () => {
    const x = tensor([1, 2, 3, 4], [4], true);
    const seed = Float32Array.from([1, 2, 3, 4]);
    reshape(x, [2, 2]).backward(seed);
    x.grad!.data[0] = 100;
    expect(Array.from(seed)).toEqual([1, 2, 3, 4]);
  });

  it('a rule result that also flows elsewhere is copied for the leaf', () => {
    // z = x + (x·w): the add hands g to the leaf x and to the product; x's two contributions are summed.
    const x = tensor([1, 2], [2], true), w = tensor([3, 4], [2], true);
    const g = Float32Array.from([1, 1]);
    add(x, mul(x, w)).backward(g);
    expect(values(x.grad)).toEqual([4, 5]);
    expect(values(w.grad)).toEqual([1, 2]);
    w.grad!.data[0] = 100;
    expect(values(x.grad)).toEqual([4, 5]);
    expect(Array.from(g)).toEqual([1, 1]);
  });

  it("a sum into one parent's gradient leaves the other parents of the same array alone", () => {
    // A rule handing one new array to two parents; x already holds the skip connection's gradient.
    const both = (a: Tensor, b: Tensor) => Tensor.fromOp('both', Float32Array.from(a.data, (v, i) => v + b.data[i]), a.shape, [a, b], (g) => {
      const d = Float32Array.from(g, (v) => 2 * v);
      return [d, d];
    });
    const x = tensor([1, 2], [2], true), w = tensor([3, 4], [2], true);
    add(both(x, w), x).backward(tensor([1, 10], [2]));
    expect(values(x.grad)).toEqual([3, 30]);
    expect(values(w.grad)).toEqual([2, 20]);
  });

  it('a second backward adds into a kept .grad', () => {
    const x = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    const w = tensor([1, 0, 1, 0, 1, 0], [2, 3], true), b = tensor([0, 0], [2], true);
    for (let i = 0; i < 2; i++) sum(linear(x, w, b)).backward();
    // d/dw Σ (x·wᵀ + b) = the column sums of x for each output row; d/db = the batch size. Twice.
    expect(values(w.grad)).toEqual([10, 14, 18, 10, 14, 18]);
    expect(values(b.grad)).toEqual([4, 4]);
  });
});
