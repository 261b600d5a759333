/**
 * Element-wise primitives. Unary ops are one table row each (forward and
 * backward side by side); binary ops broadcast like torch and sum their
 * gradients back to each input's shape.
 */
import { Tensor } from '../tensor/tensor.ts';
import { broadcastIndex, broadcastLayout, broadcastShapes, numel, sameShape, type Shape } from '../tensor/shape.ts';
import { erf } from './special.ts';
import { kernels } from '../kernels/registry.ts';
import { emptyData, floatData } from '../tensor/storage.ts';

// ---------- unary ----------

interface UnaryRule {
  forward(x: Float32Array, y: Float32Array): void;
  /** dx from x, y and dy (writes into dx). */
  backward(x: Float32Array, y: Float32Array, dy: Float32Array, dx: Float32Array): void;
}

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

export const unaryRules = {
  neg: {
    forward: (x, y) => { for (let i = 0; i < x.length; i++) y[i] = -x[i]; },
    backward: (_x, _y, dy, dx) => { for (let i = 0; i < dy.length; i++) dx[i] = -dy[i]; },
  },
  exp: {
    forward: (x, y) => { for (let i = 0; i < x.length; i++) y[i] = Math.exp(x[i]); },
    backward: (_x, y, dy, dx) => { for (let i = 0; i < dy.length; i++) dx[i] = dy[i] * y[i]; },
  },
  log: {
    forward: (x, y) => { for (let i = 0; i < x.length; i++) y[i] = Math.log(x[i]); },
    backward: (x, _y, dy, dx) => { for (let i = 0; i < dy.length; i++) dx[i] = dy[i] / x[i]; },
  },
  sqrt: {
    forward: (x, y) => { for (let i = 0; i < x.length; i++) y[i] = Math.sqrt(x[i]); },
    backward: (_x, y, dy, dx) => { for (let i = 0; i < dy.length; i++) dx[i] = dy[i] / (2 * y[i]); },
  },
  tanh: {
    forward: (x, y) => { for (let i = 0; i < x.length; i++) y[i] = Math.tanh(x[i]); },
    backward: (_x, y, dy, dx) => { for (let i = 0; i < dy.length; i++) dx[i] = dy[i] * (1 - y[i] * y[i]); },
  },
  sigmoid: {
    forward: (x, y) => { for (let i = 0; i < x.length; i++) y[i] = 1 / (1 + Math.exp(-x[i])); },
    backward: (_x, y, dy, dx) => { for (let i = 0; i < dy.length; i++) dx[i] = dy[i] * y[i] * (1 - y[i]); },
  },
  erf: {
    forward: (x, y) => { for (let i = 0; i < x.length; i++) y[i] = erf(x[i]); },
    backward: (x, _y, dy, dx) => { for (let i = 0; i < dy.length; i++) dx[i] = dy[i] * TWO_OVER_SQRT_PI * Math.exp(-x[i] * x[i]); },
  },
  relu: {
    // A backend kernel: on random signs the JS branch mispredicts half the time.
    forward: (x, y) => kernels().reluForward(x, y),
    backward: (x, _y, dy, dx) => kernels().reluBackward(x, dy, dx),
  },
  softplus: {
    // log(1 + eˣ) without overflow; its slope is the sigmoid.
    forward: (x, y) => { for (let i = 0; i < x.length; i++) { const v = x[i]; y[i] = v > 0 ? v + Math.log1p(Math.exp(-v)) : Math.log1p(Math.exp(v)); } },
    backward: (x, _y, dy, dx) => { for (let i = 0; i < dy.length; i++) dx[i] = dy[i] / (1 + Math.exp(-x[i])); },
  },
  abs: {
    forward: (x, y) => { for (let i = 0; i < x.length; i++) y[i] = Math.abs(x[i]); },
    backward: (x, _y, dy, dx) => { for (let i = 0; i < dy.length; i++) dx[i] = x[i] > 0 ? dy[i] : x[i] < 0 ? -dy[i] : 0; },
  },
} satisfies Record<string, UnaryRule>;

