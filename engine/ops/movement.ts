/** Shape and data movement: reshape, permute, expand, slice, concat, pad, gather, index_select. */
import { Tensor } from '../tensor/tensor.ts';
import { broadcastIndex, broadcastShapes, formatShape, normAxis, numel, sameShape, stridedIndex, stridesOf, type Shape } from '../tensor/shape.ts';
import { unbroadcast } from './elementwise.ts';
import { emptyData, floatData } from '../tensor/storage.ts';

/** A view with a new shape; one dimension may be -1. Shares data (tensors are contiguous). */
export function reshape(x: Tensor, shape: Shape): Tensor {
  const resolved = [...shape];
  const unknown = resolved.indexOf(-1);
  if (unknown >= 0) {
    const known = resolved.reduce((p, d, i) => (i === unknown ? p : p * d), 1);
    resolved[unknown] = known === 0 ? 0 : x.size / known;
  }
  if (numel(resolved) !== x.size || resolved.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new RangeError(`cannot reshape ${formatShape(x.shape)} (${x.size} elements) into ${formatShape(shape)}`);
  }
  return Tensor.fromOp('reshape', x.data, resolved, [x], (g) => [g]);
}

export function flatten(x: Tensor, startDim = 1, endDim = -1): Tensor {
  if (x.rank === 0) return reshape(x, [1]);
  const s = normAxis(startDim, x.rank);
  const e = normAxis(endDim, x.rank);
  if (s > e) throw new RangeError(`flatten: start_dim ${startDim} comes after end_dim ${endDim}`);
  const shape = [...x.shape.slice(0, s), numel(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)];
  return reshape(x, shape);
}

function permuteData(data: Float32Array, shape: readonly number[], dims: readonly number[]): Float32Array {
  const inStrides = stridesOf(shape);
  const src = stridedIndex(dims.map((d) => shape[d]), dims.map((d) => inStrides[d]));
  const out = emptyData(data.length);
  for (let i = 0; i < out.length; i++) out[i] = data[src[i]];
  return out;
}

/** torch.permute (materialised: every tensor is contiguous). */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  const norm = dims.map((d) => normAxis(d, x.rank));
  if (norm.length !== x.rank || new Set(norm).size !== x.rank) throw new RangeError(`permute: ${formatShape(dims)} is not a permutation of ${x.rank} dimensions`);
  const shape = norm.map((d) => x.shape[d]);
  const inverse = new Array<number>(x.rank);
  norm.forEach((d, i) => (inverse[d] = i));
  return Tensor.fromOp('permute', permuteData(x.data, x.shape, norm), shape, [x], (g) => [permuteData(g, shape, inverse)]);
}

export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  const dims = [...x.shape.keys()];
  const a = normAxis(dim0, x.rank);
  const b = normAxis(dim1, x.rank);
  [dims[a], dims[b]] = [dims[b], dims[a]];
  return permute(x, dims);
}

/** torch.expand: broadcast to a larger shape (materialised). */
export function expand(x: Tensor, shape: Shape): Tensor {
  const target = shape.map((d, i) => (d === -1 ? x.shape[i - (shape.length - x.rank)] : d));
  if (!sameShape(broadcastShapes(x.shape, target), target)) throw new RangeError(`cannot expand ${formatShape(x.shape)} to ${formatShape(shape)}`);
  const idx = broadcastIndex(x.shape, target);
  const out = floatData(idx.length);
  for (let i = 0; i < out.length; i++) out[i] = x.data[idx[i]];
  return Tensor.fromOp('expand', out, target, [x], (g) => [unbroadcast(g, target, x.shape)]);
}

/** x.narrow(dim, start, end - start). */
export function slice(x: Tensor, dim: number, start: number, end: number): Tensor {
  const ax = normAxis(dim, x.rank);
  const len = x.shape[ax];
  if (!(0 <= start && start <= end && end <= len)) throw new RangeError(`slice [${start}, ${end}) out of range for dimension ${dim} of size ${len}`);
  const outer = numel(x.shape.slice(0, ax));
  const inner = numel(x.shape.slice(ax + 1));
  const w = end - start;
  const shape = x.shape.map((d, i) => (i === ax ? w : d));
  const out = floatData(outer * w * inner);
  for (let o = 0; o < outer; o++) out.set(x.data.subarray((o * len + start) * inner, (o * len + end) * inner), o * w * inner);
  return Tensor.fromOp('slice', out, shape, [x], (g) => {
    const gx = floatData(x.size);
    for (let o = 0; o < outer; o++) gx.set(g.subarray(o * w * inner, (o + 1) * w * inner), (o * len + start) * inner);
    return [gx];
  });
}

