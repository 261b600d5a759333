/**
 * The pure-TypeScript kernel set: the reference every faster backend is tested
 * against. Sums accumulate in float64 rows, then round to float32 once.
 */
import type { AdamStep, SgdMomentumStep, Conv2dGeometry, GemmArgs, GemmBatchArgs, Kernels, Pool2dGeometry } from './kernel-types.ts';
import { threefryFill } from '../tensor/threefry.ts';

function gemm({ transA, transB, m, n, k, a, aOffset, b, bOffset, c, cOffset, accumulate, bias, lda, ldb, ldc }: GemmArgs): void {
  const la = lda ?? (transA ? m : k);
  const lb = ldb ?? (transB ? k : n);
  const lc = ldc ?? n;
  const acc = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    const cRow = cOffset + i * lc;
    if (!transB) {
      // Row i of C as a combination of B's rows: contiguous inner loop.
      acc.fill(0);
      for (let p = 0; p < k; p++) {
        const av = transA ? a[aOffset + p * la + i] : a[aOffset + i * la + p];
        if (av === 0) continue;
        const bRow = bOffset + p * lb;
        for (let j = 0; j < n; j++) acc[j] += av * b[bRow + j];
      }
    } else {
      // B is [n, k]: each C entry is a dot product of two rows.
      for (let j = 0; j < n; j++) {
        const bRow = bOffset + j * lb;
        let s = 0;
        if (transA) for (let p = 0; p < k; p++) s += a[aOffset + p * la + i] * b[bRow + p];
        else {
          const aRow = aOffset + i * la;
          for (let p = 0; p < k; p++) s += a[aRow + p] * b[bRow + p];
        }
        acc[j] = s;
      }
    }
    if (bias) for (let j = 0; j < n; j++) acc[j] += bias[j];
    if (accumulate) for (let j = 0; j < n; j++) c[cRow + j] += acc[j];
    else for (let j = 0; j < n; j++) c[cRow + j] = acc[j];
  }
}

function gemmBatch({ batch, strideA, strideB, strideC, heads = 1, headStrideA = 0, headStrideB = 0, headStrideC = 0, ...g }: GemmBatchArgs): void {
  for (let i = 0; i < batch; i++) {
    const o = Math.floor(i / heads), h = i % heads;
    gemm({
      ...g,
      aOffset: g.aOffset + o * strideA + h * headStrideA,
      bOffset: g.bOffset + o * strideB + h * headStrideB,
      cOffset: g.cOffset + o * strideC + h * headStrideC,
    });
  }
}

/** Unfolds one sample's group of channels into columns [cg·kH·kW, outH·outW]. */
function im2col(g: Conv2dGeometry, x: Float32Array, xOffset: number, cg: number, col: Float32Array): void {
  const { inH, inW, outH, outW, kH, kW, strideH, strideW, padH, padW, dilationH, dilationW } = g;
  const plane = outH * outW;
  let row = 0;
  for (let c = 0; c < cg; c++) {
    const xc = xOffset + c * inH * inW;
    for (let ki = 0; ki < kH; ki++) {
      for (let kj = 0; kj < kW; kj++, row++) {
        const base = row * plane;
        for (let oy = 0; oy < outH; oy++) {
          const iy = oy * strideH - padH + ki * dilationH;
          const o = base + oy * outW;
          if (iy < 0 || iy >= inH) {
            col.fill(0, o, o + outW);
            continue;
          }
          const xr = xc + iy * inW;
          for (let ox = 0; ox < outW; ox++) {
            const ix = ox * strideW - padW + kj * dilationW;
            col[o + ox] = ix >= 0 && ix < inW ? x[xr + ix] : 0;
          }
        }
      }
    }
  }
}

/** The adjoint of im2col: adds columns back into the image. */
function col2im(g: Conv2dGeometry, col: Float32Array, cg: number, dx: Float32Array, dxOffset: number): void {
  const { inH, inW, outH, outW, kH, kW, strideH, strideW, padH, padW, dilationH, dilationW } = g;
  const plane = outH * outW;
  let row = 0;
  for (let c = 0; c < cg; c++) {
    const xc = dxOffset + c * inH * inW;
    for (let ki = 0; ki < kH; ki++) {
      for (let kj = 0; kj < kW; kj++, row++) {
        const base = row * plane;
        for (let oy = 0; oy < outH; oy++) {
          const iy = oy * strideH - padH + ki * dilationH;
          if (iy < 0 || iy >= inH) continue;
          const xr = xc + iy * inW;
          const o = base + oy * outW;
          for (let ox = 0; ox < outW; ox++) {
            const ix = ox * strideW - padW + kj * dilationW;
            if (ix >= 0 && ix < inW) dx[xr + ix] += col[o + ox];
          }
        }
      }
    }
  }
}