export type UnaryOp = keyof typeof unaryRules;

export function unary(op: UnaryOp, x: Tensor): Tensor {
  const rule: UnaryRule = unaryRules[op];
  const y = emptyData(x.size);
  rule.forward(x.data, y);
  return Tensor.fromOp(op, y, x.shape, [x], (dy) => {
    const dx = emptyData(dy.length);
    rule.backward(x.data, y, dy, dx);
    return [dx];
  });
}

export const neg = (x: Tensor) => unary('neg', x);
export const exp = (x: Tensor) => unary('exp', x);
export const log = (x: Tensor) => unary('log', x);
export const sqrt = (x: Tensor) => unary('sqrt', x);
export const tanh = (x: Tensor) => unary('tanh', x);
export const sigmoid = (x: Tensor) => unary('sigmoid', x);
export const erfOp = (x: Tensor) => unary('erf', x);
export const relu = (x: Tensor) => unary('relu', x);
export const abs = (x: Tensor) => unary('abs', x);
export const softplus = (x: Tensor) => unary('softplus', x);

/** x ** exponent for a constant exponent. */
export function pow(x: Tensor, exponent: number): Tensor {
  const xd = x.data;
  const y = emptyData(x.size);
  for (let i = 0; i < y.length; i++) y[i] = Math.pow(xd[i], exponent);
  return Tensor.fromOp('pow', y, x.shape, [x], (dy) => {
    const dx = emptyData(dy.length);
    for (let i = 0; i < dx.length; i++) dx[i] = dy[i] * exponent * Math.pow(xd[i], exponent - 1);
    return [dx];
  });
}

/** a·x + b with constants, one pass (used for scaling and shifting). */
export function affine(x: Tensor, scale: number, shift = 0): Tensor {
  const xd = x.data;
  const y = emptyData(x.size);
  for (let i = 0; i < y.length; i++) y[i] = xd[i] * scale + shift;
  return Tensor.fromOp('affine', y, x.shape, [x], (dy) => {
    const dx = emptyData(dy.length);
    for (let i = 0; i < dx.length; i++) dx[i] = dy[i] * scale;
    return [dx];
  });
}

// ---------- binary, broadcasting ----------

export const binaryOps = ['add', 'sub', 'mul', 'div', 'maximum'] as const;
type BinaryCode = (typeof binaryOps)[number];

/** Sums a gradient over the dimensions that broadcasting expanded (in float64, in element order). */
export function unbroadcast(g: Float32Array, outShape: Shape, inShape: Shape): Float32Array {
  const layout = broadcastLayout(inShape, outShape);
  if (layout.kind === 'same') return g;
  const n = numel(inShape);
  const r = floatData(n);
  if (layout.kind === 'stretch') {
    // Row sums: each input element covered `size` consecutive outputs.
    const q = layout.size;
    for (let o = 0; o < n; o++) {
      let s = 0;
      for (let j = o * q, e = j + q; j < e; j++) s += g[j];
      r[o] = s;
    }
    return r;
  }
  if (layout.kind === 'tile') {
    // Column sums: the input repeated every n outputs (a bias over a batch).
    kernels().columnSums(g, n, r);
    return r;
  }
  const acc = new Float64Array(n);
  const idx = broadcastIndex(inShape, outShape);
  for (let i = 0; i < g.length; i++) acc[idx[i]] += g[i];
  r.set(acc);
  return r;
}

/** An operand as read at every output position: its own array when laid out like the output, else expanded once. */
function expandTo(d: Float32Array, shape: Shape, outShape: Shape, n: number): Float32Array {
  const layout = broadcastLayout(shape, outShape);
  if (layout.kind === 'same') return d;
  const r = floatData(n);
  if (layout.kind === 'tile') for (let base = 0; base < n; base += d.length) r.set(d, base);
  else if (layout.kind === 'stretch') for (let o = 0; o < d.length; o++) r.fill(d[o], o * layout.size, (o + 1) * layout.size);
  else {
    const idx = broadcastIndex(shape, outShape);
    for (let i = 0; i < n; i++) r[i] = d[idx[i]];
  }
  return r;
}

