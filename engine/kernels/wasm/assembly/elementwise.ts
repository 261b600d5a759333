/** Element-wise kernels, four lanes at a time, each thread on its own aligned range. */
import { AddArraysArg, ColumnSumsArg, MaskMultiplyArg, ReluBackwardArg, ReluForwardArg, SgdArg } from './layout';
import { arg } from './param-block';

/** Block: ReluForwardArg. y = x where x > 0 else 0 (NaN → 0, as the reference). */
export function reluForward(p: usize, tid: i32, nt: i32): void {
  const n = arg(p, ReluForwardArg.n);
  const x = <usize>arg(p, ReluForwardArg.x), y = <usize>arg(p, ReluForwardArg.y);
  const quads = (n + 3) >> 2;
  const i0 = min(n, (tid * quads / nt) << 2), i1 = min(n, ((tid + 1) * quads / nt) << 2);
  const zero = f32x4.splat(0);
  let i = i0;
  for (; i + 4 <= i1; i += 4) {
    const v = v128.load(x + (<usize>i << 2));
    v128.store(y + (<usize>i << 2), v128.and(v, f32x4.gt(v, zero)));
  }
  for (; i < i1; i++) {
    const v = load<f32>(x + (<usize>i << 2));
    store<f32>(y + (<usize>i << 2), v > 0 ? v : 0);
  }
}

/** Block: SgdArg. w ← w − lr·(g + λ·w), in place. */
export function sgdUpdate(p: usize, tid: i32, nt: i32): void {
  const n = arg(p, SgdArg.n);
  const w = <usize>arg(p, SgdArg.w), g = <usize>arg(p, SgdArg.g);
  const lr = reinterpret<f32>(arg(p, SgdArg.lr)), wd = reinterpret<f32>(arg(p, SgdArg.weightDecay));
  const quads = (n + 3) >> 2;
  const i0 = min(n, (tid * quads / nt) << 2), i1 = min(n, ((tid + 1) * quads / nt) << 2);
  const vlr = f32x4.splat(lr), vwd = f32x4.splat(wd);
  let i = i0;
  for (; i + 4 <= i1; i += 4) {
    const o = <usize>i << 2;
    const x = v128.load(w + o);
    const d = f32x4.add(v128.load(g + o), f32x4.mul(vwd, x));
    v128.store(w + o, f32x4.sub(x, f32x4.mul(vlr, d)));
  }
  for (; i < i1; i++) {
    const o = <usize>i << 2;
    const x = load<f32>(w + o);
    store<f32>(w + o, x - lr * (load<f32>(g + o) + wd * x));
  }
}

/** Block: ReluBackwardArg. dx = dy where x > 0 else 0. */
export function reluBackward(p: usize, tid: i32, nt: i32): void {
  const n = arg(p, ReluBackwardArg.n);
  const x = <usize>arg(p, ReluBackwardArg.x), dy = <usize>arg(p, ReluBackwardArg.dy), dx = <usize>arg(p, ReluBackwardArg.dx);
  const quads = (n + 3) >> 2;
  const i0 = min(n, (tid * quads / nt) << 2), i1 = min(n, ((tid + 1) * quads / nt) << 2);
  const zero = f32x4.splat(0);
  let i = i0;
  for (; i + 4 <= i1; i += 4) {
    const o = <usize>i << 2;
    v128.store(dx + o, v128.and(v128.load(dy + o), f32x4.gt(v128.load(x + o), zero)));
  }
  for (; i < i1; i++) {
    const o = <usize>i << 2;
    store<f32>(dx + o, load<f32>(x + o) > 0 ? load<f32>(dy + o) : 0);
  }
}

/** The float64 values of a float32x4's low and high lane pairs. */
// @ts-ignore: decorator
@inline
function low64(v: v128): v128 {
  return f64x2.promote_low_f32x4(v);
}

// @ts-ignore: decorator
@inline
function high64(v: v128): v128 {
  return f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1));
}

/** Two float64x2 sums rounded to four float32s at p. */
// @ts-ignore: decorator
@inline
function store4(p: usize, a: v128, b: v128): void {
  v128.store(p, i32x4.shuffle(f32x4.demote_f64x2_zero(a), f32x4.demote_f64x2_zero(b), 0, 1, 4, 5));
}

/**
 * Block: ColumnSumsArg.
 * out[b, j] = Σᵣ x[b, r, j] in float64, rows in order (as the reference), then
 * rounded once: nn.Linear's bias gradient (one block), a mean over the middle
 * axis (a block per outer index). One block: each thread takes a range of
 * columns; several: a range of blocks.
 */
