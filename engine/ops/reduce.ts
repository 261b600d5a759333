/** Reductions over chosen axes: sum (the primitive), mean (composed), max along one axis. */
import { Tensor } from '../tensor/tensor.ts';
import { normAxis, numel, stridedIndex, stridesOf } from '../tensor/shape.ts';
import { affine } from './elementwise.ts';
import { emptyData, floatData } from '../tensor/storage.ts';
import { kernels } from '../kernels/registry.ts';

/** The kept shape (reduced axes → 1) and strides that send every input cell to its output cell. */
function reducePlan(shape: readonly number[], axes: number[]) {
  const rank = shape.length;
  const isReduced = new Array<boolean>(rank).fill(false);
  for (const a of axes) isReduced[a] = true;
  const keptShape = shape.map((d, i) => (isReduced[i] ? 1 : d));
  const outStrides = stridesOf(keptShape).map((s, i) => (isReduced[i] ? 0 : s));
  return { keptShape, outStrides };
}

function resolveAxes(rank: number, dim: number | number[] | null | undefined): number[] {
  if (dim === null || dim === undefined) return [...Array(rank).keys()];
  const list = Array.isArray(dim) ? dim : [dim];
  return [...new Set(list.map((d) => normAxis(d, rank)))].sort((a, b) => a - b);
}

/** torch.sum(x, dim, keepdim). */
export function sum(x: Tensor, dim: number | number[] | null = null, keepdim = false): Tensor {
  const axes = resolveAxes(x.rank, dim);
  const { keptShape, outStrides } = reducePlan(x.shape, axes);
  const outShape = keepdim ? keptShape : x.shape.filter((_, i) => !axes.includes(i));
  const xd = x.data;
  if (axes.length === 0 || axes[axes.length - 1] - axes[0] === axes.length - 1) {
    // Adjacent axes (the usual case): x is [outer, len, inner], no index map.
    const outer = numel(x.shape.slice(0, axes[0] ?? 0));
    const inner = numel(x.shape.slice((axes[axes.length - 1] ?? -1) + 1));
    const len = axes.length === 0 ? 1 : xd.length / (outer * inner);
    const out = sumMiddle(xd, outer, len, inner);
    return Tensor.fromOp('sum', out, outShape, [x], (g) => {
      // g broadcast back over the summed axis: each outer block is len copies of g's row, written by doubling.
      const gx = emptyData(xd.length);
      const block = len * inner;
      for (let o = 0; o < outer && block > 0; o++) {
        const base = o * block;
        gx.set(g.subarray(o * inner, (o + 1) * inner), base);
        for (let done = inner; done < block; done *= 2) gx.copyWithin(base + done, base, base + Math.min(done, block - done));
      }
      return [gx];
    });
  }
  const acc = new Float64Array(numel(keptShape));
  // Map each input element to its output slot with an odometer over the input shape.
  const map = stridedIndex(x.shape, outStrides); // outStrides is 0 on reduced axes
  for (let i = 0; i < xd.length; i++) acc[map[i]] += xd[i];
  const out = Float32Array.from(acc);
  return Tensor.fromOp('sum', out, outShape, [x], (g) => {
    const gx = floatData(xd.length);
    for (let i = 0; i < gx.length; i++) gx[i] = g[map[i]];
    return [gx];
  });
}

/** Sums of x viewed as [outer, len, inner] over the middle axis, in float64 and element order. */
function sumMiddle(x: Float32Array, outer: number, len: number, inner: number): Float32Array {
  const out = floatData(outer * inner);
  if (inner === 1) {
    for (let o = 0; o < outer; o++) {
      let s = 0;
      for (let i = o * len, e = i + len; i < e; i++) s += x[i];
      out[o] = s;
    }
    return out;
  }
  // Per outer index, the column sums of a [len, inner] block: one kernel call for all of them.
  kernels().columnSums(x, inner, out);
  return out;
}

export function mean(x: Tensor, dim: number | number[] | null = null, keepdim = false): Tensor {
  const axes = resolveAxes(x.rank, dim);
  const count = axes.reduce((c, a) => c * x.shape[a], 1);
  return affine(sum(x, axes, keepdim), 1 / count);
}

/** torch.max(x, dim, keepdim).values; the gradient goes to the first maximum, as torch's indices do. */
export function max(x: Tensor, dim: number, keepdim = false): Tensor {
  const ax = normAxis(dim, x.rank);
  const outer = numel(x.shape.slice(0, ax));
  const len = x.shape[ax];
  const inner = numel(x.shape.slice(ax + 1));
  const outShape = keepdim ? x.shape.map((d, i) => (i === ax ? 1 : d)) : x.shape.filter((_, i) => i !== ax);
  const out = floatData(outer * inner);
  const arg = new Int32Array(outer * inner);
  const xd = x.data;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      let best = -Infinity;
      let bi = 0;
      for (let k = 0; k < len; k++) {
        const v = xd[(o * len + k) * inner + j];
        if (v > best || Number.isNaN(v)) {
          best = v;
          bi = k;
          if (Number.isNaN(v)) break;
        }
      }
      out[o * inner + j] = best;
      arg[o * inner + j] = (o * len + bi) * inner + j;
    }
  }
  return Tensor.fromOp('max', out, outShape, [x], (g) => {
    const gx = floatData(xd.length);
    for (let i = 0; i < g.length; i++) gx[arg[i]] += g[i];
    return [gx];
  });
}

/** Index of the maximum along the last axis, per row (no gradient). */
export function argmaxLast(x: Tensor): Int32Array {
  const len = x.shape[x.rank - 1];
  const rows = x.size / len;
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = -Infinity;
    let bi = 0;
    for (let k = 0; k < len; k++) {
      const v = x.data[r * len + k];
      if (v > best) {
        best = v;
        bi = k;
      }
    }
    out[r] = bi;
  }
  return out;
}
