import { describe, expect, it } from 'vitest';
import { refuseMessage } from '../../../engine/host/message-limits.ts';

const MiB = 1024 * 1024;
/** Objects and arrays nested `depth` levels deep (the outermost counts as level 1). */
const nested = (depth: number): unknown => {
  let v: unknown = 1;
  for (let i = 1; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return { id: 3, type: 'catalog', deep: v };
};

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
