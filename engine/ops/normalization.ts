/**
 * Layer normalisation as one primitive (torch.nn.functional.layer_norm): each
 * row of the last `size` elements becomes x̂ = (x − μ)/√(σ² + eps), with the
 * biased variance, then y = x̂·weight + bias. One pass instead of the nine
 * composed ops it replaces (the Transformer's hot spot outside GEMM).
 * Backward, per row with ĝ = g·weight:
 *   dx = (ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) / √(σ² + eps),  dweight = Σ g·x̂,  dbias = Σ g.
 */
import { Tensor } from '../tensor/tensor.ts';
import { kernels } from '../kernels/registry.ts';
import { emptyData, floatData } from '../tensor/storage.ts';

export function layerNorm(x: Tensor, size: number, weight: Tensor | null, bias: Tensor | null, eps = 1e-5): Tensor {
  if (size < 1 || x.size % size !== 0) throw new RangeError(`layerNorm: rows of ${size} do not tile ${x.size} elements`);
  if ((weight && weight.size !== size) || (bias && bias.size !== size)) throw new RangeError(`layerNorm: weight and bias need ${size} elements`);
  const xd = x.data;
  // Missing affine parameters act as ones and zeros: one loop shape for every case.
  const w = weight ? weight.data : floatData(size).fill(1);
  const b = bias ? bias.data : floatData(size);
  const rows = xd.length / size;
  const xhat = emptyData(xd.length);
  const rstd = new Float64Array(rows);
  const y = emptyData(xd.length);
  kernels().layerNormForward(xd, size, w, b, eps, y, xhat, rstd);
  const parents = [x, ...(weight ? [weight] : []), ...(bias ? [bias] : [])];
  return Tensor.fromOp('layer_norm', y, x.shape, parents, (g) => {
    const dx = x.requiresGrad ? emptyData(g.length) : null;
    const dw = weight?.requiresGrad ? floatData(size) : null;
    const db = bias?.requiresGrad ? floatData(size) : null;
    kernels().layerNormBackward(g, xhat, rstd, w, size, dx, dw, db);
    const grads: (Float32Array | null)[] = [dx];
    if (weight) grads.push(dw);
    if (bias) grads.push(db);
    return grads;
  });
}
