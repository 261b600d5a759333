/**
 * Issue #17: the engine's own transports refuse oversized and odd messages
 * with an error reply and go on serving. Over stdio (JSON lines) a line over
 * the limit (64 MiB) is skipped unread; over Node IPC (the web host's channel) the server
 * measures the value it received. Ids the protocol refuses are answered with
 * id null on both.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINE_ENTRY, EngineProcess } from '../../engine/host/node/engine-process.ts';
import { decodeWire } from '../../engine/host/wire.ts';
import { MAX_MESSAGE_BYTES, type ToClient } from '../../engine/protocol.ts';

const dir = mkdtempSync(join(tmpdir(), 'dlab-limits-'));
const MiB = 1024 * 1024;
const OVER = MAX_MESSAGE_BYTES + MiB;
const VALIDATE = { type: 'validate', spec: { input_shape: [2], layers: [{ kind: 'ReLU' }] } };
const deep = (levels: number): unknown => (levels <= 1 ? [] : [deep(levels - 1)]);

type Answer = { id: unknown; code: string | null };
const answerOf = (m: ToClient): Answer | null => (m.type === 'event' ? null : { id: m.id, code: m.type === 'error' ? m.error.code : null });

describe('stdio transport (JSON lines)', () => {
  it('answers a line over the limit with too-large, unread, then serves the next lines and exits when stdin ends', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', ENGINE_ENTRY, '--root', dir], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, DLAB_THREADS: '1' } });
    const answers: Answer[] = [];
    let pending = '';
    child.stdout.on('data', (c: Buffer) => {
      const lines = (pending + c.toString()).split('\n');
      pending = lines.pop()!;
      for (const l of lines) {
        const a = answerOf(decodeWire(l) as ToClient);
        if (a) answers.push(a);
      }
    });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    child.stdin.write(`{"id":1,"type":"catalog","s":"${'x'.repeat(OVER)}"}\n`);
    child.stdin.write(`${JSON.stringify({ id: 2, ...VALIDATE })}\n`);
    child.stdin.write(`${JSON.stringify({ id: 1.5, ...VALIDATE })}\n`);
    child.stdin.write(`${JSON.stringify({ id: 'x'.repeat(65), ...VALIDATE })}\n`);
    child.stdin.end(JSON.stringify({ id: 3, ...VALIDATE })); // the last line has no newline
    expect(await exited).toBe(0);
    // Replies to valid requests come a microtask later than refusals: compare without order.
    const sorted = (xs: Answer[]) => xs.map((a) => JSON.stringify(a)).sort();
    expect(sorted(answers)).toEqual(sorted([
      { id: null, code: 'too-large' },
      { id: 2, code: null },
      { id: null, code: 'bad-message' },
      { id: null, code: 'bad-message' },
      { id: 3, code: null },
    ]));
  });
});

describe('Node IPC transport', () => {
  let engine: EngineProcess;
  const answers: Answer[] = [];
  beforeAll(async () => {
    engine = new EngineProcess({ root: dir, env: { DLAB_THREADS: '1' } });
    engine.onMessage((m) => {
      const a = answerOf(m);
      if (a) answers.push(a);
    });
    await engine.ready();
  });
  afterAll(() => engine.close());

  async function answerTo(msg: unknown): Promise<Answer> {
    const before = answers.length;
    engine.sendRaw(msg);
    while (answers.length === before) await new Promise((r) => setTimeout(r, 10));
    return answers[before];
  }

  it.each([
    ['a string over the limit, by its id', () => ({ id: 7, type: 'catalog', s: 'x'.repeat(OVER) }), { id: 7, code: 'too-large' }],
    ['a tensor over the limit, by its id', () => ({ id: 'big', type: 'predict', t: new Float32Array(OVER / 4) }), { id: 'big', code: 'too-large' }],
    ['nesting of 150 levels, by its id', () => ({ id: 8, ...VALIDATE, deep: deep(150) }), { id: 8, code: 'bad-message' }],
    ['id 1.5', () => ({ id: 1.5, ...VALIDATE }), { id: null, code: 'bad-message' }],
    ['id -0.25', () => ({ id: -0.25, ...VALIDATE }), { id: null, code: 'bad-message' }],
    ['id ""', () => ({ id: '', ...VALIDATE }), { id: null, code: 'bad-message' }],
    ['a 65-character id', () => ({ id: 'i'.repeat(65), ...VALIDATE }), { id: null, code: 'bad-message' }],
    ['id 2^53', () => ({ id: 2 ** 53, ...VALIDATE }), { id: null, code: 'bad-message' }],
    ['a message 1 MiB under the limit, normally', () => ({ id: 9, ...VALIDATE, s: 'x'.repeat(MAX_MESSAGE_BYTES - MiB) }), { id: 9, code: null }],
    ['a 64-character id, normally', () => ({ id: 'i'.repeat(64), ...VALIDATE }), { id: 'i'.repeat(64), code: null }],
  ])('answers %s', async (_what, make, want) => {
    expect(await answerTo(make())).toEqual(want);
  });
});
