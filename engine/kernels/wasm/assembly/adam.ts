/**
 * One Adam (or AdamW) step of a parameter, two lanes at a time, in float64
 * between float32 loads and stores: the very operations of the reference's
 * JavaScript loop (engine/kernels/reference.ts), so the results are
 * bit-identical to it, as a run recorded on either kernel set requires.
 */
import { AdamArg } from './layout';
import { arg } from './param-block';
import { load2, round32, store2 } from './f64-pairs';

/** Block: AdamArg; consts: float64 lr, weight decay, β₁, β₂, eps, lr/(1 − β₁ᵗ), √(1 − β₂ᵗ). */
export function adamUpdate(p: usize, tid: i32, nt: i32): void {
  const n = arg(p, AdamArg.n);
  const w = <usize>arg(p, AdamArg.w), g = <usize>arg(p, AdamArg.g), m = <usize>arg(p, AdamArg.m), v = <usize>arg(p, AdamArg.v);
  const vmax = <usize>arg(p, AdamArg.vmax), decoupled = arg(p, AdamArg.decoupled) != 0;
  const c = <usize>arg(p, AdamArg.consts);
  const lr = load<f64>(c), wd = load<f64>(c, 8), b1 = load<f64>(c, 16), b2 = load<f64>(c, 24);
  const eps = load<f64>(c, 32), stepSize = load<f64>(c, 40), bc2Sqrt = load<f64>(c, 48);
  const decay = 1 - lr * wd, keep1 = 1 - b1, keep2 = 1 - b2;
  const vdecay = f64x2.splat(decay), vwd = f64x2.splat(wd), vkeep1 = f64x2.splat(keep1), vb2 = f64x2.splat(b2), vkeep2 = f64x2.splat(keep2);
  const veps = f64x2.splat(eps), vstep = f64x2.splat(stepSize), vbc2 = f64x2.splat(bc2Sqrt);
  const pairs = (n + 1) >> 1;
  const i0 = min(n, (tid * pairs / nt) << 1), i1 = min(n, ((tid + 1) * pairs / nt) << 1);
  let i = i0;
  for (; i + 2 <= i1; i += 2) {
    const o = <usize>i << 2;
    let wi = load2(w + o), gi = load2(g + o);
    if (decoupled) wi = round32(f64x2.mul(wi, vdecay));
    else if (wd != 0) gi = f64x2.add(gi, f64x2.mul(vwd, wi));
    const m0 = load2(m + o);
    const mi = round32(f64x2.add(m0, f64x2.mul(f64x2.sub(gi, m0), vkeep1)));
    let vi = round32(f64x2.add(f64x2.mul(load2(v + o), vb2), f64x2.mul(f64x2.mul(vkeep2, gi), gi)));
    store2(m + o, mi);
    store2(v + o, vi);
    if (vmax) {
      vi = f64x2.max(load2(vmax + o), vi);
      store2(vmax + o, vi);
    }
    const denom = f64x2.add(f64x2.div(f64x2.sqrt(vi), vbc2), veps);
    store2(w + o, f64x2.sub(wi, f64x2.div(f64x2.mul(vstep, mi), denom)));
  }
  for (; i < i1; i++) {
    const o = <usize>i << 2;
    let wi = <f64>load<f32>(w + o), gi = <f64>load<f32>(g + o);
    if (decoupled) wi = <f64><f32>(wi * decay);
    else if (wd != 0) gi += wd * wi;
    const m0 = <f64>load<f32>(m + o);
    const mi = <f64><f32>(m0 + (gi - m0) * keep1);
    let vi = <f64><f32>(<f64>load<f32>(v + o) * b2 + keep2 * gi * gi);
    store<f32>(m + o, <f32>mi);
    store<f32>(v + o, <f32>vi);
    if (vmax) {
      vi = max(<f64>load<f32>(vmax + o), vi);
      store<f32>(vmax + o, <f32>vi);
    }
    const denom = Math.sqrt(vi) / bc2Sqrt + eps;
    store<f32>(w + o, <f32>(wi - (stepSize * mi) / denom));
  }
}