/** out = a ∘ b for operands of the output's layout. */
function sameLayout(code: BinaryCode, a: Float32Array, b: Float32Array, out: Float32Array): void {
  const n = out.length;
  switch (code) {
    case 'add': for (let i = 0; i < n; i++) out[i] = a[i] + b[i]; return;
    case 'sub': for (let i = 0; i < n; i++) out[i] = a[i] - b[i]; return;
    case 'mul': for (let i = 0; i < n; i++) out[i] = a[i] * b[i]; return;
    case 'div': for (let i = 0; i < n; i++) out[i] = a[i] / b[i]; return;
    case 'maximum': for (let i = 0; i < n; i++) out[i] = Math.max(a[i], b[i]); return;
  }
}

/** out = a ∘ b where b repeats every p elements (a bias over a batch): no index map. */
function tiledB(code: BinaryCode, a: Float32Array, b: Float32Array, out: Float32Array, p: number): void {
  const n = out.length;
  switch (code) {
    case 'add': for (let r = 0; r < n; r += p) for (let j = 0; j < p; j++) out[r + j] = a[r + j] + b[j]; return;
    case 'sub': for (let r = 0; r < n; r += p) for (let j = 0; j < p; j++) out[r + j] = a[r + j] - b[j]; return;
    case 'mul': for (let r = 0; r < n; r += p) for (let j = 0; j < p; j++) out[r + j] = a[r + j] * b[j]; return;
    case 'div': for (let r = 0; r < n; r += p) for (let j = 0; j < p; j++) out[r + j] = a[r + j] / b[j]; return;
    case 'maximum': for (let r = 0; r < n; r += p) for (let j = 0; j < p; j++) out[r + j] = Math.max(a[r + j], b[j]); return;
  }
}

/** out = a ∘ b where each b element covers q consecutive outputs (a per-row value, a scalar). */
function stretchedB(code: BinaryCode, a: Float32Array, b: Float32Array, out: Float32Array, q: number): void {
  for (let o = 0, s = 0; o < b.length; o++, s += q) {
    const v = b[o];
    switch (code) {
      case 'add': for (let j = s; j < s + q; j++) out[j] = a[j] + v; break;
      case 'sub': for (let j = s; j < s + q; j++) out[j] = a[j] - v; break;
      case 'mul': for (let j = s; j < s + q; j++) out[j] = a[j] * v; break;
      case 'div': for (let j = s; j < s + q; j++) out[j] = a[j] / v; break;
      case 'maximum': for (let j = s; j < s + q; j++) out[j] = Math.max(a[j], v); break;
    }
  }
}

