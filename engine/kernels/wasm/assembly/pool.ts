/**
 * Max pooling, the same algorithm as the TypeScript reference: per output the
 * first maximum of its window (NaN wins and stays) and its flat index in the
 * input plane. With `relu`, the window's values go through ReLU first (max
 * commutes with it), and a window whose max is 0 gets index -1: ReLU's
 * gradient is 0 there, so the backward needs no change. Threads take whole planes.
 */
import { PoolArg } from './layout';
import { arg } from './param-block';
import { ptr } from './address';

/** relu(v) as the reference's reluForward (NaN gives 0) when asked, else v. */
// @ts-ignore: decorator
@inline
function reluIf(relu: bool, v: f32): f32 {
  return relu && !(v > 0) ? 0 : v;
}

/** Whether the block is MaxPool2d(2) with every window inside the image (the four-at-a-time paths). */
function isPool2x2(p: usize): bool {
  return arg(p, PoolArg.kH) == 2 && arg(p, PoolArg.kW) == 2 && arg(p, PoolArg.strideH) == 2 && arg(p, PoolArg.strideW) == 2
    && arg(p, PoolArg.padH) == 0 && arg(p, PoolArg.padW) == 0 && arg(p, PoolArg.dilationH) == 1 && arg(p, PoolArg.dilationW) == 1
    && arg(p, PoolArg.outH) * 2 <= arg(p, PoolArg.inH) && arg(p, PoolArg.outW) * 2 <= arg(p, PoolArg.inW);
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
  if (isPool2x2(p)) {
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
 * With relu, the max of the ReLU'd window (no NaN remains) and an index whose
 * max is 0 becomes -1 (all bits set). A row's last outputs, past a multiple of
 * four, are the last four again (the same values written twice), so no scalar
 * tail runs (at 14×14, three outputs in seven).
 */
function maxPool2x2(x: usize, out: usize, argmax: usize, p0: i32, p1: i32, inH: i32, inW: i32, outH: i32, outW: i32, relu: bool): void {
  for (let pl = p0; pl < p1; pl++) {
    const xo = ptr(x, pl * inH * inW);
    const o = pl * outH * outW;
    for (let oy = 0; oy < outH; oy++) {
      const row = 2 * oy * inW, oo = o + oy * outW;
      let ox = 0;
      for (; ox + 4 <= outW; ox += 4) pool4(xo, row, inW, ox, ptr(out, oo + ox), ptr(argmax, oo + ox), relu);
      if (ox < outW && outW >= 4) pool4(xo, row, inW, outW - 4, ptr(out, oo + outW - 4), ptr(argmax, oo + outW - 4), relu);
      else for (; ox < outW; ox++) pool1(xo, row + 2 * ox, inW, ptr(out, oo + ox), ptr(argmax, oo + ox), relu);
    }
  }
}

/** Outputs ox..ox+3 of the row pair starting at `row`. */
// @ts-ignore: decorator
@inline
function pool4(xo: usize, row: i32, inW: i32, ox: i32, out: usize, argmax: usize, relu: bool): void {
  const zero = f32x4.splat(0);
  const r0 = ptr(xo, row + 2 * ox), r1 = ptr(r0, inW);
  const a = v128.load(r0), b = v128.load(r0, 16);
  const c = v128.load(r1), d = v128.load(r1, 16);
  const idx0 = i32x4.add(i32x4.splat(row + 2 * ox), i32x4(0, 2, 4, 6));
  let best = f32x4.shuffle(a, b, 0, 2, 4, 6);
  let idx = idx0;
  const c1 = f32x4.shuffle(a, b, 1, 3, 5, 7), c2 = f32x4.shuffle(c, d, 0, 2, 4, 6), c3 = f32x4.shuffle(c, d, 1, 3, 5, 7);
  if (relu) {
    // ReLU of the first candidate only: pmax(0, v) is 0 < v ? v : +0, the reference's ReLU (NaN and -0 give +0). With
    // the best at or above +0 and never NaN, a raw candidate is larger exactly when its ReLU is (NaN, -0 and negatives
    // never are), and the larger is pmax(best, cand) (best < cand ? cand : best, one instruction): the same lanes and
    // indices as ReLU on every value and the general rule below, which costs seven instructions a candidate.
    best = f32x4.pmax(zero, best);
    let take = f32x4.gt(c1, best);
    best = f32x4.pmax(best, c1);
    idx = v128.bitselect(i32x4.add(idx0, i32x4.splat(1)), idx, take);
    take = f32x4.gt(c2, best);
    best = f32x4.pmax(best, c2);
    idx = v128.bitselect(i32x4.add(idx0, i32x4.splat(inW)), idx, take);
    take = f32x4.gt(c3, best);
    best = f32x4.pmax(best, c3);
    idx = v128.bitselect(i32x4.add(idx0, i32x4.splat(inW + 1)), idx, take);
  } else {
    let take = v128.and(v128.or(f32x4.gt(c1, best), f32x4.ne(c1, c1)), f32x4.eq(best, best));
    best = v128.bitselect(c1, best, take);
    idx = v128.bitselect(i32x4.add(idx0, i32x4.splat(1)), idx, take);
    take = v128.and(v128.or(f32x4.gt(c2, best), f32x4.ne(c2, c2)), f32x4.eq(best, best));
    best = v128.bitselect(c2, best, take);
    idx = v128.bitselect(i32x4.add(idx0, i32x4.splat(inW)), idx, take);
    take = v128.and(v128.or(f32x4.gt(c3, best), f32x4.ne(c3, c3)), f32x4.eq(best, best));
    best = v128.bitselect(c3, best, take);
    idx = v128.bitselect(i32x4.add(idx0, i32x4.splat(inW + 1)), idx, take);
  }
  v128.store(out, best);
  v128.store(argmax, relu ? v128.or(idx, f32x4.eq(best, zero)) : idx);
}

/** One output whose window starts at flat index i (rows narrower than four outputs). */
function pool1(xo: usize, i: i32, inW: i32, out: usize, argmax: usize, relu: bool): void {
  const q0 = ptr(xo, i), q1 = ptr(q0, inW);
  let best = reluIf(relu, load<f32>(q0));
  let idx = i;
  let v = reluIf(relu, load<f32>(q0, 4));
  if (best == best && (v > best || v != v)) { best = v; idx = i + 1; }
  v = reluIf(relu, load<f32>(q1));
  if (best == best && (v > best || v != v)) { best = v; idx = i + inW; }
  v = reluIf(relu, load<f32>(q1, 4));
  if (best == best && (v > best || v != v)) { best = v; idx = i + inW + 1; }
  store<f32>(out, best);
  store<i32>(argmax, relu && best == 0 ? -1 : idx);
}

/** PoolArg: dy, argmax → out (dx, overwritten). */
export function maxPool2dBackward(p: usize, tid: i32, nt: i32): void {
  const planes = arg(p, PoolArg.batch) * arg(p, PoolArg.channels);
  const inH = arg(p, PoolArg.inH), inW = arg(p, PoolArg.inW), outH = arg(p, PoolArg.outH), outW = arg(p, PoolArg.outW);
  const inPlane = inH * inW, outPlane = outH * outW;
  const dy = <usize>arg(p, PoolArg.dy), argmax = <usize>arg(p, PoolArg.argmax), dx = <usize>arg(p, PoolArg.out);
  const p0 = tid * planes / nt, p1 = (tid + 1) * planes / nt;
  if (isPool2x2(p)) {
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
  for (let pl = p0; pl < p1; pl++) {
    const d = ptr(dx, pl * inH * inW);
    const o = pl * outH * outW;
    for (let oy = 0; oy < outH; oy++) {
      const row = 2 * oy * inW, oo = o + oy * outW;
      let ox = 0;
      for (; ox + 4 <= outW; ox += 4) unpool4(d, row, inW, ox, ptr(dy, oo + ox), ptr(argmax, oo + ox));
      if (ox < outW && outW >= 4) unpool4(d, row, inW, outW - 4, ptr(dy, oo + outW - 4), ptr(argmax, oo + outW - 4));
      else for (; ox < outW; ox++) unpool1(d, row, inW, ox, ptr(dy, oo + ox), ptr(argmax, oo + ox));
      // Columns no window covers.
      for (let x = 2 * outW; x < inW; x++) {
        store<f32>(ptr(d, row + x), 0);
        store<f32>(ptr(d, row + inW + x), 0);
      }
    }
    // Rows no window covers, if any: memory.fill calls out of wasm even for no bytes, once per plane.
    if (inH > 2 * outH) memory.fill(ptr(d, 2 * outH * inW), 0, <usize>((inH - 2 * outH) * inW) << 2);
  }
}

/** The inputs of windows ox..ox+3 in the row pair starting at `row` (the last four of a row may be written twice, alike). */
// @ts-ignore: decorator
@inline
function unpool4(d: usize, row: i32, inW: i32, ox: i32, dy: usize, argmax: usize): void {
  // 0 + dy once, before the masks (a masked-out lane is +0 either way): -0 becomes +0 as the scatter's add makes it.
  const g = f32x4.add(f32x4.splat(0), v128.load(dy)), a = v128.load(argmax);
  const idx0 = i32x4.add(i32x4.splat(row + 2 * ox), i32x4(0, 2, 4, 6));
  const e0 = v128.and(g, i32x4.eq(a, idx0)), e1 = v128.and(g, i32x4.eq(a, i32x4.add(idx0, i32x4.splat(1))));
  const e2 = v128.and(g, i32x4.eq(a, i32x4.add(idx0, i32x4.splat(inW)))), e3 = v128.and(g, i32x4.eq(a, i32x4.add(idx0, i32x4.splat(inW + 1))));
  const r0 = ptr(d, row + 2 * ox), r1 = ptr(r0, inW);
  v128.store(r0, f32x4.shuffle(e0, e1, 0, 4, 1, 5));
  v128.store(r0, f32x4.shuffle(e0, e1, 2, 6, 3, 7), 16);
  v128.store(r1, f32x4.shuffle(e2, e3, 0, 4, 1, 5));
  v128.store(r1, f32x4.shuffle(e2, e3, 2, 6, 3, 7), 16);
}

/** The inputs of window ox alone (rows narrower than four windows). */
function unpool1(d: usize, row: i32, inW: i32, ox: i32, dy: usize, argmax: usize): void {
  const a = load<i32>(argmax) - row - 2 * ox, g = <f32>0 + load<f32>(dy);
  const r0 = ptr(d, row + 2 * ox), r1 = ptr(r0, inW);
  store<f32>(r0, a == 0 ? g : 0);
  store<f32>(r0, a == 1 ? g : 0, 4);
  store<f32>(r1, a == inW ? g : 0);
  store<f32>(r1, a == inW + 1 ? g : 0, 4);
}
