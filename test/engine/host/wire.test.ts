import { describe, expect, it } from 'vitest';
import { readWireMessage } from '../../../engine/host/wire.ts';

/** A request whose `deep` field nests arrays so the whole message is `depth` levels deep. */
const nestedText = (depth: number) => `{"id":3,"type":"catalog","deep":${'['.repeat(depth - 1)}1${']'.repeat(depth - 1)}}`;

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
