/**
 * Just enough protocol-buffers encoding to write ONNX files (onnx/onnx.proto):
 * varints, length-delimited fields, fixed32 floats. A message is built as a
 * list of already-encoded fields, so nesting is concatenation.
 */

export class Message {
  private readonly parts: Uint8Array[] = [];
  private size = 0;

  private push(b: Uint8Array): void {
    this.parts.push(b);
    this.size += b.length;
  }

  private tag(field: number, wire: number): void {
    this.push(varint(field * 8 + wire));
  }

  /** int32/int64/enum/bool as a varint (negative numbers as 10-byte two's complement, as protobuf does). */
  int(field: number, v: number): this {
    this.tag(field, 0);
    this.push(varint(v));
    return this;
  }

  float(field: number, v: number): this {
    this.tag(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.push(b);
    return this;
  }

  bytes(field: number, b: Uint8Array): this {
    this.tag(field, 2);
    this.push(varint(b.length));
    this.push(b);
    return this;
  }

  string(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }

  message(field: number, m: Message): this {
    return this.bytes(field, m.encode());
  }

  /** repeated int64, packed (proto3's default for scalars). */
  packedInts(field: number, vs: readonly number[]): this {
    const inner = new Message();
    for (const v of vs) inner.push(varint(v));
    return this.bytes(field, inner.encode());
  }

  packedFloats(field: number, vs: readonly number[]): this {
    const b = new Uint8Array(vs.length * 4);
    const dv = new DataView(b.buffer);
    vs.forEach((v, i) => dv.setFloat32(i * 4, v, true));
    return this.bytes(field, b);
  }

  encode(): Uint8Array {
    const out = new Uint8Array(this.size);
    let o = 0;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
}

export function varint(v: number): Uint8Array {
  if (!Number.isInteger(v)) throw new RangeError(`varint of a non-integer ${v}`);
  let x = BigInt.asUintN(64, BigInt(v));
  const out: number[] = [];
  do {
    let byte = Number(x & 0x7fn);
    x >>= 7n;
    if (x !== 0n) byte |= 0x80;
    out.push(byte);
  } while (x !== 0n);
  return Uint8Array.from(out);
}
