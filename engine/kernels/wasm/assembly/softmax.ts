/**
 * Softmax over contiguous rows (the attention hot spot), four lanes at a time,
 * each thread on its own rows. exp is Cephes' expf on four lanes: exp(x) =
 * 2ⁿ·exp(r), n = round(x·log₂e), r = x − n·ln2 in two parts, a degree-6
 * polynomial for exp(r) (about 1 ulp); below −87.3 (2⁻¹²⁶) it gives 0.
 * NaN propagates through max and exp, so a NaN row (or a row masked
 * everywhere, −∞ − −∞) comes out NaN as in the reference.
 */
import { SoftmaxBackwardArg, SoftmaxForwardArg } from './layout';
import { arg } from './param-block';
import { madd } from './simd';

const LO: f32 = -87.33654;
/** 1.5·2²³: adding it rounds |t| < 2²² to the nearest integer (ties to even, as f32x4.nearest) in the low mantissa bits. */
const ROUNDER: f32 = 12582912;

/** exp's constants, each in four lanes, in the order of Exp. */
const EXP_CONSTANTS = memory.data<f32>([
  88.37626, 88.37626, 88.37626, 88.37626,
  LO, LO, LO, LO,
  1.44269504088896341, 1.44269504088896341, 1.44269504088896341, 1.44269504088896341,
  ROUNDER, ROUNDER, ROUNDER, ROUNDER,
  0.693359375, 0.693359375, 0.693359375, 0.693359375,
  -2.12194440e-4, -2.12194440e-4, -2.12194440e-4, -2.12194440e-4,
  1.9875691500e-4, 1.9875691500e-4, 1.9875691500e-4, 1.9875691500e-4,
  1.3981999507e-3, 1.3981999507e-3, 1.3981999507e-3, 1.3981999507e-3,
  8.3334519073e-3, 8.3334519073e-3, 8.3334519073e-3, 8.3334519073e-3,
  4.1665795894e-2, 4.1665795894e-2, 4.1665795894e-2, 4.1665795894e-2,
  1.6666665459e-1, 1.6666665459e-1, 1.6666665459e-1, 1.6666665459e-1,
  5.0000001201e-1, 5.0000001201e-1, 5.0000001201e-1, 5.0000001201e-1,
  1, 1, 1, 1,
  reinterpret<f32>(<i32>127), reinterpret<f32>(<i32>127), reinterpret<f32>(<i32>127), reinterpret<f32>(<i32>127),
], 16);
enum Exp { HI, LO, LOG2E, ROUNDER, LN2_HI, LN2_LO, P0, P1, P2, P3, P4, P5, ONE, BIAS }

/**
 * Constant i of exp, loaded: V8 keeps only a few of the fourteen in registers and rebuilds the others from immediates
 * at every use (three instructions each); a load is one.
 */
// @ts-ignore: decorator
@inline
function k(i: Exp): v128 {
  return v128.load(EXP_CONSTANTS + (<usize>i << 4));
}

// @ts-ignore: decorator
@inline
function expv(x: v128): v128 {
  // pmin/pmax are one instruction each where min/max are eight; x NaN stays NaN through both (it is their first operand).
  const c = f32x4.pmax(f32x4.pmin(x, k(Exp.HI)), k(Exp.LO));
  // n = round(c·log₂e) as a float (fx) and, in the low bits of t, as an integer: no float→int conversion.
  const t = f32x4.add(f32x4.mul(c, k(Exp.LOG2E)), k(Exp.ROUNDER));
  const fx = f32x4.sub(t, k(Exp.ROUNDER));
  let r = f32x4.sub(c, f32x4.mul(fx, k(Exp.LN2_HI)));
  r = f32x4.sub(r, f32x4.mul(fx, k(Exp.LN2_LO)));
  let y = k(Exp.P0);
  y = madd(y, r, k(Exp.P1));
  y = madd(y, r, k(Exp.P2));
  y = madd(y, r, k(Exp.P3));
  y = madd(y, r, k(Exp.P4));
  y = madd(y, r, k(Exp.P5));
  y = f32x4.add(madd(y, f32x4.mul(r, r), r), k(Exp.ONE));
  // 2ⁿ: t's low bits are n (mod 2⁹, above ROUNDER's bits), so (t + 127) << 23 is the exponent field of n + 127 ∈ [1, 255].
  const pow2 = i32x4.shl(i32x4.add(t, k(Exp.BIAS)), 23);
  // Lanes below the range underflow to 0; NaN compares false and stays NaN.
  return v128.andnot(f32x4.mul(y, pow2), f32x4.lt(x, k(Exp.LO)));
}

// @ts-ignore: decorator
@inline
function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

// @ts-ignore: decorator
@inline
function hmax(v: v128): f32 {
  const m = f32x4.max(v, f32x4.shuffle(v, v, 2, 3, 0, 1));
  return max(f32x4.extract_lane(m, 0), f32x4.extract_lane(m, 1));
}

