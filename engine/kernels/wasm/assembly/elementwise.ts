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

/**
 * Block: ColumnSumsArg (acc: cols float64 per thread).
 * out[b, j] = Σᵣ x[b, r, j] in float64, rows in order (as the reference), then
 * rounded once: nn.Linear's bias gradient (one block), a mean over the middle
 * axis (a block per outer index). One block: each thread takes a range of
 * columns; several: a range of blocks. The rows stream through a float64
 * accumulator row in L1.
 */
export function columnSums(p: usize, tid: i32, nt: i32): void {
  const blocks = arg(p, ColumnSumsArg.blocks), rows = arg(p, ColumnSumsArg.rows), cols = arg(p, ColumnSumsArg.cols);
  const x = <usize>arg(p, ColumnSumsArg.x), out = <usize>arg(p, ColumnSumsArg.out);
  const acc = <usize>arg(p, ColumnSumsArg.acc) + (<usize>(tid * cols) << 3);
  if (blocks > 1) {
    const b1 = (tid + 1) * blocks / nt;
    for (let b = tid * blocks / nt; b < b1; b++) sumColumns(x + (<usize>(b * rows * cols) << 2), out + (<usize>(b * cols) << 2), acc, rows, cols, 0, cols);
    return;
  }
  const quads = (cols + 3) >> 2;
  const c0 = min(cols, (tid * quads / nt) << 2), c1 = min(cols, ((tid + 1) * quads / nt) << 2);
  sumColumns(x, out, acc, rows, cols, c0, c1);
}

/** Columns c0 … c1 − 1 of one [rows, cols] block into out, through acc. */
// @ts-ignore: decorator
@inline
function sumColumns(x: usize, out: usize, acc: usize, rows: i32, cols: i32, c0: i32, c1: i32): void {
  if (c0 >= c1) return;
  memory.fill(acc, 0, <usize>(c1 - c0) << 3);
  for (let r = 0; r < rows; r++) {
    const row = x + (<usize>(r * cols + c0) << 2);
    let j = 0;
    for (; j + 4 <= c1 - c0; j += 4) {
      const v = v128.load(row + (<usize>j << 2));
      const a = acc + (<usize>j << 3);
      v128.store(a, f64x2.add(v128.load(a), f64x2.promote_low_f32x4(v)));
      v128.store(a, f64x2.add(v128.load(a, 16), f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1))), 16);
    }
    for (; j < c1 - c0; j++) {
      const a = acc + (<usize>j << 3);
      store<f64>(a, load<f64>(a) + <f64>load<f32>(row + (<usize>j << 2)));
    }
  }
  for (let j = 0; j < c1 - c0; j++) store<f32>(out + (<usize>(c0 + j) << 2), <f32>load<f64>(acc + (<usize>j << 3)));
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
