/**
 * Layer normalisation as one primitive (torch.nn.functional.layer_norm): each
 * row of the last `size` elements becomes x̂ = (x − μ)/√(σ² + eps), with the
 * biased variance, then y = x̂·weight + bias. One pass instead of the nine
 * composed ops it replaces (the Transformer's hot spot outside GEMM).
 * Backward, per row with ĝ = g·weight:
 *   dx = (ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) / √(σ² + eps),  dweight = Σ g·x̂,  dbias = Σ g.
 */
import { Tensor } from '../tensor/tensor.ts';

export function layerNorm(x: Tensor, size: number, weight: Tensor | null, bias: Tensor | null, eps = 1e-5): Tensor {
  if (size < 1 || x.size % size !== 0) throw new RangeError(`layerNorm: rows of ${size} do not tile ${x.size} elements`);
  if ((weight && weight.size !== size) || (bias && bias.size !== size)) throw new RangeError(`layerNorm: weight and bias need ${size} elements`);
  const xd = x.data;
  // Missing affine parameters act as ones and zeros: one loop shape for every case.
  const w = weight ? weight.data : new Float32Array(size).fill(1);
  const b = bias ? bias.data : new Float32Array(size);
  const rows = xd.length / size;
  const xhat = new Float32Array(xd.length);
  const rstd = new Float64Array(rows);
  const y = new Float32Array(xd.length);
  for (let r = 0; r < rows; r++) {
    const o = r * size;
    let mu = 0;
    for (let j = 0; j < size; j++) mu += xd[o + j];
    mu /= size;
    let v = 0;
    for (let j = 0; j < size; j++) { const d = xd[o + j] - mu; v += d * d; }
    const rs = 1 / Math.sqrt(v / size + eps);
    rstd[r] = rs;
    for (let j = 0; j < size; j++) {
      const h = Math.fround((xd[o + j] - mu) * rs);
      xhat[o + j] = h;
      y[o + j] = h * w[j] + b[j];
    }
  }
  const parents = [x, ...(weight ? [weight] : []), ...(bias ? [bias] : [])];
  return Tensor.fromOp('layer_norm', y, x.shape, parents, (g) => {
    const grads: (Float32Array | null)[] = [x.requiresGrad ? layerNormInputGrad(g, xhat, rstd, w, size) : null];
    if (weight) grads.push(weight.requiresGrad ? columnSums(g, xhat, size) : null);
    if (bias) grads.push(bias.requiresGrad ? columnSums(g, null, size) : null);
    return grads;
  });
}

function layerNormInputGrad(g: Float32Array, xhat: Float32Array, rstd: Float64Array, w: Float32Array, size: number): Float32Array {
  const gx = new Float32Array(g.length);
  for (let r = 0, o = 0; r < rstd.length; r++, o += size) {
    let mg = 0, mgx = 0;
    for (let j = 0; j < size; j++) {
      const gh = g[o + j] * w[j];
      mg += gh;
      mgx += gh * xhat[o + j];
    }
    mg /= size;
    mgx /= size;
    const rs = rstd[r];
    for (let j = 0; j < size; j++) gx[o + j] = (g[o + j] * w[j] - mg - xhat[o + j] * mgx) * rs;
  }
  return gx;
}

/** Σ over rows of g (⊙ h when given), in float64. */
function columnSums(g: Float32Array, h: Float32Array | null, size: number): Float32Array {
  const acc = new Float64Array(size);
  if (h) for (let o = 0; o < g.length; o += size) for (let j = 0; j < size; j++) acc[j] += g[o + j] * h[o + j];
  else for (let o = 0; o < g.length; o += size) for (let j = 0; j < size; j++) acc[j] += g[o + j];
  return Float32Array.from(acc);
}