/** Block: SoftmaxForwardArg. y = softmax(scale·x) per row. */
export function softmaxForward(p: usize, tid: i32, nt: i32): void {
  const rows = arg(p, SoftmaxForwardArg.rows), len = arg(p, SoftmaxForwardArg.len);
  const scale = reinterpret<f32>(arg(p, SoftmaxForwardArg.scale));
  const x = <usize>arg(p, SoftmaxForwardArg.x), y = <usize>arg(p, SoftmaxForwardArg.y);
  const vs = f32x4.splat(scale);
  const r0 = tid * rows / nt, r1 = (tid + 1) * rows / nt;
  for (let r = r0; r < r1; r++) {
    const xr = x + (<usize>r * <usize>len << 2), yr = y + (<usize>r * <usize>len << 2);
    let vm = f32x4.splat(-Infinity);
    let mx: f32 = -Infinity;
    let j = 0;
    // pmax (one instruction) skips NaN where max would keep it; a NaN row still comes out NaN, through its exp and the sum.
    for (; j + 4 <= len; j += 4) vm = f32x4.pmax(vm, f32x4.mul(vs, v128.load(xr + (<usize>j << 2))));
    mx = hmax(vm);
    for (; j < len; j++) mx = max(mx, scale * load<f32>(xr + (<usize>j << 2)));
    const vmx = f32x4.splat(mx);
    let vsum = f32x4.splat(0);
    let sum: f32 = 0;
    j = 0;
    for (; j + 4 <= len; j += 4) {
      const e = expv(f32x4.sub(f32x4.mul(vs, v128.load(xr + (<usize>j << 2))), vmx));
      v128.store(yr + (<usize>j << 2), e);
      vsum = f32x4.add(vsum, e);
    }
    for (; j < len; j++) {
      const e = <f32>Math.exp(<f64>(scale * load<f32>(xr + (<usize>j << 2)) - mx));
      store<f32>(yr + (<usize>j << 2), e);
      sum += e;
    }
    sum += hsum(vsum);
    const inv: f32 = 1 / sum;
    const vinv = f32x4.splat(inv);
    j = 0;
    for (; j + 4 <= len; j += 4) v128.store(yr + (<usize>j << 2), f32x4.mul(v128.load(yr + (<usize>j << 2)), vinv));
    for (; j < len; j++) store<f32>(yr + (<usize>j << 2), load<f32>(yr + (<usize>j << 2)) * inv);
  }
}

/** Block: SoftmaxBackwardArg. dx = scale·y⊙(g − Σ g·y) per row. */
export function softmaxBackward(p: usize, tid: i32, nt: i32): void {
  const rows = arg(p, SoftmaxBackwardArg.rows), len = arg(p, SoftmaxBackwardArg.len);
  const scale = reinterpret<f32>(arg(p, SoftmaxBackwardArg.scale));
  const y = <usize>arg(p, SoftmaxBackwardArg.y), g = <usize>arg(p, SoftmaxBackwardArg.g), dx = <usize>arg(p, SoftmaxBackwardArg.dx);
  const r0 = tid * rows / nt, r1 = (tid + 1) * rows / nt;
  const rowBytes = <usize>len << 2;
  let r = r0;
  // Two rows at a time: a row's dot product is one chain of dependent multiply-adds; two rows' chains overlap.
  for (; r + 2 <= r1; r += 2) {
    const o = <usize>r * rowBytes;
    const yr = y + o, gr = g + o;
    let vdot0 = f32x4.splat(0), vdot1 = f32x4.splat(0);
    let j = 0;
    for (; j + 4 <= len; j += 4) {
      const q = <usize>j << 2;
      vdot0 = madd(v128.load(gr + q), v128.load(yr + q), vdot0);
      vdot1 = madd(v128.load(gr + rowBytes + q), v128.load(yr + rowBytes + q), vdot1);
    }
    scaleRow(yr, gr, dx + o, len, scale, dotTail(yr, gr, j, len) + hsum(vdot0));
    scaleRow(yr + rowBytes, gr + rowBytes, dx + o + rowBytes, len, scale, dotTail(yr + rowBytes, gr + rowBytes, j, len) + hsum(vdot1));
  }
  for (; r < r1; r++) {
    const o = <usize>r * rowBytes;
    const yr = y + o, gr = g + o;
    let vdot = f32x4.splat(0);
    let j = 0;
    for (; j + 4 <= len; j += 4) vdot = madd(v128.load(gr + (<usize>j << 2)), v128.load(yr + (<usize>j << 2)), vdot);
    scaleRow(yr, gr, dx + o, len, scale, dotTail(yr, gr, j, len) + hsum(vdot));
  }
}

/** Σ g·y over the row's scalar tail, j0..len. */
// @ts-ignore: decorator
@inline
function dotTail(yr: usize, gr: usize, j0: i32, len: i32): f32 {
  let dot: f32 = 0;
  for (let j = j0; j < len; j++) dot += load<f32>(gr + (<usize>j << 2)) * load<f32>(yr + (<usize>j << 2));
  return dot;
}

/** dx = scale·y⊙(g − dot) along one row. */
// @ts-ignore: decorator
@inline
function scaleRow(yr: usize, gr: usize, dr: usize, len: i32, scale: f32, dot: f32): void {
  const vs = f32x4.splat(scale), vd = f32x4.splat(dot);
  let j = 0;
  for (; j + 4 <= len; j += 4) {
    const q = <usize>j << 2;
    v128.store(dr + q, f32x4.mul(f32x4.mul(vs, v128.load(yr + q)), f32x4.sub(v128.load(gr + q), vd)));
  }
  for (; j < len; j++) {
    const q = <usize>j << 2;
    store<f32>(dr + q, scale * load<f32>(yr + q) * (load<f32>(gr + q) - dot));
  }
}
