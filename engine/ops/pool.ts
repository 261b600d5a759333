/** 2-D pooling as torch: max (backend kernel), average, adaptive average. */
import { Tensor } from '../tensor/tensor.ts';
import { formatShape } from '../tensor/shape.ts';
import { kernels } from '../kernels/registry.ts';
import type { Pool2dGeometry } from '../kernels/kernel-types.ts';
import type { Pair } from './conv.ts';
import { emptyData, floatData, indexData } from '../tensor/storage.ts';

export interface Pool2dOptions {
  kernelSize: Pair;
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
  ceilMode?: boolean;
}

/** torch's pooling_output_shape, including the ceil_mode rule that the last window must start inside the input or left padding. */
export function poolOutSize(size: number, k: number, stride: number, pad: number, dilation: number, ceil: boolean): number {
  const span = size + 2 * pad - dilation * (k - 1) - 1 + (ceil ? stride - 1 : 0);
  let out = Math.floor(span / stride) + 1;
  if (ceil && (out - 1) * stride >= size + pad) out--;
  return out;
}

export function pool2dGeometry(shape: readonly number[], o: Pool2dOptions): Pool2dGeometry {
  if (shape.length !== 4) throw new RangeError(`pooling expects input [N, C, H, W], got ${formatShape(shape)}`);
  const [kH, kW] = o.kernelSize;
  const [sh, sw] = o.stride ?? o.kernelSize;
  const [ph, pw] = o.padding ?? [0, 0];
  const [dh, dw] = o.dilation ?? [1, 1];
  if (ph * 2 > kH || pw * 2 > kW) throw new RangeError(`pooling: padding ${ph}×${pw} must be at most half of kernel ${kH}×${kW}`);
  const [batch, channels, inH, inW] = shape;
  const outH = poolOutSize(inH, kH, sh, ph, dh, o.ceilMode ?? false);
  const outW = poolOutSize(inW, kW, sw, pw, dw, o.ceilMode ?? false);
  if (outH <= 0 || outW <= 0) throw new RangeError(`pooling: input ${inH}×${inW} is too small for kernel ${kH}×${kW}`);
  return { batch, channels, inH, inW, outH, outW, kH, kW, strideH: sh, strideW: sw, padH: ph, padW: pw, dilationH: dh, dilationW: dw };
}

/**
 * torch's max_pool2d; with relu, max_pool2d(relu(x)) in one pass (max commutes with ReLU, and the kernel
 * leaves out the indices ReLU would give no gradient), with the same values and gradients as the two ops.
 */
export function maxPool2d(x: Tensor, options: Pool2dOptions, relu = false): Tensor {
  const g = pool2dGeometry(x.shape, options);
  const n = g.batch * g.channels * g.outH * g.outW;
  const out = emptyData(n);
  const argmax = indexData(n);
  kernels().maxPool2dForward(g, x.data, out, argmax, relu);
  return Tensor.fromOp(relu ? 'relu_max_pool2d' : 'max_pool2d', out, [g.batch, g.channels, g.outH, g.outW], [x], (dy) => {
    const dx = emptyData(x.size);
    kernels().maxPool2dBackward(g, dy, argmax, dx);
    return [dx];
  });
}

export interface AvgPool2dOptions extends Pool2dOptions {
  countIncludePad?: boolean;
  divisorOverride?: number | null;
}

export function avgPool2d(x: Tensor, options: AvgPool2dOptions): Tensor {
  const g = pool2dGeometry(x.shape, { ...options, dilation: [1, 1] });
  const includePad = options.countIncludePad ?? true;
  const { inH, inW, outH, outW, kH, kW, strideH, strideW, padH, padW } = g;
  const planes = g.batch * g.channels;
  // Per output cell: its clipped window and divisor, as torch's avg_pool2d kernel computes them.
  const win = new Int32Array(outH * outW * 4);
  const inv = new Float64Array(outH * outW);
  for (let oy = 0; oy < outH; oy++) {
    for (let ox = 0; ox < outW; ox++) {
      let h0 = oy * strideH - padH, w0 = ox * strideW - padW;
      let h1 = Math.min(h0 + kH, inH + padH), w1 = Math.min(w0 + kW, inW + padW);
      const padded = (h1 - h0) * (w1 - w0);
      h0 = Math.max(h0, 0); w0 = Math.max(w0, 0);
      h1 = Math.min(h1, inH); w1 = Math.min(w1, inW);
      const j = oy * outW + ox;
      win.set([h0, h1, w0, w1], j * 4);
      const divisor = options.divisorOverride ?? (includePad ? padded : (h1 - h0) * (w1 - w0));
      inv[j] = 1 / divisor;
    }
  }
  const cells = outH * outW;
  const out = floatData(planes * cells);
  for (let p = 0; p < planes; p++) {
    const xo = p * inH * inW;
    for (let j = 0; j < cells; j++) {
      let s = 0;
      for (let y = win[j * 4]; y < win[j * 4 + 1]; y++) for (let q = win[j * 4 + 2]; q < win[j * 4 + 3]; q++) s += x.data[xo + y * inW + q];
      out[p * cells + j] = s * inv[j];
    }
  }
  return Tensor.fromOp('avg_pool2d', out, [g.batch, g.channels, outH, outW], [x], (dy) => {
    const dx = floatData(x.size);
    for (let p = 0; p < planes; p++) {
      const xo = p * inH * inW;
      for (let j = 0; j < cells; j++) {
        const v = dy[p * cells + j] * inv[j];
        for (let y = win[j * 4]; y < win[j * 4 + 1]; y++) for (let q = win[j * 4 + 2]; q < win[j * 4 + 3]; q++) dx[xo + y * inW + q] += v;
      }
    }
    return [dx];
  });
}

/** torch's adaptive windows: [floor(i·in/out), ceil((i+1)·in/out)). */
export function adaptiveAvgPool2d(x: Tensor, outputSize: Pair): Tensor {
  if (x.rank !== 4) throw new RangeError(`adaptive pooling expects input [N, C, H, W], got ${formatShape(x.shape)}`);
  const [batch, channels, inH, inW] = x.shape;
  const [outH, outW] = outputSize;
  const planes = batch * channels;
  const cells = outH * outW;
  const bounds = (i: number, inn: number, outn: number) => [Math.floor((i * inn) / outn), Math.ceil(((i + 1) * inn) / outn)];
  const out = floatData(planes * cells);
  const windows: number[][] = [];
  for (let oy = 0; oy < outH; oy++) for (let ox = 0; ox < outW; ox++) windows.push([...bounds(oy, inH, outH), ...bounds(ox, inW, outW)]);
  for (let p = 0; p < planes; p++) {
    const xo = p * inH * inW;
    windows.forEach(([h0, h1, w0, w1], j) => {
      let s = 0;
      for (let y = h0; y < h1; y++) for (let q = w0; q < w1; q++) s += x.data[xo + y * inW + q];
      out[p * cells + j] = s / ((h1 - h0) * (w1 - w0));
    });
  }
  return Tensor.fromOp('adaptive_avg_pool2d', out, [batch, channels, outH, outW], [x], (dy) => {
    const dx = floatData(x.size);
    for (let p = 0; p < planes; p++) {
      const xo = p * inH * inW;
      windows.forEach(([h0, h1, w0, w1], j) => {
        const v = dy[p * cells + j] / ((h1 - h0) * (w1 - w0));
        for (let y = h0; y < h1; y++) for (let q = w0; q < w1; q++) dx[xo + y * inW + q] += v;
      });
    }
    return [dx];
  });
}
