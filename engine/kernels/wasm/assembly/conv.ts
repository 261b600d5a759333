/**
 * Convolution as im2col + GEMM, one (sample, group) unit at a time per
 * thread, and max pooling; the same algorithms as the TypeScript reference.
 * Geometry arrives as an i32 parameter block (see layout.ts in the host).
 */
import { gemmCore, gemmScratchBytes } from './gemm';

// @ts-ignore: decorator
@inline
function arg(p: usize, i: i32): i32 {
  return load<i32>(p + (<usize>i << 2));
}

// @ts-ignore: decorator
@inline
function ptr(base: usize, index: i32): usize {
  return base + (<usize>index << 2);
}

function ceilDiv(a: i32, b: i32): i32 {
  return a >= 0 ? (a + b - 1) / b : -(-a / b);
}

function floorDiv(a: i32, b: i32): i32 {
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

// Geometry of the current call, in globals: each thread's instance has its own
// (module instances share memory, not globals).
let gBatch = 0, gInC = 0, gInH = 0, gInW = 0, gOutC = 0, gOutH = 0, gOutW = 0;
let gKH = 0, gKW = 0, gSH = 0, gSW = 0, gPH = 0, gPW = 0, gDH = 0, gDW = 0, gGroups = 0;
let gCg = 0, gOg = 0, gKk = 0, gPlane = 0;

function readGeometry(p: usize): void {
  gBatch = arg(p, 0); gInC = arg(p, 1); gInH = arg(p, 2); gInW = arg(p, 3);
  gOutC = arg(p, 4); gOutH = arg(p, 5); gOutW = arg(p, 6); gKH = arg(p, 7); gKW = arg(p, 8);
  gSH = arg(p, 9); gSW = arg(p, 10); gPH = arg(p, 11); gPW = arg(p, 12);
  gDH = arg(p, 13); gDW = arg(p, 14); gGroups = arg(p, 15);
  gCg = gInC / gGroups;
  gOg = gOutC / gGroups;
  gKk = gCg * gKH * gKW;
  gPlane = gOutH * gOutW;
}

/** Unfolds cg channels starting at x into col[kk, plane]; add = true runs the adjoint (col2im, adding into x). */
function im2col(x: usize, col: usize, add: bool): void {
  const inH = gInH, inW = gInW, outH = gOutH, outW = gOutW, plane = gPlane;
  let row = 0;
  for (let c = 0; c < gCg; c++) {
    const xc = ptr(x, c * inH * inW);
    for (let ki = 0; ki < gKH; ki++) {
      for (let kj = 0; kj < gKW; kj++, row++) {
        // Output columns whose input column lies inside the image.
        const shift = kj * gDW - gPW;
        const ox0 = max(0, ceilDiv(-shift, gSW));
        const ox1 = min(outW, max(ox0, floorDiv(inW - 1 - shift, gSW) + 1));
        for (let oy = 0; oy < outH; oy++) {
          const o = ptr(col, row * plane + oy * outW);
          const iy = oy * gSH - gPH + ki * gDH;
          if (iy < 0 || iy >= inH) {
            if (!add) zeroFloats(o, outW);
            continue;
          }
          const xr = ptr(xc, iy * inW + shift);
          if (add) {
            for (let ox = ox0; ox < ox1; ox++) {
              const d = xr + (<usize>(ox * gSW) << 2);
              store<f32>(d, load<f32>(d) + load<f32>(o + (<usize>ox << 2)));
            }
          } else {
            if (ox0 > 0) zeroFloats(o, ox0);
            if (gSW == 1) copyFloats(o + (<usize>ox0 << 2), xr + (<usize>ox0 << 2), ox1 - ox0);
            else for (let ox = ox0; ox < ox1; ox++) store<f32>(o + (<usize>ox << 2), load<f32>(xr + (<usize>(ox * gSW) << 2)));
            if (ox1 < outW) zeroFloats(o + (<usize>ox1 << 2), outW - ox1);
          }
        }
      }
    }
  }
}

/** Short copies and fills inline: memory.copy/fill call out of wasm, which dominates at a row of 16–32 floats. */
// @ts-ignore: decorator
@inline
function copyFloats(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), v128.load(src + (<usize>i << 2)));
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), load<f32>(src + (<usize>i << 2)));
}

// @ts-ignore: decorator
@inline
function zeroFloats(dst: usize, n: i32): void {
  const z = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), z);
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), 0);
}

function align16(n: usize): usize {
  return (n + 15) & ~(<usize>15);
}