function groupDims(g: Conv2dGeometry) {
  const cg = g.inChannels / g.groups;
  const og = g.outChannels / g.groups;
  const kk = cg * g.kH * g.kW;
  const plane = g.outH * g.outW;
  return { cg, og, kk, plane };
}

function conv2dForward(g: Conv2dGeometry, x: Float32Array, w: Float32Array, bias: Float32Array | null, out: Float32Array): void {
  const { cg, og, kk, plane } = groupDims(g);
  const col = new Float32Array(kk * plane);
  for (let nb = 0; nb < g.batch; nb++) {
    for (let gr = 0; gr < g.groups; gr++) {
      im2col(g, x, (nb * g.inChannels + gr * cg) * g.inH * g.inW, cg, col);
      gemm({
        transA: false, transB: false, m: og, n: plane, k: kk,
        a: w, aOffset: gr * og * kk, b: col, bOffset: 0,
        c: out, cOffset: (nb * g.outChannels + gr * og) * plane, accumulate: false,
      });
    }
    if (bias) {
      for (let oc = 0; oc < g.outChannels; oc++) {
        const o = (nb * g.outChannels + oc) * plane;
        const bv = bias[oc];
        for (let j = 0; j < plane; j++) out[o + j] += bv;
      }
    }
  }
}

function conv2dBackwardInput(g: Conv2dGeometry, dy: Float32Array, w: Float32Array, dx: Float32Array): void {
  const { cg, og, kk, plane } = groupDims(g);
  const col = new Float32Array(kk * plane);
  dx.fill(0);
  for (let nb = 0; nb < g.batch; nb++) {
    for (let gr = 0; gr < g.groups; gr++) {
      // dcol = W_gᵀ · dy_g
      gemm({
        transA: true, transB: false, m: kk, n: plane, k: og,
        a: w, aOffset: gr * og * kk, b: dy, bOffset: (nb * g.outChannels + gr * og) * plane,
        c: col, cOffset: 0, accumulate: false,
      });
      col2im(g, col, cg, dx, (nb * g.inChannels + gr * cg) * g.inH * g.inW);
    }
  }
}

/** db[c] = Σ dy[n, c, ·]: each plane summed in float64, then added per sample. */
export function conv2dBiasGradient(g: Conv2dGeometry, dy: Float32Array, db: Float32Array): void {
  const plane = g.outH * g.outW;
  db.fill(0);
  for (let n = 0; n < g.batch; n++) {
    for (let c = 0; c < g.outChannels; c++) {
      let s = 0;
      const o = (n * g.outChannels + c) * plane;
      for (let j = 0; j < plane; j++) s += dy[o + j];
      db[c] += s;
    }
  }
}

function conv2dBackwardWeight(g: Conv2dGeometry, dy: Float32Array, x: Float32Array, dw: Float32Array, db: Float32Array | null): void {
  if (db) conv2dBiasGradient(g, dy, db);
  const { cg, og, kk, plane } = groupDims(g);
  const col = new Float32Array(kk * plane);
  dw.fill(0);
  for (let nb = 0; nb < g.batch; nb++) {
    for (let gr = 0; gr < g.groups; gr++) {
      im2col(g, x, (nb * g.inChannels + gr * cg) * g.inH * g.inW, cg, col);
      // dW_g += dy_g · colᵀ
      gemm({
        transA: false, transB: true, m: og, n: kk, k: plane,
        a: dy, aOffset: (nb * g.outChannels + gr * og) * plane, b: col, bOffset: 0,
        c: dw, cOffset: gr * og * kk, accumulate: true,
      });
    }
  }
}

