/**
 * One step of SGD with momentum (torch.optim.SGD: dampening, Nesterov, L2
 * weight decay), two lanes at a time, in float64 between float32 loads and
 * stores: the operations of the reference's JavaScript loop
 * (engine/kernels/reference.ts), so the results are bit-identical to it.
 */
import { SgdMomentumArg } from './layout';
import { arg } from './param-block';
import { load2, round32, store2 } from './f64-pairs';

/** Block: SgdMomentumArg; consts: float64 lr, momentum, dampening, weight decay. */
export function sgdMomentumUpdate(p: usize, tid: i32, nt: i32): void {
  const n = arg(p, SgdMomentumArg.n);
  const w = <usize>arg(p, SgdMomentumArg.w), g = <usize>arg(p, SgdMomentumArg.g), buf = <usize>arg(p, SgdMomentumArg.buf);
  const first = arg(p, SgdMomentumArg.first) != 0, nesterov = arg(p, SgdMomentumArg.nesterov) != 0;
  const c = <usize>arg(p, SgdMomentumArg.consts);
  const lr = load<f64>(c), momentum = load<f64>(c, 8), dampening = load<f64>(c, 16), wd = load<f64>(c, 24);
  const keep = 1 - dampening;
  const vlr = f64x2.splat(lr), vmom = f64x2.splat(momentum), vkeep = f64x2.splat(keep), vwd = f64x2.splat(wd);
  const pairs = (n + 1) >> 1;
  const i0 = min(n, (tid * pairs / nt) << 1), i1 = min(n, ((tid + 1) * pairs / nt) << 1);
  let i = i0;
  for (; i + 2 <= i1; i += 2) {
    const o = <usize>i << 2;
    const wi = load2(w + o);
    let d = f64x2.add(load2(g + o), f64x2.mul(vwd, wi));
    const b = round32(first ? d : f64x2.add(f64x2.mul(vmom, load2(buf + o)), f64x2.mul(vkeep, d)));
    store2(buf + o, b);
    d = nesterov ? f64x2.add(d, f64x2.mul(vmom, b)) : b;
    store2(w + o, f64x2.sub(wi, f64x2.mul(vlr, d)));
  }
  for (; i < i1; i++) {
    const o = <usize>i << 2;
    const wi = <f64>load<f32>(w + o);
    let d = <f64>load<f32>(g + o) + wd * wi;
    const b = <f64><f32>(first ? d : momentum * <f64>load<f32>(buf + o) + keep * d);
    store<f32>(buf + o, <f32>b);
    d = nesterov ? d + momentum * b : b;
    store<f32>(w + o, <f32>(wi - lr * d));
  }
}