/** Parameter block: 0–15 geometry, 16 input, 17 weight, 18 bias or 0, 19 output, 20 scratch base, 21 scratch bytes per thread. */
export function conv2dForward(p: usize, tid: i32, nt: i32): void {
  readGeometry(p);
  const x = <usize>arg(p, 16), w = <usize>arg(p, 17), bias = <usize>arg(p, 18), out = <usize>arg(p, 19);
  const scratch = <usize>arg(p, 20) + <usize>tid * <usize>arg(p, 21);
  const col = align16(scratch + gemmScratchBytes());
  const units = gBatch * gGroups;
  const u0 = tid * units / nt, u1 = (tid + 1) * units / nt;
  const oneByOne = gKH == 1 && gKW == 1 && gSH == 1 && gSW == 1 && gPH == 0 && gPW == 0;
  for (let u = u0; u < u1; u++) {
    const nb = u / gGroups, gr = u % gGroups;
    const xg = ptr(x, (nb * gInC + gr * gCg) * gInH * gInW);
    let src = col;
    if (oneByOne) src = xg;
    else im2col(xg, col, false);
    const o = ptr(out, (nb * gOutC + gr * gOg) * gPlane);
    gemmCore(false, false, gOg, gPlane, gKk, ptr(w, gr * gOg * gKk), gKk, src, gPlane, o, gPlane, false, scratch);
    if (bias != 0) {
      for (let oc = 0; oc < gOg; oc++) {
        const bv = f32x4.splat(load<f32>(ptr(bias, gr * gOg + oc)));
        const row = ptr(o, oc * gPlane);
        let j = 0;
        for (; j + 4 <= gPlane; j += 4) v128.store(ptr(row, j), f32x4.add(v128.load(ptr(row, j)), bv));
        for (; j < gPlane; j++) store<f32>(ptr(row, j), load<f32>(ptr(row, j)) + f32x4.extract_lane(bv, 0));
      }
    }
  }
}

/** 16 dy, 17 weight, 19 dx (overwritten). */
export function conv2dBackwardInput(p: usize, tid: i32, nt: i32): void {
  readGeometry(p);
  const dy = <usize>arg(p, 16), w = <usize>arg(p, 17), dx = <usize>arg(p, 19);
  const scratch = <usize>arg(p, 20) + <usize>tid * <usize>arg(p, 21);
  const col = align16(scratch + gemmScratchBytes());
  const units = gBatch * gGroups;
  const u0 = tid * units / nt, u1 = (tid + 1) * units / nt;
  const imageBytes = <usize>(gCg * gInH * gInW) << 2;
  for (let u = u0; u < u1; u++) {
    const nb = u / gGroups, gr = u % gGroups;
    const dxg = ptr(dx, (nb * gInC + gr * gCg) * gInH * gInW);
    const dyg = ptr(dy, (nb * gOutC + gr * gOg) * gPlane);
    // dcol = W_gᵀ · dy_g, then scatter-add back into the image.
    gemmCore(true, false, gKk, gPlane, gOg, ptr(w, gr * gOg * gKk), gKk, dyg, gPlane, col, gPlane, false, scratch);
    memory.fill(dxg, 0, imageBytes);
    im2col(dxg, col, true);
  }
}

/** 16 dy, 17 x, 19 unused; each thread accumulates dW over its units into its own partial (after col). */
export function conv2dBackwardWeight(p: usize, tid: i32, nt: i32): void {
  readGeometry(p);
  const dy = <usize>arg(p, 16), x = <usize>arg(p, 17);
  const scratch = <usize>arg(p, 20) + <usize>tid * <usize>arg(p, 21);
  const col = align16(scratch + gemmScratchBytes());
  const partial = align16(ptr(col, gKk * gPlane));
  memory.fill(partial, 0, <usize>(gOutC * gKk) << 2);
  const units = gBatch * gGroups;
  const u0 = tid * units / nt, u1 = (tid + 1) * units / nt;
  for (let u = u0; u < u1; u++) {
    const nb = u / gGroups, gr = u % gGroups;
    im2col(ptr(x, (nb * gInC + gr * gCg) * gInH * gInW), col, false);
    // dW_g += dy_g · colᵀ
    gemmCore(false, true, gOg, gKk, gPlane, ptr(dy, (nb * gOutC + gr * gOg) * gPlane), gPlane, col, gPlane, ptr(partial, gr * gOg * gKk), gKk, true, scratch);
  }
}