function maxPool2dForward(g: Pool2dGeometry, x: Float32Array, out: Float32Array, argmax: Int32Array, relu = false): void {
  const { inH, inW, outH, outW, kH, kW, strideH, strideW, padH, padW, dilationH, dilationW } = g;
  const planes = g.batch * g.channels;
  for (let p = 0; p < planes; p++) {
    const xo = p * inH * inW;
    const oo = p * outH * outW;
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        let best = -Infinity;
        let bestIdx = -1;
        for (let ki = 0; ki < kH; ki++) {
          const iy = oy * strideH - padH + ki * dilationH;
          if (iy < 0 || iy >= inH) continue;
          for (let kj = 0; kj < kW; kj++) {
            const ix = ox * strideW - padW + kj * dilationW;
            if (ix < 0 || ix >= inW) continue;
            const xv = x[xo + iy * inW + ix];
            const v = relu && !(xv > 0) ? 0 : xv;
            // torch propagates NaN and keeps the first maximum.
            if (v > best || Number.isNaN(v) || bestIdx < 0) {
              best = v;
              bestIdx = iy * inW + ix;
              if (Number.isNaN(v)) break;
            }
          }
        }
        out[oo + oy * outW + ox] = best;
        argmax[oo + oy * outW + ox] = relu && best === 0 ? -1 : bestIdx;
      }
    }
  }
}

function maxPool2dBackward(g: Pool2dGeometry, dy: Float32Array, argmax: Int32Array, dx: Float32Array): void {
  const planes = g.batch * g.channels;
  const inPlane = g.inH * g.inW;
  const outPlane = g.outH * g.outW;
  dx.fill(0);
  for (let p = 0; p < planes; p++) {
    for (let j = 0; j < outPlane; j++) {
      const a = argmax[p * outPlane + j];
      if (a >= 0) dx[p * inPlane + a] += dy[p * outPlane + j];
    }
  }
}

function columnSums(x: Float32Array, cols: number, out: Float32Array): void {
  const blockSize = x.length / (out.length / cols);
  for (let b = 0; b < out.length; b += cols) {
    const acc = new Float64Array(cols);
    const x0 = (b / cols) * blockSize;
    for (let o = x0; o < x0 + blockSize; o += cols) for (let j = 0; j < cols; j++) acc[j] += x[o + j];
    out.set(acc, b);
  }
}

function randomMask(k0: number, k1: number, offset: number, keepProb: number, out: Float32Array): void {
  const words = new Uint32Array(out.length);
  threefryFill(k0, k1, offset, words);
  // A number, not a branch: on random words a branch mispredicts at rate min(p, 1 − p).
  for (let i = 0; i < out.length; i++) out[i] = +((words[i] >>> 8) * 2 ** -24 < keepProb);
}

function maskMultiply(x: Float32Array, mask: Float32Array, scale: number, y: Float32Array): void {
  const s = Math.fround(scale);
  for (let i = 0; i < y.length; i++) y[i] = x[i] * Math.fround(mask[i] * s);
}

function addArrays(a: Float32Array, b: Float32Array, y: Float32Array): void {
  for (let i = 0; i < y.length; i++) y[i] = a[i] + b[i];
}

function reluForward(x: Float32Array, y: Float32Array): void {
  for (let i = 0; i < x.length; i++) y[i] = x[i] > 0 ? x[i] : 0;
}

function reluBackward(x: Float32Array, dy: Float32Array, dx: Float32Array): void {
  for (let i = 0; i < dy.length; i++) dx[i] = x[i] > 0 ? dy[i] : 0;
}

function softmaxForward(x: Float32Array, len: number, scale: number, y: Float32Array): void {
  const t = new Float64Array(len);
  for (let o = 0; o < x.length; o += len) {
    let mx = -Infinity;
    for (let j = 0; j < len; j++) {
      t[j] = scale * x[o + j];
      if (t[j] > mx || t[j] !== t[j]) mx = t[j];
    }
    let sum = 0;
    for (let j = 0; j < len; j++) {
      t[j] = Math.exp(t[j] - mx);
      sum += t[j];
    }
    for (let j = 0; j < len; j++) y[o + j] = t[j] / sum;
  }
}