export function columnSums(p: usize, tid: i32, nt: i32): void {
  const blocks = arg(p, ColumnSumsArg.blocks), rows = arg(p, ColumnSumsArg.rows), cols = arg(p, ColumnSumsArg.cols);
  const x = <usize>arg(p, ColumnSumsArg.x), out = <usize>arg(p, ColumnSumsArg.out);
  if (blocks > 1) {
    const b1 = (tid + 1) * blocks / nt;
    for (let b = tid * blocks / nt; b < b1; b++) sumColumns(x + (<usize>(b * rows * cols) << 2), out + (<usize>(b * cols) << 2), rows, cols, 0, cols);
    return;
  }
  const quads = (cols + 3) >> 2;
  const c0 = min(cols, (tid * quads / nt) << 2), c1 = min(cols, ((tid + 1) * quads / nt) << 2);
  sumColumns(x, out, rows, cols, c0, c1);
}

/**
 * Columns c0 … c1 − 1 of one [rows, cols] block into out: sixteen columns at a
 * time are summed in registers while the rows stream through (one cache line
 * a row), where a float64 row in memory would be loaded and stored again for
 * every row.
 */
// @ts-ignore: decorator
@inline
function sumColumns(x: usize, out: usize, rows: i32, cols: i32, c0: i32, c1: i32): void {
  const stride = <usize>cols << 2;
  let c = c0;
  for (; c + 16 <= c1; c += 16) {
    let a0 = f64x2.splat(0), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
    let px = x + (<usize>c << 2);
    for (let r = 0; r < rows; r++, px += stride) {
      const v0 = v128.load(px), v1 = v128.load(px, 16), v2 = v128.load(px, 32), v3 = v128.load(px, 48);
      a0 = f64x2.add(a0, low64(v0)); a1 = f64x2.add(a1, high64(v0));
      a2 = f64x2.add(a2, low64(v1)); a3 = f64x2.add(a3, high64(v1));
      a4 = f64x2.add(a4, low64(v2)); a5 = f64x2.add(a5, high64(v2));
      a6 = f64x2.add(a6, low64(v3)); a7 = f64x2.add(a7, high64(v3));
    }
    const po = out + (<usize>c << 2);
    store4(po, a0, a1);
    store4(po + 16, a2, a3);
    store4(po + 32, a4, a5);
    store4(po + 48, a6, a7);
  }
  for (; c + 4 <= c1; c += 4) {
    let a0 = f64x2.splat(0), a1 = a0;
    let px = x + (<usize>c << 2);
    for (let r = 0; r < rows; r++, px += stride) {
      const v = v128.load(px);
      a0 = f64x2.add(a0, low64(v));
      a1 = f64x2.add(a1, high64(v));
    }
    store4(out + (<usize>c << 2), a0, a1);
  }
  for (; c < c1; c++) {
    let a: f64 = 0;
    let px = x + (<usize>c << 2);
    for (let r = 0; r < rows; r++, px += stride) a += <f64>load<f32>(px);
    store<f32>(out + (<usize>c << 2), <f32>a);
  }
}

/** Block: MaskMultiplyArg. y = x·(mask·scale): applying a dropout keep-mask, forward and backward (y may be x). */
export function maskMultiply(p: usize, tid: i32, nt: i32): void {
  const n = arg(p, MaskMultiplyArg.n);
  const x = <usize>arg(p, MaskMultiplyArg.x), mask = <usize>arg(p, MaskMultiplyArg.mask), y = <usize>arg(p, MaskMultiplyArg.y);
  const scale = reinterpret<f32>(arg(p, MaskMultiplyArg.scale));
  const quads = (n + 3) >> 2;
  const i0 = min(n, (tid * quads / nt) << 2), i1 = min(n, ((tid + 1) * quads / nt) << 2);
  const vs = f32x4.splat(scale);
  let i = i0;
  for (; i + 4 <= i1; i += 4) {
    const o = <usize>i << 2;
    v128.store(y + o, f32x4.mul(v128.load(x + o), f32x4.mul(v128.load(mask + o), vs)));
  }
  for (; i < i1; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, load<f32>(x + o) * (load<f32>(mask + o) * scale));
  }
}

/** Block: AddArraysArg. y = a + b: the residual add and autograd's gradient sums (y may be a or b). */
export function addArrays(p: usize, tid: i32, nt: i32): void {
  const n = arg(p, AddArraysArg.n);
  const a = <usize>arg(p, AddArraysArg.a), b = <usize>arg(p, AddArraysArg.b), y = <usize>arg(p, AddArraysArg.y);
  const quads = (n + 3) >> 2;
  const i0 = min(n, (tid * quads / nt) << 2), i1 = min(n, ((tid + 1) * quads / nt) << 2);
  let i = i0;
  for (; i + 4 <= i1; i += 4) {
    const o = <usize>i << 2;
    v128.store(y + o, f32x4.add(v128.load(a + o), v128.load(b + o)));
  }
  for (; i < i1; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, load<f32>(a + o) + load<f32>(b + o));
  }
}