/** torch.cat along one dimension. */
export function concat(xs: readonly Tensor[], dim: number): Tensor {
  if (xs.length === 0) throw new RangeError('concat needs at least one tensor');
  const ax = normAxis(dim, xs[0].rank);
  for (const t of xs) {
    if (t.rank !== xs[0].rank || t.shape.some((d, i) => i !== ax && d !== xs[0].shape[i])) {
      throw new RangeError(`concat: shapes ${xs.map((q) => formatShape(q.shape)).join(', ')} differ outside dimension ${dim}`);
    }
  }
  const outer = numel(xs[0].shape.slice(0, ax));
  const inner = numel(xs[0].shape.slice(ax + 1));
  const lens = xs.map((t) => t.shape[ax]);
  const total = lens.reduce((a, b) => a + b, 0);
  const shape = xs[0].shape.map((d, i) => (i === ax ? total : d));
  const out = floatData(outer * total * inner);
  let off = 0;
  xs.forEach((t, k) => {
    for (let o = 0; o < outer; o++) out.set(t.data.subarray(o * lens[k] * inner, (o + 1) * lens[k] * inner), (o * total + off) * inner);
    off += lens[k];
  });
  return Tensor.fromOp('concat', out, shape, xs, (g) => {
    let start = 0;
    return xs.map((t, k) => {
      const gx = floatData(t.size);
      for (let o = 0; o < outer; o++) gx.set(g.subarray((o * total + start) * inner, (o * total + start + lens[k]) * inner), o * lens[k] * inner);
      start += lens[k];
      return gx;
    });
  });
}

/** F.pad(x, [left, right, top, bottom]) with zeros on the last two dimensions. */
export function pad2d(x: Tensor, padding: readonly [number, number, number, number]): Tensor {
  const [l, r, t, b] = padding;
  const H = x.shape[x.rank - 2];
  const W = x.shape[x.rank - 1];
  const Ho = H + t + b;
  const Wo = W + l + r;
  const planes = x.size / (H * W);
  const shape = [...x.shape.slice(0, -2), Ho, Wo];
  const out = floatData(planes * Ho * Wo);
  for (let p = 0; p < planes; p++) {
    for (let y = 0; y < H; y++) out.set(x.data.subarray((p * H + y) * W, (p * H + y + 1) * W), (p * Ho + y + t) * Wo + l);
  }
  return Tensor.fromOp('pad2d', out, shape, [x], (g) => {
    const gx = floatData(x.size);
    for (let p = 0; p < planes; p++) {
      for (let y = 0; y < H; y++) gx.set(g.subarray((p * Ho + y + t) * Wo + l, (p * Ho + y + t) * Wo + l + W), (p * H + y) * W);
    }
    return [gx];
  });
}

/** torch.gather(x, dim, index): index has x's rank; out[..i..] = x[..index[..i..]..] along dim. */
export function gather(x: Tensor, dim: number, index: Int32Array, indexShape: Shape): Tensor {
  const ax = normAxis(dim, x.rank);
  if (indexShape.length !== x.rank) throw new RangeError(`gather: index rank ${indexShape.length} differs from input rank ${x.rank}`);
  const xs = stridesOf(x.shape);
  const is = stridesOf(indexShape);
  const n = numel(indexShape);
  const src = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let rem = i;
    let off = 0;
    for (let d = 0; d < indexShape.length; d++) {
      const c = Math.floor(rem / is[d]);
      rem -= c * is[d];
      const coord = d === ax ? index[i] : c;
      if (d === ax && (coord < 0 || coord >= x.shape[ax])) throw new RangeError(`gather: index ${coord} out of range for dimension ${dim} of size ${x.shape[ax]}`);
      off += coord * xs[d];
    }
    src[i] = off;
  }
  const out = floatData(n);
  for (let i = 0; i < n; i++) out[i] = x.data[src[i]];
  return Tensor.fromOp('gather', out, indexShape, [x], (g) => {
    const gx = floatData(x.size);
    for (let i = 0; i < n; i++) gx[src[i]] += g[i];
    return [gx];
  });
}

/** torch.index_select(x, dim, index): whole slices picked (and repeated) along dim. */
export function indexSelect(x: Tensor, dim: number, index: Int32Array): Tensor {
  const ax = normAxis(dim, x.rank);
  const len = x.shape[ax];
  const outer = numel(x.shape.slice(0, ax));
  const inner = numel(x.shape.slice(ax + 1));
  const k = index.length;
  for (const i of index) if (i < 0 || i >= len) throw new RangeError(`index_select: index ${i} out of range for dimension ${dim} of size ${len}`);
  const shape = x.shape.map((d, i) => (i === ax ? k : d));
  const out = floatData(outer * k * inner);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < k; j++) out.set(x.data.subarray((o * len + index[j]) * inner, (o * len + index[j] + 1) * inner), (o * k + j) * inner);
  }
  return Tensor.fromOp('index_select', out, shape, [x], (g) => {
    const gx = floatData(x.size);
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < k; j++) {
        const dst = (o * len + index[j]) * inner;
        const s = (o * k + j) * inner;
        for (let q = 0; q < inner; q++) gx[dst + q] += g[s + q];
      }
    }
    return [gx];
  });
}