function softmaxBackward(y: Float32Array, g: Float32Array, len: number, scale: number, dx: Float32Array): void {
  for (let o = 0; o < y.length; o += len) {
    let dot = 0;
    for (let j = 0; j < len; j++) dot += g[o + j] * y[o + j];
    for (let j = 0; j < len; j++) dx[o + j] = scale * y[o + j] * (g[o + j] - dot);
  }
}

function layerNormForward(x: Float32Array, size: number, w: Float32Array, b: Float32Array, eps: number, y: Float32Array, xhat: Float32Array, rstd: Float64Array): void {
  for (let r = 0, o = 0; o < x.length; r++, o += size) {
    let mu = 0;
    for (let j = 0; j < size; j++) mu += x[o + j];
    mu /= size;
    let v = 0;
    for (let j = 0; j < size; j++) { const d = x[o + j] - mu; v += d * d; }
    const rs = 1 / Math.sqrt(v / size + eps);
    rstd[r] = rs;
    for (let j = 0; j < size; j++) {
      const h = Math.fround((x[o + j] - mu) * rs);
      xhat[o + j] = h;
      y[o + j] = h * w[j] + b[j];
    }
  }
}

function layerNormBackward(g: Float32Array, xhat: Float32Array, rstd: Float64Array, w: Float32Array, size: number, dx: Float32Array | null, dw: Float32Array | null, db: Float32Array | null): void {
  if (dx) {
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
      for (let j = 0; j < size; j++) dx[o + j] = (g[o + j] * w[j] - mg - xhat[o + j] * mgx) * rs;
    }
  }
  // Column sums in float64.
  const acc = new Float64Array(size);
  if (dw) {
    for (let o = 0; o < g.length; o += size) for (let j = 0; j < size; j++) acc[j] += g[o + j] * xhat[o + j];
    dw.set(acc);
  }
  if (db) {
    acc.fill(0);
    for (let o = 0; o < g.length; o += size) for (let j = 0; j < size; j++) acc[j] += g[o + j];
    db.set(acc);
  }
}

function sgdUpdate(w: Float32Array, g: Float32Array, lr: number, weightDecay: number): void {
  const n = w.length;
  for (let j = 0; j < n; j++) {
    const x = w[j];
    w[j] = x - lr * (g[j] + weightDecay * x);
  }
}

function sgdMomentumUpdate(w: Float32Array, g: Float32Array, buf: Float32Array, s: SgdMomentumStep): void {
  const { lr, momentum, dampening, weightDecay, nesterov, first } = s;
  for (let j = 0; j < w.length; j++) {
    // d = g + λw; buf = μ·buf + (1 − τ)·d (buf = d at the first step); d = nesterov ? d + μ·buf : buf
    let d = g[j] + weightDecay * w[j];
    buf[j] = first ? d : momentum * buf[j] + (1 - dampening) * d;
    d = nesterov ? d + momentum * buf[j] : buf[j];
    w[j] = w[j] - lr * d;
  }
}

function adamUpdate(w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, vmax: Float32Array | null, s: AdamStep): void {
  const { lr, weightDecay, decoupled, b1, b2, eps, stepSize, bc2Sqrt } = s;
  for (let j = 0; j < w.length; j++) {
    let gj = g[j];
    if (decoupled) w[j] = w[j] * (1 - lr * weightDecay);
    else if (weightDecay !== 0) gj += weightDecay * w[j];
    m[j] = m[j] + (gj - m[j]) * (1 - b1); // torch's lerp_
    v[j] = v[j] * b2 + (1 - b2) * gj * gj;
    let vv = v[j];
    if (vmax) {
      vmax[j] = Math.max(vmax[j], v[j]);
      vv = vmax[j];
    }
    const denom = Math.sqrt(vv) / bc2Sqrt + eps;
    w[j] = w[j] - (stepSize * m[j]) / denom;
  }
}

export const referenceKernels: Kernels = {
  name: 'reference',
  gemm,
  gemmBatch,
  conv2dForward,
  conv2dBackwardInput,
  conv2dBackwardWeight,
  maxPool2dForward,
  maxPool2dBackward,
  reluForward,
  reluBackward,
  columnSums,
  softmaxForward,
  softmaxBackward,
  layerNormForward,
  layerNormBackward,
  sgdUpdate,
  adamUpdate,
  sgdMomentumUpdate,
  randomBits: threefryFill,
  randomMask,
  maskMultiply,
  addArrays,
};
