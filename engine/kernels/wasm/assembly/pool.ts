/**
 * Max pooling, the same algorithm as the TypeScript reference: per output the
 * first maximum of its window (NaN wins and stays) and its flat index in the
 * input plane. With `relu`, the window's values go through ReLU first (max
 * commutes with it), and a window whose max is 0 gets index -1: ReLU's
 * gradient is 0 there, so the backward needs no change. Threads take whole planes.
 */
import { PoolArg } from './layout';
import { arg } from './param-block';

// @ts-ignore: decorator
@inline
function ptr(base: usize, index: i32): usize {
  return base + (<usize>index << 2);
}

/** relu(v) as the reference's reluForward (NaN gives 0) when asked, else v. */
// @ts-ignore: decorator
@inline
function reluIf(relu: bool, v: f32): f32 {
  return relu && !(v > 0) ? 0 : v;
}

/** Pool block: PoolArg. */
export function maxPool2dForward(p: usize, tid: i32, nt: i32): void {
  const planes = arg(p, PoolArg.batch) * arg(p, PoolArg.channels);
  const inH = arg(p, PoolArg.inH), inW = arg(p, PoolArg.inW), outH = arg(p, PoolArg.outH), outW = arg(p, PoolArg.outW);
  const kH = arg(p, PoolArg.kH), kW = arg(p, PoolArg.kW), sH = arg(p, PoolArg.strideH), sW = arg(p, PoolArg.strideW);
  const pH = arg(p, PoolArg.padH), pW = arg(p, PoolArg.padW), dH = arg(p, PoolArg.dilationH), dW = arg(p, PoolArg.dilationW);
  const x = <usize>arg(p, PoolArg.x), out = <usize>arg(p, PoolArg.out), argmax = <usize>arg(p, PoolArg.argmax);
  const relu = arg(p, PoolArg.relu) != 0;
  const p0 = tid * planes / nt, p1 = (tid + 1) * planes / nt;
  if (kH == 2 && kW == 2 && sH == 2 && sW == 2 && pH == 0 && pW == 0 && dH == 1 && dW == 1 && outH * 2 <= inH && outW * 2 <= inW) {
    maxPool2x2(x, out, argmax, p0, p1, inH, inW, outH, outW, relu);
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
            const v = reluIf(relu, load<f32>(ptr(xo, iy * inW + ix)));
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
        store<i32>(ptr(argmax, oo + oy * outW + ox), relu && best == 0 ? -1 : bestIdx);
      }
    }
  }
}

/**
 * The common MaxPool2d(2), every window inside the image: four outputs at a
 * time with lane masks (wasm `select` on floats becomes a branch in V8, and on
 * random data it mispredicts). Same first-maximum and NaN rules as the reference:
 * a candidate wins when it is larger or NaN, unless the best so far is NaN.
 * With relu, each value is ReLU'd as loaded (no NaN remains) and an index whose
 * max is 0 becomes -1 (all bits set).
 */
function maxPool2x2(x: usize, out: usize, argmax: usize, p0: i32, p1: i32, inH: i32, inW: i32, outH: i32, outW: i32, relu: bool): void {
  const step = i32x4.splat(8), zero = f32x4.splat(0);
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
        let a = v128.load(r0 + off), b = v128.load(r0 + off, 16);
        let c = v128.load(r1 + off), d = v128.load(r1 + off, 16);
        if (relu) {
          a = v128.and(a, f32x4.gt(a, zero)); b = v128.and(b, f32x4.gt(b, zero));
          c = v128.and(c, f32x4.gt(c, zero)); d = v128.and(d, f32x4.gt(d, zero));
        }
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
        v128.store(ptr(argmax, o), relu ? v128.or(idx, f32x4.eq(best, zero)) : idx);
        idx0 = i32x4.add(idx0, step);
      }
      for (; ox < outW; ox++, o++) {
        const i = row + 2 * ox;
        const q0 = ptr(xo, i), q1 = ptr(q0, inW);
        let best = reluIf(relu, load<f32>(q0));
        let idx = i;
        let v = reluIf(relu, load<f32>(q0, 4));
        if (best == best && (v > best || v != v)) { best = v; idx = i + 1; }
        v = reluIf(relu, load<f32>(q1));
        if (best == best && (v > best || v != v)) { best = v; idx = i + inW; }
        v = reluIf(relu, load<f32>(q1, 4));
        if (best == best && (v > best || v != v)) { best = v; idx = i + inW + 1; }
        store<f32>(ptr(out, o), best);
        store<i32>(ptr(argmax, o), relu && best == 0 ? -1 : idx);
      }
    }
  }
}

