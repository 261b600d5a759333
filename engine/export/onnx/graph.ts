/**
 * An ONNX graph under construction and its serialisation as a ModelProto
 * (IR version 8, opset 17). Field numbers are onnx/onnx.proto's.
 */
import { Message } from './protobuf.ts';

export const OPSET = 17;
const IR_VERSION = 8;
const FLOAT = 1;
const INT64 = 7;

export type Attr = number | number[] | string | { float: number } | { floats: number[] };

interface NodeDef {
  op: string;
  inputs: string[];
  outputs: string[];
  name: string;
  attrs: Record<string, Attr>;
}

interface Init {
  name: string;
  dims: number[];
  type: typeof FLOAT | typeof INT64;
  data: ArrayLike<number>;
}

export class OnnxGraph {
  private readonly nodes: NodeDef[] = [];
  private readonly inits: Init[] = [];
  private readonly names = new Set<string>();

  private unique(base: string): string {
    let n = base;
    for (let i = 1; this.names.has(n); i++) n = `${base}_${i}`;
    this.names.add(n);
    return n;
  }

  /** Adds a node named `name` (scoped like "fc1/Gemm"); returns its single output's name. */
  node(op: string, inputs: string[], name: string, attrs: Record<string, Attr> = {}): string {
    const n = this.unique(name);
    const out = this.unique(`${n}:0`);
    this.nodes.push({ op, inputs, outputs: [out], name: n, attrs });
    return out;
  }

  /** A float32 initializer (weights keep their state_dict names). */
  floats(name: string, dims: number[], data: ArrayLike<number>): string {
    const n = this.unique(name);
    this.inits.push({ name: n, dims, type: FLOAT, data });
    return n;
  }

  ints(name: string, data: number[]): string {
    const n = this.unique(name);
    this.inits.push({ name: n, dims: [data.length], type: INT64, data });
    return n;
  }

  /** Renames the last node's output (for the graph's named output). */
  renameLastOutput(to: string): void {
    const last = this.nodes[this.nodes.length - 1];
    const from = last.outputs[0];
    last.outputs[0] = to;
    for (const n of this.nodes) n.inputs = n.inputs.map((i) => (i === from ? to : i));
  }

  encode(o: { input: { name: string; dims: (number | string)[]; elem: 'float' | 'int64' }; output: { name: string; dims: (number | string)[] }; name: string; doc: string; metadata: Record<string, string> }): Uint8Array {
    const g = new Message();
    for (const n of this.nodes) {
      const m = new Message();
      for (const i of n.inputs) m.string(1, i);
      for (const out of n.outputs) m.string(2, out);
      m.string(3, n.name).string(4, n.op);
      for (const [k, v] of Object.entries(n.attrs)) m.message(5, attribute(k, v));
      g.message(1, m);
    }
    g.string(2, o.name);
    for (const t of this.inits) {
      const m = new Message().packedInts(1, t.dims).int(2, t.type).string(8, t.name);
      if (t.type === FLOAT) {
        const f = Float32Array.from(t.data);
        m.bytes(9, new Uint8Array(f.buffer));
      } else {
        const b = new Uint8Array(t.data.length * 8);
        const dv = new DataView(b.buffer);
        for (let i = 0; i < t.data.length; i++) dv.setBigInt64(i * 8, BigInt(t.data[i]), true);
        m.bytes(9, b);
      }
      g.message(5, m);
    }
    g.string(10, o.doc);
    g.message(11, valueInfo(o.input.name, o.input.elem === 'float' ? FLOAT : INT64, o.input.dims));
    g.message(12, valueInfo(o.output.name, FLOAT, o.output.dims));
    const model = new Message().int(1, IR_VERSION).string(2, 'Dropout Lab').string(3, '0.1.0').string(6, o.doc).message(7, g);
    model.message(8, new Message().string(1, '').int(2, OPSET));
    for (const [k, v] of Object.entries(o.metadata)) model.message(14, new Message().string(1, k).string(2, v));
    return model.encode();
  }
}

function attribute(name: string, v: Attr): Message {
  const m = new Message().string(1, name);
  if (typeof v === 'number') return m.int(3, v).int(20, 2);
  if (typeof v === 'string') return m.string(4, v).int(20, 3);
  if (Array.isArray(v)) return m.packedInts(8, v).int(20, 7);
  if ('float' in v) return m.float(2, v.float).int(20, 1);
  return m.packedFloats(7, v.floats).int(20, 6);
}

function valueInfo(name: string, elem: number, dims: (number | string)[]): Message {
  const shape = new Message();
  for (const d of dims) shape.message(1, typeof d === 'number' ? new Message().int(1, d) : new Message().string(2, d));
  const tensorType = new Message().int(1, elem).message(2, shape);
  return new Message().string(1, name).message(2, new Message().message(1, tensorType));
}
