import { describe, expect, it } from 'vitest';
import { refuseMessage } from '../../../engine/host/message-limits.ts';
import { MAX_MESSAGE_BYTES } from '../../../engine/protocol.ts';

const MiB = 1024 * 1024;
const UNDER = MAX_MESSAGE_BYTES - MiB;
const OVER = MAX_MESSAGE_BYTES + MiB;
/** Objects and arrays nested `depth` levels deep (the outermost counts as level 1). */
const nested = (depth: number): unknown => {
  let v: unknown = 1;
  for (let i = 1; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return { id: 3, type: 'catalog', deep: v };
};

describe('message limits: 64 MiB, 100 levels', () => {
  // Messages are built lazily: a test title or report must never format a 65 MiB value.
  const cases: [string, () => unknown, string | null][] = [
    ['a small request', () => ({ id: 1, type: 'catalog' }), null],
    ['a string of 1 MiB under the limit', () => ({ id: 1, type: 'x', s: 'x'.repeat(UNDER) }), null],
    ['a tensor of 1 MiB under the limit', () => ({ id: 1, t: { shape: [1], data: new Float32Array(UNDER / 4) } }), null],
    ['a string of 1 MiB over', () => ({ id: 1, type: 'x', s: 'x'.repeat(OVER) }), 'too-large'],
    ['a tensor of 1 MiB over', () => ({ id: 1, t: { data: new Float32Array(OVER / 4) } }), 'too-large'],
    ['an array longer than the limit', () => ({ id: 1, xs: new Array(OVER) }), 'too-large'],
    ['a million 64-character strings', () => ({ id: 1, xs: new Array(MiB).fill('s'.repeat(64)) }), 'too-large'],
    ['14,000 keys of 5,000 characters', () => Object.fromEntries(Array.from({ length: 14_000 }, (_, i) => [`${i}`.padEnd(5000, 'k'), 0])), 'too-large'],
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