/** PoolArg: dy, argmax → out (dx, overwritten). */
export function maxPool2dBackward(p: usize, tid: i32, nt: i32): void {
  const planes = arg(p, PoolArg.batch) * arg(p, PoolArg.channels);
  const inH = arg(p, PoolArg.inH), inW = arg(p, PoolArg.inW), outH = arg(p, PoolArg.outH), outW = arg(p, PoolArg.outW);
  const inPlane = inH * inW, outPlane = outH * outW;
  const dy = <usize>arg(p, PoolArg.dy), argmax = <usize>arg(p, PoolArg.argmax), dx = <usize>arg(p, PoolArg.out);
  const p0 = tid * planes / nt, p1 = (tid + 1) * planes / nt;
  if (arg(p, PoolArg.kH) == 2 && arg(p, PoolArg.kW) == 2 && arg(p, PoolArg.strideH) == 2 && arg(p, PoolArg.strideW) == 2
    && arg(p, PoolArg.padH) == 0 && arg(p, PoolArg.padW) == 0 && arg(p, PoolArg.dilationH) == 1 && arg(p, PoolArg.dilationW) == 1
    && outH * 2 <= inH && outW * 2 <= inW) {
    unpool2x2(dy, argmax, dx, p0, p1, inH, inW, outH, outW);
    return;
  }
  for (let pl = p0; pl < p1; pl++) {
    const d = ptr(dx, pl * inPlane);
    memory.fill(d, 0, <usize>inPlane << 2);
    for (let j = 0; j < outPlane; j++) {
      const a = load<i32>(ptr(argmax, pl * outPlane + j));
      if (a >= 0) store<f32>(ptr(d, a), load<f32>(ptr(d, a)) + load<f32>(ptr(dy, pl * outPlane + j)));
    }
  }
}

/**
 * The backward of MaxPool2d(2): windows do not overlap, so each input gets
 * its window's dy or 0, written once (no zero fill, then scatter), four
 * windows at a time. 0 + dy, as the scatter adds, so -0 becomes +0 alike.
 */
function unpool2x2(dy: usize, argmax: usize, dx: usize, p0: i32, p1: i32, inH: i32, inW: i32, outH: i32, outW: i32): void {
  const zero = f32x4.splat(0), step = i32x4.splat(8);
  for (let pl = p0; pl < p1; pl++) {
    const d = ptr(dx, pl * inH * inW);
    let o = pl * outH * outW;
    for (let oy = 0; oy < outH; oy++) {
      const row = 2 * oy * inW;
      const r0 = ptr(d, row), r1 = ptr(r0, inW);
      let idx0 = i32x4.add(i32x4.splat(row), i32x4(0, 2, 4, 6));
      let ox = 0;
      for (; ox + 4 <= outW; ox += 4, o += 4) {
        const g = v128.load(ptr(dy, o)), a = v128.load(ptr(argmax, o));
        const off = <usize>ox << 3;
        const e0 = v128.and(g, i32x4.eq(a, idx0)), e1 = v128.and(g, i32x4.eq(a, i32x4.add(idx0, i32x4.splat(1))));
        const e2 = v128.and(g, i32x4.eq(a, i32x4.add(idx0, i32x4.splat(inW)))), e3 = v128.and(g, i32x4.eq(a, i32x4.add(idx0, i32x4.splat(inW + 1))));
        v128.store(r0 + off, f32x4.add(zero, f32x4.shuffle(e0, e1, 0, 4, 1, 5)));
        v128.store(r0 + off, f32x4.add(zero, f32x4.shuffle(e0, e1, 2, 6, 3, 7)), 16);
        v128.store(r1 + off, f32x4.add(zero, f32x4.shuffle(e2, e3, 0, 4, 1, 5)));
        v128.store(r1 + off, f32x4.add(zero, f32x4.shuffle(e2, e3, 2, 6, 3, 7)), 16);
        idx0 = i32x4.add(idx0, step);
      }
      for (; ox < outW; ox++, o++) {
        const a = load<i32>(ptr(argmax, o)) - row - 2 * ox, g = <f32>0 + load<f32>(ptr(dy, o));
        store<f32>(ptr(r0, 2 * ox), a == 0 ? g : 0);
        store<f32>(ptr(r0, 2 * ox + 1), a == 1 ? g : 0);
        store<f32>(ptr(r1, 2 * ox), a == inW ? g : 0);
        store<f32>(ptr(r1, 2 * ox + 1), a == inW + 1 ? g : 0);
      }
      // Columns no window covers.
      for (let x = 2 * outW; x < inW; x++) {
        store<f32>(ptr(r0, x), 0);
        store<f32>(ptr(r1, x), 0);
      }
    }
    // Rows no window covers.
    memory.fill(ptr(d, 2 * outH * inW), 0, <usize>((inH - 2 * outH) * inW) << 2);
  }
}