/** Sums parts: 0 count, 1 number of parts, 2 first part, 3 bytes between parts, 4 destination. */
export function sumParts(p: usize, tid: i32, nt: i32): void {
  const count = arg(p, 0), parts = arg(p, 1);
  const first = <usize>arg(p, 2), stride = <usize>arg(p, 3), dst = <usize>arg(p, 4);
  // Split on multiples of 4 so every thread but the last runs whole vectors.
  const quads = (count + 3) >> 2;
  const i0 = min(count, (tid * quads / nt) << 2), i1 = min(count, ((tid + 1) * quads / nt) << 2);
  let i = i0;
  for (; i + 4 <= i1; i += 4) {
    let s = v128.load(ptr(first, i));
    for (let q = 1; q < parts; q++) s = f32x4.add(s, v128.load(ptr(first + <usize>q * stride, i)));
    v128.store(ptr(dst, i), s);
  }
  for (; i < i1; i++) {
    let s = load<f32>(ptr(first, i));
    for (let q = 1; q < parts; q++) s += load<f32>(ptr(first + <usize>q * stride, i));
    store<f32>(ptr(dst, i), s);
  }
}

/** Pool block: 0 batch, 1 channels, 2 inH, 3 inW, 4 outH, 5 outW, 6 kH, 7 kW, 8 sH, 9 sW, 10 pH, 11 pW, 12 dH, 13 dW; 16 x, 17 out, 18 argmax. */
export function maxPool2dForward(p: usize, tid: i32, nt: i32): void {
  const planes = arg(p, 0) * arg(p, 1);
  const inH = arg(p, 2), inW = arg(p, 3), outH = arg(p, 4), outW = arg(p, 5);
  const kH = arg(p, 6), kW = arg(p, 7), sH = arg(p, 8), sW = arg(p, 9), pH = arg(p, 10), pW = arg(p, 11), dH = arg(p, 12), dW = arg(p, 13);
  const x = <usize>arg(p, 16), out = <usize>arg(p, 17), argmax = <usize>arg(p, 18);
  const p0 = tid * planes / nt, p1 = (tid + 1) * planes / nt;
  if (kH == 2 && kW == 2 && sH == 2 && sW == 2 && pH == 0 && pW == 0 && dH == 1 && dW == 1 && outH * 2 <= inH && outW * 2 <= inW) {
    maxPool2x2(x, out, argmax, p0, p1, inH, inW, outH, outW);
    return;
  }
  for (let pl = p0; pl < p1; pl++) {
    const xo = ptr(x, pl * inH * inW);
    const oo = pl * outH * outW;
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        let best: f32 = -Infinity;
        let bestIdx = -1;
        for (let ki = 0; ki < kH; ki++) {
          const iy = oy * sH - pH + ki * dH;
          if (iy < 0 || iy >= inH) continue;
          let nan = false;
          for (let kj = 0; kj < kW; kj++) {
            const ix = ox * sW - pW + kj * dW;
            if (ix < 0 || ix >= inW) continue;
            const v = load<f32>(ptr(xo, iy * inW + ix));
            // torch propagates NaN and keeps the first maximum.
            if (v > best || v != v || bestIdx < 0) {
              best = v;
              bestIdx = iy * inW + ix;
              if (v != v) { nan = true; break; }
            }
          }
          if (nan) break;
        }
        store<f32>(ptr(out, oo + oy * outW + ox), best);
        store<i32>(ptr(argmax, oo + oy * outW + ox), bestIdx);
      }
    }
  }
}

/**
 * The common MaxPool2d(2), every window inside the image: four outputs at a
 * time with lane masks (wasm `select` on floats becomes a branch in V8, and on
 * random data it mispredicts). Same first-maximum and NaN rules as the reference:
 * a candidate wins when it is larger or NaN, unless the best so far is NaN.
 */
