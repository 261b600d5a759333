/** 2-D convolution as torch.nn.functional.conv2d, through the backend's conv kernels. */
import { Tensor } from '../tensor/tensor.ts';
import { formatShape } from '../tensor/shape.ts';
import { kernels } from '../kernels/registry.ts';
import { conv2dBiasGradient } from '../kernels/reference.ts';
import type { Conv2dGeometry } from '../kernels/kernel-types.ts';
import { emptyData } from '../tensor/storage.ts';

export type Pair = readonly [number, number];

export interface Conv2dOptions {
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
  groups?: number;
}

/** torch's output size: floor((in + 2·pad − dilation·(k − 1) − 1) / stride) + 1. */
export function convOutSize(size: number, k: number, stride: number, pad: number, dilation: number): number {
  return Math.floor((size + 2 * pad - dilation * (k - 1) - 1) / stride) + 1;
}

export function conv2dGeometry(xShape: readonly number[], wShape: readonly number[], o: Conv2dOptions): Conv2dGeometry {
  const [sh, sw] = o.stride ?? [1, 1];
  const [ph, pw] = o.padding ?? [0, 0];
  const [dh, dw] = o.dilation ?? [1, 1];
  const groups = o.groups ?? 1;
  if (xShape.length !== 4) throw new RangeError(`conv2d expects input [N, C, H, W], got ${formatShape(xShape)}`);
  const [batch, inChannels, inH, inW] = xShape;
  const [outChannels, cg, kH, kW] = wShape;
  if (cg * groups !== inChannels) throw new RangeError(`conv2d: weight ${formatShape(wShape)} with groups=${groups} expects ${cg * groups} input channels, got ${inChannels}`);
  const outH = convOutSize(inH, kH, sh, ph, dh);
  const outW = convOutSize(inW, kW, sw, pw, dw);
  if (outH <= 0 || outW <= 0) throw new RangeError(`conv2d: input ${inH}×${inW} is too small for kernel ${kH}×${kW} (dilation ${dh}×${dw}, padding ${ph}×${pw})`);
  return { batch, inChannels, inH, inW, outChannels, outH, outW, kH, kW, strideH: sh, strideW: sw, padH: ph, padW: pw, dilationH: dh, dilationW: dw, groups };
}

export function conv2d(x: Tensor, w: Tensor, bias: Tensor | null, options: Conv2dOptions = {}): Tensor {
  const g = conv2dGeometry(x.shape, w.shape, options);
  const out = emptyData(g.batch * g.outChannels * g.outH * g.outW);
  kernels().conv2dForward(g, x.data, w.data, bias ? bias.data : null, out);
  const parents = bias ? [x, w, bias] : [x, w];
  return Tensor.fromOp('conv2d', out, [g.batch, g.outChannels, g.outH, g.outW], parents, (dy) => {
    const K = kernels();
    let dx: Float32Array | null = null;
    let dw: Float32Array | null = null;
    if (x.requiresGrad) {
      dx = emptyData(x.size);
      K.conv2dBackwardInput(g, dy, w.data, dx);
    }
    const db = bias?.requiresGrad ? emptyData(g.outChannels) : null;
    if (w.requiresGrad) {
      dw = emptyData(w.size);
      K.conv2dBackwardWeight(g, dy, x.data, dw, db);
    } else if (db) conv2dBiasGradient(g, dy, db);
    return bias ? [dx, dw, db] : [dx, dw];
  });
}
