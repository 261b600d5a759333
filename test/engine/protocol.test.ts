import { describe, expect, it } from 'vitest';
import { replyId } from '../../engine/protocol.ts';

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