function binary(code: BinaryCode, a: Tensor, b: Tensor): Tensor {
  const shape = sameShape(a.shape, b.shape) ? [...a.shape] : broadcastShapes(a.shape, b.shape);
  const n = numel(shape);
  const out = emptyData(n);
  const ad = a.data;
  const bd = b.data;
  const la = broadcastLayout(a.shape, shape);
  const lb = broadcastLayout(b.shape, shape);
  // A residual add: one kernel pass in four lanes rather than JavaScript's scalar loop.
  if (code === 'add' && la.kind === 'same' && lb.kind === 'same') kernels().addArrays(ad, bd, out);
  else if (la.kind === 'same' && lb.kind === 'tile') tiledB(code, ad, bd, out, lb.size);
  else if (la.kind === 'same' && lb.kind === 'stretch') stretchedB(code, ad, bd, out, lb.size);
  else sameLayout(code, expandTo(ad, a.shape, shape, n), expandTo(bd, b.shape, shape, n), out);
  return Tensor.fromOp(code, out, shape, [a, b], (g) => {
    let ga: Float32Array | null = null;
    let gb: Float32Array | null = null;
    const needA = a.requiresGrad;
    const needB = b.requiresGrad;
    switch (code) {
      case 'add':
        ga = needA ? g : null;
        gb = needB ? g : null;
        break;
      case 'sub':
        ga = needA ? g : null;
        if (needB) {
          // Negating after the sum is exact, and touches b's size rather than the output's.
          const s = unbroadcast(g, shape, b.shape);
          gb = emptyData(s.length);
          for (let i = 0; i < s.length; i++) gb[i] = -s[i];
          return [ga && unbroadcast(ga, shape, a.shape), gb];
        }
        break;
      case 'mul': {
        if (needA) { const bv = expandTo(bd, b.shape, shape, n); ga = emptyData(n); for (let i = 0; i < n; i++) ga[i] = g[i] * bv[i]; }
        if (needB) { const av = expandTo(ad, a.shape, shape, n); gb = emptyData(n); for (let i = 0; i < n; i++) gb[i] = g[i] * av[i]; }
        break;
      }
      case 'div': {
        const bv = expandTo(bd, b.shape, shape, n);
        if (needA) { ga = emptyData(n); for (let i = 0; i < n; i++) ga[i] = g[i] / bv[i]; }
        if (needB) { const av = expandTo(ad, a.shape, shape, n); gb = emptyData(n); for (let i = 0; i < n; i++) gb[i] = (-g[i] * av[i]) / (bv[i] * bv[i]); }
        break;
      }
      case 'maximum': {
        // Ties split the gradient evenly, as torch.maximum does.
        const av = expandTo(ad, a.shape, shape, n), bv = expandTo(bd, b.shape, shape, n);
        ga = floatData(n);
        gb = floatData(n);
        for (let i = 0; i < n; i++) {
          const x = av[i], y = bv[i];
          if (x > y) ga[i] = g[i];
          else if (y > x) gb[i] = g[i];
          else { ga[i] = g[i] / 2; gb[i] = g[i] / 2; }
        }
        break;
      }
    }
    return [ga && unbroadcast(ga, shape, a.shape), gb && unbroadcast(gb, shape, b.shape)];
  });
}

export const add = (a: Tensor, b: Tensor) => binary('add', a, b);
export const sub = (a: Tensor, b: Tensor) => binary('sub', a, b);
export const mul = (a: Tensor, b: Tensor) => binary('mul', a, b);
export const div = (a: Tensor, b: Tensor) => binary('div', a, b);
export const maximum = (a: Tensor, b: Tensor) => binary('maximum', a, b);

/** torch.where(cond, a, b); cond is a 0/1 tensor and carries no gradient. */
export function where(cond: Tensor, a: Tensor, b: Tensor): Tensor {
  const shape = broadcastShapes(broadcastShapes(cond.shape, a.shape), b.shape);
  const n = numel(shape);
  const ic = broadcastIndex(cond.shape, shape);
  const ia = broadcastIndex(a.shape, shape);
  const ib = broadcastIndex(b.shape, shape);
  const out = floatData(n);
  const c = cond.data, ad = a.data, bd = b.data;
  for (let i = 0; i < n; i++) out[i] = c[ic[i]] !== 0 ? ad[ia[i]] : bd[ib[i]];
  return Tensor.fromOp('where', out, shape, [cond, a, b], (g) => {
    const ga = floatData(n);
    const gb = floatData(n);
    for (let i = 0; i < n; i++) {
      if (c[ic[i]] !== 0) ga[i] = g[i];
      else gb[i] = g[i];
    }
    return [null, unbroadcast(ga, shape, a.shape), unbroadcast(gb, shape, b.shape)];
  });
}

/** 1 where a > b else 0 (broadcasting); no gradient. */
export function greater(a: Tensor, b: Tensor): Tensor {
  const shape = broadcastShapes(a.shape, b.shape);
  const ia = broadcastIndex(a.shape, shape);
  const ib = broadcastIndex(b.shape, shape);
  const out = floatData(numel(shape));
  for (let i = 0; i < out.length; i++) out[i] = a.data[ia[i]] > b.data[ib[i]] ? 1 : 0;
  return new Tensor(out, shape);
}
