/**
 * nn.CrossEntropyLoss without label smoothing as one primitive:
 * ℓᵢ = logsumexp(xᵢ) − xᵢ[tᵢ], then mean, sum or none; backward
 * dx = (softmax(x) − onehot(t))·gᵢ with gᵢ = g/N for the mean. Composed, it is
 * log_softmax → gather → negate → reshape → sum → scale, six ops and six
 * backward nodes: ~18% of a tiny model's step (W0). Rows are shifted by their
 * max as log_softmax does (ops/softmax.ts); a NaN poisons its row.
 */
import { Tensor } from '../tensor/tensor.ts';
import { emptyData } from '../tensor/storage.ts';

export type Reduction = 'mean' | 'sum' | 'none';

/** Scores [N, C], targets already checked to be class indices. */
export function softmaxCrossEntropy(x: Tensor, target: Int32Array, reduction: Reduction): Tensor {
  const [n, c] = x.shape;
  const xd = x.data;
  const lse = new Float64Array(n);
  const per = reduction === 'none' ? emptyData(n) : null;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const base = i * c;
    let m = -Infinity;
    for (let k = base; k < base + c; k++) { const v = xd[k]; if (v > m || v !== v) m = v; }
    let s = 0;
    for (let k = base; k < base + c; k++) s += Math.exp(xd[k] - m);
    lse[i] = m + Math.log(s);
    const loss = lse[i] - xd[base + target[i]];
    if (per) per[i] = loss;
    else total += loss;
  }
  const out = per ?? emptyData(1);
  if (!per) out[0] = reduction === 'mean' ? total / n : total;
  return Tensor.fromOp('softmax_cross_entropy', out, per ? [n] : [], [x], (g) => {
    const gx = emptyData(n * c);
    for (let i = 0; i < n; i++) {
      const gi = reduction === 'none' ? g[i] : reduction === 'mean' ? g[0] / n : g[0];
      const base = i * c;
      for (let k = 0; k < c; k++) gx[base + k] = Math.exp(xd[base + k] - lse[i]) * gi;
      gx[base + target[i]] -= gi;
    }
    return [gx];
  });
}
