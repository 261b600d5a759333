import { describe, expect, it } from 'vitest';
import { refuseMessage } from '../../../engine/host/message-limits.ts';
import { readWireMessage } from '../../../engine/host/wire.ts';
import { replyId } from '../../../engine/protocol.ts';

const MiB = 1024 * 1024;
/** Objects and arrays nested `depth` levels deep (the outermost counts as level 1). */
const nested = (depth: number): unknown => {
  let v: unknown = 1;
  for (let i = 1; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return { id: 3, type: 'catalog', deep: v };
};
const nestedText = (depth: number) => `{"id":3,"type":"catalog","deep":${'['.repeat(depth - 1)}1${']'.repeat(depth - 1)}}`;

describe('message limits: 16 MiB, 100 levels', () => {
  // Messages are built lazily: a test title or report must never format a 17 MiB value.
  const cases: [string, () => unknown, string | null][] = [
    ['a small request', () => ({ id: 1, type: 'catalog' }), null],
    ['a 15 MiB string', () => ({ id: 1, type: 'x', s: 'x'.repeat(15 * MiB) }), null],
    ['a 15 MiB tensor', () => ({ id: 1, t: { shape: [1], data: new Float32Array((15 * MiB) / 4) } }), null],
    ['a 17 MiB string', () => ({ id: 1, type: 'x', s: 'x'.repeat(17 * MiB) }), 'too-large'],
    ['a 17 MiB tensor', () => ({ id: 1, t: { data: new Float32Array((17 * MiB) / 4) } }), 'too-large'],
    ['17 million numbers', () => ({ id: 1, xs: new Array(17 * MiB).fill(0) }), 'too-large'],
    ['4,000 keys of 5,000 characters', () => Object.fromEntries(Array.from({ length: 4000 }, (_, i) => [`${i}`.padEnd(5000, 'k'), 0])), 'too-large'],
    ['nesting of 100 levels', () => nested(100), null],
    ['nesting of 101 levels', () => nested(101), 'bad-message'],
    ['nesting of 100,000 levels', () => nested(100_000), 'bad-message'],
  ];
  for (const [what, make, code] of cases) {
    it(`${what}: ${code ?? 'accepted'}`, () => {
      expect(refuseMessage(make())?.code ?? null).toBe(code);
    });
  }

  it('stops at a cycle (structured clone can carry one) by its size', () => {
    const a: Record<string, unknown> = { id: 1 };
    a.self = [a, 'x'.repeat(1000)];
    expect(refuseMessage(a)?.code).toMatch(/too-large|bad-message/);
  });
});

describe('readWireMessage', () => {
  it('reads tensors exactly', () => {
    const r = readWireMessage('{"id":1,"t":{"$f32":"AACAPwAAAEA="}}');
    expect(r).toEqual({ msg: { id: 1, t: Float32Array.from([1, 2]) } });
  });

  const refusals: [string, () => string, string | number | null, RegExp][] = [
    ['text that is not JSON', () => '{"id":1,', null, /not JSON/],
    ['a damaged tensor, by its id', () => '{"id":"a","t":{"$f32":"%00="}}', 'a', /invalid base64/],
    ['a tensor of 3 bytes', () => '{"id":2,"t":{"$f32":"AAAA"}}', 2, /whole number of float32/],
    ['nesting of 101 levels, by its id', () => nestedText(101), 3, /nested more than 100 levels/],
    ['nesting of a million levels', () => nestedText(1_000_000), 3, /nested more than 100 levels/],
    ['nesting with an id the protocol refuses', () => `{"id":1.5,"deep":${'['.repeat(200)}${']'.repeat(200)}}`, null, /nested/],
  ];
  for (const [what, text, id, message] of refusals) {
    it(`answers ${what}`, () => {
      const r = readWireMessage(text());
      expect('reply' in r && r.reply).toMatchObject({ type: 'error', id, error: { code: 'bad-message', message: expect.stringMatching(message) } });
    });
  }

  it('accepts nesting of 100 levels', () => {
    expect('msg' in readWireMessage(nestedText(100))).toBe(true);
  });

  it('keeps a "__proto__" key a plain property', () => {
    const r = readWireMessage('{"id":1,"__proto__":{"$f32":"AACAPw=="}}');
    if (!('msg' in r)) throw new Error('refused');
    expect(Object.getPrototypeOf(r.msg)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(r.msg, '__proto__')?.value).toEqual(Float32Array.from([1]));
  });
});

describe('replyId: one id rule for requests and replies', () => {
  it.each([[7, 7], [-3, -3], ['a', 'a'], ['x'.repeat(64), 'x'.repeat(64)]])('answers %j by its id', (id, want) => {
    expect(replyId({ id })).toBe(want);
  });
  it.each([1.5, -0.25, '', 'x'.repeat(65), 2 ** 53, 1e300, true, null, {}, [1]])('answers %j with id null', (id) => {
    expect(replyId({ id })).toBeNull();
  });
  it.each([[[{ id: 1 }]], ['{"id":1}'], [null], [7]])('answers a message that is not an object (%j) with id null', (msg) => {
    expect(replyId(msg)).toBeNull();
  });
});
