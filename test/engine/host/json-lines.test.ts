import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../../engine/host/json-lines.ts';

/** Feeds `chunks` to a splitter with a `limit`-byte line limit; returns what it reported, in order. */
function split(limit: number, chunks: (string | Uint8Array)[], end = true): string[] {
  const out: string[] = [];
  const s = new LineSplitter(limit, { line: (t) => out.push(`line ${t}`), tooLarge: (n) => out.push(`too large ${n}`) });
  for (const c of chunks) s.push(typeof c === 'string' ? new TextEncoder().encode(c) : c);
  if (end) s.end();
  return out;
}

describe('LineSplitter', () => {
  it('splits lines across chunks, drops a CR before LF, keeps a last line without newline', () => {
    expect(split(100, ['{"a":', '1}\n{"b"', ':2}\r\n\n', 'tail'])).toEqual(['line {"a":1}', 'line {"b":2}', 'line ', 'line tail']);
  });

  it('reports a line over the limit with its size, in order, and goes on with the next', () => {
    expect(split(10, ['short\n', 'x'.repeat(8), 'x'.repeat(8), 'x'.repeat(4), '\nok\n'])).toEqual(['line short', 'too large 20', 'line ok']);
  });

  it('accepts a line of exactly the limit', () => {
    expect(split(5, ['12345\n123456\n'])).toEqual(['line 12345', 'too large 6']);
  });

  it('reports an endless line when the stream ends, and holds none of it', () => {
    expect(split(4, ['abcdefgh', 'ijkl'])).toEqual(['too large 12']);
    expect(split(4, ['abcdefgh'], false)).toEqual([]);
  });

  it('decodes UTF-8 split across chunks', () => {
    const bytes = new TextEncoder().encode('"丢弃"\n');
    expect(split(100, [bytes.subarray(0, 2), bytes.subarray(2, 5), bytes.subarray(5)])).toEqual(['line "丢弃"']);
  });

  it('copies what it keeps (a reused chunk buffer does not change a pending line)', () => {
    const buf = new TextEncoder().encode('abc');
    const out: string[] = [];
    const s = new LineSplitter(100, { line: (t) => out.push(t), tooLarge: () => {} });
    s.push(buf);
    buf.set(new TextEncoder().encode('XYZ'));
    s.push(new TextEncoder().encode('\n'));
    expect(out).toEqual(['abc']);
  });
});
