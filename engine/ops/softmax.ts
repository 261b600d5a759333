/**
 * softmax and log_softmax along one dimension, each one primitive (as torch's
 * own kernels) rather than six composed ops: they end every classifier, so
 * their per-op overhead counts on small models. Rows are shifted by their max,
 * which leaves the result unchanged and keeps exp finite; a NaN poisons its row.
 * Backward: softmax dx = y ⊙ (g − Σ g·y); log_softmax dx = g − eʸ·Σ g.
 */
import { Tensor } from '../tensor/tensor.ts';
import { normAxis, numel } from '../tensor/shape.ts';
import { kernels } from '../kernels/registry.ts';
import { emptyData } from '../tensor/storage.ts';

/** x as [outer, len, inner] around `dim`. */
function around(x: Tensor, dim: number): [number, number, number] {
  const ax = normAxis(dim, x.rank);
  return [numel(x.shape.slice(0, ax)), x.shape[ax] ?? 1, numel(x.shape.slice(ax + 1))];
}

function normalizeRows(x: Float32Array, outer: number, len: number, inner: number, log: boolean): Float32Array {
  const y = emptyData(x.length);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * len * inner + i;
      const end = base + len * inner;
      let m = -Infinity;
      for (let k = base; k < end; k += inner) { const v = x[k]; if (v > m || v !== v) m = v; }
      let s = 0;
      for (let k = base; k < end; k += inner) s += Math.exp(x[k] - m);
      if (log) {
        const ls = m + Math.log(s);
        for (let k = base; k < end; k += inner) y[k] = x[k] - ls;
      } else for (let k = base; k < end; k += inner) y[k] = Math.exp(x[k] - m) / s;
    }
  }
  return y;
}

export function softmax(x: Tensor, dim: number): Tensor {
  const [outer, len, inner] = around(x, dim);
  if (inner === 1) {
    // Contiguous rows (the last dimension): the backend's softmax kernel.
    const y = emptyData(x.size);
    kernels().softmaxForward(x.data, len, 1, y);
    return Tensor.fromOp('softmax', y, x.shape, [x], (g) => {
      const gx = emptyData(y.length);
      kernels().softmaxBackward(y, g, len, 1, gx);
      return [gx];
    });
  }
  const y = normalizeRows(x.data, outer, len, inner, false);
  return Tensor.fromOp('softmax', y, x.shape, [x], (g) => {
    const gx = emptyData(y.length);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const base = o * len * inner + i, end = base + len * inner;
        let dot = 0;
        for (let k = base; k < end; k += inner) dot += g[k] * y[k];
        for (let k = base; k < end; k += inner) gx[k] = y[k] * (g[k] - dot);
      }
    }
    return [gx];
  });
}

export function logSoftmax(x: Tensor, dim: number): Tensor {
  const [outer, len, inner] = around(x, dim);
  const y = normalizeRows(x.data, outer, len, inner, true);
  return Tensor.fromOp('log_softmax', y, x.shape, [x], (g) => {
    const gx = emptyData(y.length);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const base = o * len * inner + i, end = base + len * inner;
        let s = 0;
        for (let k = base; k < end; k += inner) s += g[k];
        for (let k = base; k < end; k += inner) gx[k] = g[k] - Math.exp(y[k]) * s;
      }
    }
    return [gx];
  });
}
