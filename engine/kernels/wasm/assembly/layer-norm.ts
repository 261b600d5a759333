/**
 * LayerNorm over contiguous rows of `size`, rows split over threads, four
 * lanes at a time. Row statistics in float32 lanes (torch's own kernel sums
 * in float32 too), 1/√(σ² + eps) in float64 as the reference keeps it. The
 * backward pass also leaves each thread's column sums Σ g·x̂ and Σ g (the
 * weight and bias gradients) in float64 partials for the host to add.
 */
import { LayerNormBackwardArg, LayerNormForwardArg } from './layout';
import { arg } from './param-block';

// @ts-ignore: decorator
@inline
function at(base: usize, i: i32): usize {
  return base + (<usize>i << 2);
}

// @ts-ignore: decorator
@inline
function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

/** Block: LayerNormForwardArg (rstd: f64 per row). */
export function layerNormForward(p: usize, tid: i32, nt: i32): void {
  const rows = arg(p, LayerNormForwardArg.rows), size = arg(p, LayerNormForwardArg.size);
  const eps = <f64>reinterpret<f32>(arg(p, LayerNormForwardArg.eps));
  const x = <usize>arg(p, LayerNormForwardArg.x), w = <usize>arg(p, LayerNormForwardArg.w), b = <usize>arg(p, LayerNormForwardArg.b);
  const y = <usize>arg(p, LayerNormForwardArg.y), xh = <usize>arg(p, LayerNormForwardArg.xhat), rstd = <usize>arg(p, LayerNormForwardArg.rstd);
  const r0 = tid * rows / nt, r1 = (tid + 1) * rows / nt;
  for (let r = r0; r < r1; r++) {
    const o = r * size;
    let vs = f32x4.splat(0);
    let s: f32 = 0;
    let j = 0;
    for (; j + 4 <= size; j += 4) vs = f32x4.add(vs, v128.load(at(x, o + j)));
    for (; j < size; j++) s += load<f32>(at(x, o + j));
    const mu: f32 = (s + hsum(vs)) / <f32>size;
    const vmu = f32x4.splat(mu);
    let vv = f32x4.splat(0);
    let v: f32 = 0;
    j = 0;
    for (; j + 4 <= size; j += 4) {
      const d = f32x4.sub(v128.load(at(x, o + j)), vmu);
      vv = f32x4.add(vv, f32x4.mul(d, d));
    }
    for (; j < size; j++) { const d = load<f32>(at(x, o + j)) - mu; v += d * d; }
    const rs: f64 = 1 / Math.sqrt(<f64>(v + hsum(vv)) / <f64>size + eps);
    store<f64>(rstd + (<usize>r << 3), rs);
    const vrs = f32x4.splat(<f32>rs);
    j = 0;
    for (; j + 4 <= size; j += 4) {
      const h = f32x4.mul(f32x4.sub(v128.load(at(x, o + j)), vmu), vrs);
      v128.store(at(xh, o + j), h);
      v128.store(at(y, o + j), f32x4.add(f32x4.mul(h, v128.load(at(w, j))), v128.load(at(b, j))));
    }
    for (; j < size; j++) {
      const h = (load<f32>(at(x, o + j)) - mu) * <f32>rs;
      store<f32>(at(xh, o + j), h);
      store<f32>(at(y, o + j), h * load<f32>(at(w, j)) + load<f32>(at(b, j)));
    }
  }
}

// @ts-ignore: decorator
@inline
function high(v: v128): v128 {
  return i32x4.shuffle(v, v, 2, 3, 0, 1);
}

/**
 * Row r: adds its g·x̂ and g to the float64 column sums (part, sumG; products
 * of two float32 are exact in float64, as in the reference) and, when dx ≠ 0,
 * writes dx = (ĝ − mean(ĝ) − x̂·mean(ĝ·x̂))·rstd. The means are summed in the
 * same pass over g and x̂ as the column sums.
 */
