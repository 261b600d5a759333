/** Every primitive against torch: one line per fixture case, values and gradients. */
import { describe, it } from 'vitest';
import * as E from '../../../engine/index.ts';
import type { Tensor } from '../../../engine/index.ts';
import { decodeI32, isF32, loadFixture, toTensor, type Encoded, type F32 } from '../../helpers/fixtures.ts';
import { expectClose, expectShape } from '../../helpers/compare.ts';

interface OpCase {
  name: string;
  op: string;
  inputs: Encoded[];
  attrs: Record<string, unknown>;
  output: F32;
  gradOutput: F32;
  grads: (F32 | null)[];
}

type Attrs = Record<string, any>; // fixture attributes are plain JSON written by generate.py

/** How each torch op maps onto ours; `ints` are the integer inputs (indices). */
const OPS: Record<string, (xs: Tensor[], a: Attrs, ints: Int32Array[]) => Tensor> = {
  add: ([a, b]) => E.add(a, b),
  sub: ([a, b]) => E.sub(a, b),
  mul: ([a, b]) => E.mul(a, b),
  div: ([a, b]) => E.div(a, b),
  maximum: ([a, b]) => E.maximum(a, b),
  neg: ([x]) => E.neg(x),
  exp: ([x]) => E.exp(x),
  log: ([x]) => E.log(x),
  sqrt: ([x]) => E.sqrt(x),
  tanh: ([x]) => E.tanh(x),
  sigmoid: ([x]) => E.sigmoid(x),
  erf: ([x]) => E.erfOp(x),
  relu: ([x]) => E.relu(x),
  abs: ([x]) => E.abs(x),
  pow: ([x], a) => E.pow(x, a.exponent),
  matmul: ([a, b], at) => E.matmul(a, b, { transA: at.transA, transB: at.transB }),
  sum: ([x], a) => E.sum(x, a.dim, a.keepdim),
  mean: ([x], a) => E.mean(x, a.dim, a.keepdim),
  max: ([x], a) => E.max(x, a.dim, a.keepdim),
  reshape: ([x], a) => E.reshape(x, a.shape),
  permute: ([x], a) => E.permute(x, a.dims),
  expand: ([x], a) => E.expand(x, a.shape),
  transpose: ([x], a) => E.transpose(x, a.dim0, a.dim1),
  gather: ([x], a, [idx]) => E.gather(x, a.dim, idx, idxShape),
  index_select: ([x], a, [idx]) => E.indexSelect(x, a.dim, idx),
  where: ([c, a, b]) => E.where(c, a, b),
  concat: (xs, a) => E.concat(xs, a.dim),
  slice: ([x], a) => E.slice(x, a.dim, a.start, a.end),
  pad2d: ([x], a) => E.pad2d(x, a.padding),
};
let idxShape: number[] = [];

const { cases } = loadFixture<{ cases: OpCase[] }>('ops.json');

describe('primitives match torch (values and gradients within 1e-5)', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const fn = OPS[c.op];
    if (!fn) throw new Error(`no mapping for op '${c.op}'`);
    const floats: Tensor[] = [];
    const ints: Int32Array[] = [];
    c.inputs.forEach((enc, i) => {
      if (isF32(enc)) floats.push(toTensor(enc, c.grads[i] !== null));
      else {
        ints.push(decodeI32(enc));
        idxShape = enc.shape;
      }
    });
    const y = fn(floats, c.attrs, ints);
    expectShape(y.shape, c.output.shape, `${c.name} output`);
    expectClose(y.data, toTensor(c.output).data, `${c.name} output`);
    y.backward(toTensor(c.gradOutput));
    let k = 0;
    c.inputs.forEach((enc, i) => {
      if (!isF32(enc)) return;
      const t = floats[k++];
      const g = c.grads[i];
      if (g === null) return;
      expectClose(t.grad?.data ?? [], toTensor(g).data, `${c.name} grad of input ${i}`);
    });
  });
});
