/** Matrix products through the backend's GEMM, in all four transpose variants. */
import { Tensor } from '../tensor/tensor.ts';
import { formatShape, numel } from '../tensor/shape.ts';
import { kernels } from '../kernels/registry.ts';
import { emptyData } from '../tensor/storage.ts';

export interface MatmulOptions {
  /** Use the transpose of the last two dimensions of a. */
  transA?: boolean;
  transB?: boolean;
}

/**
 * op(a) @ op(b). a is [..., M, K] (or [..., K, M] with transA); b is [K, N] or has
 * a's batch dimensions. Backward: d op(a) = dC·op(b)ᵀ, d op(b) = op(a)ᵀ·dC.
 */
export function matmul(a: Tensor, b: Tensor, { transA = false, transB = false }: MatmulOptions = {}): Tensor {
  if (a.rank < 2 || b.rank < 2) throw new RangeError(`matmul needs tensors of rank ≥ 2, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  const [ar, ac] = a.shape.slice(-2);
  const [br, bc] = b.shape.slice(-2);
  const m = transA ? ac : ar;
  const k = transA ? ar : ac;
  const kb = transB ? bc : br;
  const n = transB ? br : bc;
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  if (k !== kb) throw new RangeError(`matmul: inner sizes differ: ${formatShape(a.shape)}${transA ? 'ᵀ' : ''} @ ${formatShape(b.shape)}${transB ? 'ᵀ' : ''} (${k} vs ${kb})`);
  const sharedB = b.rank === 2;
  if (!sharedB && (batchA.length !== batchB.length || batchA.some((d, i) => d !== batchB[i]))) {
    throw new RangeError(`matmul: batch dimensions differ: ${formatShape(a.shape)} @ ${formatShape(b.shape)}`);
  }
  const batch = numel(batchA);
  const shape = [...batchA, m, n];
  const out = emptyData(batch * m * n);
  const K = kernels();
  const sa = m * k, sb = sharedB ? 0 : k * n, sc = m * n;
  if (sharedB && !transA && batch > 1) {
    // Stacked rows of a form one tall matrix.
    K.gemm({ transA: false, transB, m: batch * m, n, k, a: a.data, aOffset: 0, b: b.data, bOffset: 0, c: out, cOffset: 0, accumulate: false });
  } else {
    K.gemmBatch({ transA, transB, m, n, k, a: a.data, aOffset: 0, b: b.data, bOffset: 0, c: out, cOffset: 0, accumulate: false, batch, strideA: sa, strideB: sb, strideC: sc });
  }
  return Tensor.fromOp('matmul', out, shape, [a, b], (g) => {
    let ga: Float32Array | null = null;
    let gb: Float32Array | null = null;
    const Kb = kernels();
    if (a.requiresGrad) {
      ga = emptyData(a.size);
      // Stacked rows again: one tall product instead of one per batch entry.
      if (sharedB && !transA) Kb.gemm({ transA: false, transB: !transB, m: batch * m, n: k, k: n, a: g, aOffset: 0, b: b.data, bOffset: 0, c: ga, cOffset: 0, accumulate: false });
      else if (!transA) Kb.gemmBatch({ transA: false, transB: !transB, m, n: k, k: n, a: g, aOffset: 0, b: b.data, bOffset: 0, c: ga, cOffset: 0, accumulate: false, batch, strideA: sc, strideB: sb, strideC: sa });
      else Kb.gemmBatch({ transA: transB, transB: true, m: k, n: m, k: n, a: b.data, aOffset: 0, b: g, bOffset: 0, c: ga, cOffset: 0, accumulate: false, batch, strideA: sb, strideB: sc, strideC: sa });
    }
    if (b.requiresGrad) {
      gb = emptyData(b.size);
      // A shared b's gradient sums over the batch: one product over the stacked rows.
      if (sharedB && !transA && !transB) Kb.gemm({ transA: true, transB: false, m: k, n, k: batch * m, a: a.data, aOffset: 0, b: g, bOffset: 0, c: gb, cOffset: 0, accumulate: false });
      else if (sharedB && !transA) Kb.gemm({ transA: true, transB: false, m: n, n: k, k: batch * m, a: g, aOffset: 0, b: a.data, bOffset: 0, c: gb, cOffset: 0, accumulate: false });
      else if (!sharedB && !transB) Kb.gemmBatch({ transA: !transA, transB: false, m: k, n, k: m, a: a.data, aOffset: 0, b: g, bOffset: 0, c: gb, cOffset: 0, accumulate: false, batch, strideA: sa, strideB: sc, strideC: sb });
      else if (!sharedB) Kb.gemmBatch({ transA: true, transB: transA, m: n, n: k, k: m, a: g, aOffset: 0, b: a.data, bOffset: 0, c: gb, cOffset: 0, accumulate: false, batch, strideA: sc, strideB: sa, strideC: sb });
      // A shared b under transA: every entry adds into the same gradient, one after another.
      else for (let i = 0; i < batch; i++) {
        const acc = i > 0;
        if (!transB) Kb.gemm({ transA: !transA, transB: false, m: k, n, k: m, a: a.data, aOffset: i * sa, b: g, bOffset: i * sc, c: gb, cOffset: i * sb, accumulate: acc });
        else Kb.gemm({ transA: true, transB: transA, m: n, n: k, k: m, a: g, aOffset: i * sc, b: a.data, bOffset: i * sa, c: gb, cOffset: i * sb, accumulate: acc });
      }
    }
    return [ga, gb];
  });
}

/**
 * F.linear: x·wᵀ + b over the last dimension (x [..., K], w [N, K], b [N]), one
 * primitive so the bias rides in the GEMM instead of a broadcast add.
 * Backward: dx = g·w, dw = gᵀ·x, db = Σ over rows of g (float64).
 */
export function linear(x: Tensor, w: Tensor, b: Tensor | null): Tensor {
  const k = x.shape[x.rank - 1];
  if (x.rank < 1 || w.rank !== 2 || w.shape[1] !== k || (b && (b.rank !== 1 || b.shape[0] !== w.shape[0]))) {
    throw new RangeError(`linear: input ${formatShape(x.shape)}, weight ${formatShape(w.shape)}${b ? ` and bias ${formatShape(b.shape)}` : ''} do not fit (weight is [out, ${k}])`);
  }
  const n = w.shape[0];
  const rows = k === 0 ? numel(x.shape.slice(0, -1)) : x.size / k;
  const out = emptyData(rows * n);
  kernels().gemm({ transA: false, transB: true, m: rows, n, k, a: x.data, aOffset: 0, b: w.data, bOffset: 0, c: out, cOffset: 0, accumulate: false, bias: b?.data ?? null });
  const parents = b ? [x, w, b] : [x, w];
  return Tensor.fromOp('linear', out, [...x.shape.slice(0, -1), n], parents, (g) => {
    const K = kernels();
    let gx: Float32Array | null = null;
    let gw: Float32Array | null = null;
    if (x.requiresGrad) {
      gx = emptyData(x.size);
      K.gemm({ transA: false, transB: false, m: rows, n: k, k: n, a: g, aOffset: 0, b: w.data, bOffset: 0, c: gx, cOffset: 0, accumulate: false });
    }
    if (w.requiresGrad) {
      gw = emptyData(w.size);
      K.gemm({ transA: true, transB: false, m: n, n: k, k: rows, a: g, aOffset: 0, b: x.data, bOffset: 0, c: gw, cOffset: 0, accumulate: false });
    }
    if (!b) return [gx, gw];
    let gb: Float32Array | null = null;
    if (b.requiresGrad) {
      gb = emptyData(n);
      K.columnSums(g, n, gb);
    }
    return [gx, gw, gb];
  });
}