// @ts-ignore: decorator
@inline
function backwardRow(part: usize, sumG: usize, g: usize, xh: usize, w: usize, dx: usize, rstd: usize, r: i32, size: i32): void {
  const o = r * size;
  let vmg = f32x4.splat(0), vmgx = f32x4.splat(0);
  let mg: f32 = 0, mgx: f32 = 0;
  let j = 0;
  for (; j + 4 <= size; j += 4) {
    const q = <usize>j << 3;
    const gv = v128.load(at(g, o + j)), hv = v128.load(at(xh, o + j));
    const gl = f64x2.promote_low_f32x4(gv), gh = f64x2.promote_low_f32x4(high(gv));
    v128.store(part + q, f64x2.add(v128.load(part + q), f64x2.mul(gl, f64x2.promote_low_f32x4(hv))));
    v128.store(part + q, f64x2.add(v128.load(part + q, 16), f64x2.mul(gh, f64x2.promote_low_f32x4(high(hv)))), 16);
    v128.store(sumG + q, f64x2.add(v128.load(sumG + q), gl));
    v128.store(sumG + q, f64x2.add(v128.load(sumG + q, 16), gh), 16);
    const gw = f32x4.mul(gv, v128.load(at(w, j)));
    vmg = f32x4.add(vmg, gw);
    vmgx = f32x4.add(vmgx, f32x4.mul(gw, hv));
  }
  for (; j < size; j++) {
    const q = <usize>j << 3;
    const gs = load<f32>(at(g, o + j)), hs = load<f32>(at(xh, o + j));
    store<f64>(part + q, load<f64>(part + q) + <f64>gs * <f64>hs);
    store<f64>(sumG + q, load<f64>(sumG + q) + <f64>gs);
    const gw = gs * load<f32>(at(w, j));
    mg += gw;
    mgx += gw * hs;
  }
  if (dx == 0) return;
  mg = (mg + hsum(vmg)) / <f32>size;
  mgx = (mgx + hsum(vmgx)) / <f32>size;
  const rs = <f32>load<f64>(rstd + (<usize>r << 3));
  const vmgs = f32x4.splat(mg), vmgxs = f32x4.splat(mgx), vrs = f32x4.splat(rs);
  j = 0;
  for (; j + 4 <= size; j += 4) {
    const gw = f32x4.mul(v128.load(at(g, o + j)), v128.load(at(w, j)));
    v128.store(at(dx, o + j), f32x4.mul(f32x4.sub(f32x4.sub(gw, vmgs), f32x4.mul(v128.load(at(xh, o + j)), vmgxs)), vrs));
  }
  for (; j < size; j++) {
    const gw = load<f32>(at(g, o + j)) * load<f32>(at(w, j));
    store<f32>(at(dx, o + j), (gw - mg - load<f32>(at(xh, o + j)) * mgx) * rs);
  }
}

/**
 * Block: LayerNormBackwardArg (dx may be 0; parts: per thread 2·size f64,
 * Σ g·x̂ then Σ g, over its rows).
 * dx = (ĝ − mean(ĝ) − x̂·mean(ĝ·x̂))·rstd with ĝ = g·weight.
 */
export function layerNormBackward(p: usize, tid: i32, nt: i32): void {
  const rows = arg(p, LayerNormBackwardArg.rows), size = arg(p, LayerNormBackwardArg.size);
  const g = <usize>arg(p, LayerNormBackwardArg.g), xh = <usize>arg(p, LayerNormBackwardArg.xhat), rstd = <usize>arg(p, LayerNormBackwardArg.rstd);
  const w = <usize>arg(p, LayerNormBackwardArg.w), dx = <usize>arg(p, LayerNormBackwardArg.dx);
  const part = <usize>arg(p, LayerNormBackwardArg.parts) + (<usize>tid * <usize>size << 4);
  const sumG = part + (<usize>size << 3);
  memory.fill(part, 0, <usize>size << 4);
  const r0 = tid * rows / nt, r1 = (tid + 1) * rows / nt;
  for (let r = r0; r < r1; r++) backwardRow(part, sumG, g, xh, w, dx, rstd, r, size);
}