function maxPool2x2(x: usize, out: usize, argmax: usize, p0: i32, p1: i32, inH: i32, inW: i32, outH: i32, outW: i32): void {
  const step = i32x4.splat(8);
  for (let pl = p0; pl < p1; pl++) {
    const xo = ptr(x, pl * inH * inW);
    let o = pl * outH * outW;
    for (let oy = 0; oy < outH; oy++) {
      const row = 2 * oy * inW;
      const r0 = ptr(xo, row), r1 = ptr(r0, inW);
      let ox = 0;
      let idx0 = i32x4.add(i32x4.splat(row), i32x4(0, 2, 4, 6));
      for (; ox + 4 <= outW; ox += 4, o += 4) {
        const off = <usize>ox << 3;
        const a = v128.load(r0 + off), b = v128.load(r0 + off, 16);
        const c = v128.load(r1 + off), d = v128.load(r1 + off, 16);
        let best = f32x4.shuffle(a, b, 0, 2, 4, 6);
        let idx = idx0;
        let cand = f32x4.shuffle(a, b, 1, 3, 5, 7);
        let take = v128.and(v128.or(f32x4.gt(cand, best), f32x4.ne(cand, cand)), f32x4.eq(best, best));
        best = v128.bitselect(cand, best, take);
        idx = v128.bitselect(i32x4.add(idx0, i32x4.splat(1)), idx, take);
        cand = f32x4.shuffle(c, d, 0, 2, 4, 6);
        take = v128.and(v128.or(f32x4.gt(cand, best), f32x4.ne(cand, cand)), f32x4.eq(best, best));
        best = v128.bitselect(cand, best, take);
        idx = v128.bitselect(i32x4.add(idx0, i32x4.splat(inW)), idx, take);
        cand = f32x4.shuffle(c, d, 1, 3, 5, 7);
        take = v128.and(v128.or(f32x4.gt(cand, best), f32x4.ne(cand, cand)), f32x4.eq(best, best));
        best = v128.bitselect(cand, best, take);
        idx = v128.bitselect(i32x4.add(idx0, i32x4.splat(inW + 1)), idx, take);
        v128.store(ptr(out, o), best);
        v128.store(ptr(argmax, o), idx);
        idx0 = i32x4.add(idx0, step);
      }
      for (; ox < outW; ox++, o++) {
        const i = row + 2 * ox;
        const q0 = ptr(xo, i), q1 = ptr(q0, inW);
        let best = load<f32>(q0);
        let idx = i;
        let v = load<f32>(q0, 4);
        if (best == best && (v > best || v != v)) { best = v; idx = i + 1; }
        v = load<f32>(q1);
        if (best == best && (v > best || v != v)) { best = v; idx = i + inW; }
        v = load<f32>(q1, 4);
        if (best == best && (v > best || v != v)) { best = v; idx = i + inW + 1; }
        store<f32>(ptr(out, o), best);
        store<i32>(ptr(argmax, o), idx);
      }
    }
  }
}

/** 16 dy, 17 argmax, 18 dx (overwritten). */
export function maxPool2dBackward(p: usize, tid: i32, nt: i32): void {
  const planes = arg(p, 0) * arg(p, 1);
  const inPlane = arg(p, 2) * arg(p, 3), outPlane = arg(p, 4) * arg(p, 5);
  const dy = <usize>arg(p, 16), argmax = <usize>arg(p, 17), dx = <usize>arg(p, 18);
  const p0 = tid * planes / nt, p1 = (tid + 1) * planes / nt;
  for (let pl = p0; pl < p1; pl++) {
    const d = ptr(dx, pl * inPlane);
    memory.fill(d, 0, <usize>inPlane << 2);
    for (let j = 0; j < outPlane; j++) {
      const a = load<i32>(ptr(argmax, pl * outPlane + j));
      if (a >= 0) store<f32>(ptr(d, a), load<f32>(ptr(d, a)) + load<f32>(ptr(dy, pl * outPlane + j)));
    }
  }
}

/** Block: 0 batch, 1 channels, 2 plane, 3 dy, 4 db. db[c] = Σₙ Σⱼ dy[n, c, j] (the conv bias gradient), in float64, channels split over threads. */
export function channelSums(p: usize, tid: i32, nt: i32): void {
  const batch = arg(p, 0), channels = arg(p, 1), plane = arg(p, 2);
  const dy = <usize>arg(p, 3), db = <usize>arg(p, 4);
  const c0 = tid * channels / nt, c1 = (tid + 1) * channels / nt;
  for (let c = c0; c < c1; c++) {
    let lo = f64x2.splat(0), hi = f64x2.splat(0);
    let s: f64 = 0;
    for (let n = 0; n < batch; n++) {
      const row = ptr(dy, (n * channels + c) * plane);
      let j = 0;
      for (; j + 4 <= plane; j += 4) {
        const v = v128.load(ptr(row, j));
        lo = f64x2.add(lo, f64x2.promote_low_f32x4(v));
        hi = f64x2.add(hi, f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1)));
      }
      for (; j < plane; j++) s += <f64>load<f32>(ptr(row, j));
    }
    const t = f64x2.add(lo, hi);
    store<f32>(ptr(db, c), <f32>(s + f64x2.extract_lane(t, 0) + f64x2.extract_lane(t, 1)));
  }
}
