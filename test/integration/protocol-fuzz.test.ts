/**
 * Issue #17's property test: 1,000 malformed or odd messages from a seeded
 * generator, sent over a real WebSocket to the web host and its engine. Each
 * gets exactly one answer, answered by its id when it carried an id the
 * protocol accepts and by `id: null` otherwise; the engine and the host are
 * still alive afterwards. The generator labels each message with the id its
 * answer must carry, from the protocol's rules (ids are safe integers or
 * strings of 1–64 characters), not from the code under test.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startWebHost, type WebHost } from '../../web/web-host.ts';
import { decodeWire, encodeWire } from '../../engine/host/wire.ts';

const COUNT = 1000;
const SEED = 0x17;

/** mulberry32: small, seeded, good enough to pick cases. */
function generator(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  return { next, int, pick };
}
type Gen = ReturnType<typeof generator>;

const BAD_IDS: unknown[] = [1.5, -0.25, '', 'i'.repeat(65), 2 ** 53, -(2 ** 53), 1e300, -1e21, true, false, null, {}, [], [7], { id: 1 }];
const TYPES = ['catalog', 'validate', 'dataset.preview', 'train.start', 'train.pause', 'evaluate', 'results', 'predict', 'inspect', 'project.open', 'project.edit', 'project.recover', 'runs.list', 'runs.delete', 'export', 'mc.grid', 'mc.samples', 'advice', 'sweep.start', 'sweep.cancel', 'mc.cancel'];
const ODD_NUMBERS = [0, -1, 1e308, -1e308, 2 ** 64, 1.5, -0, 5e-324, 123456789012];
const ODD_STRINGS = ['', ' ', '\u0000', '\ud800', '../../etc/passwd', '𝒳'.repeat(10), '<script>', '%00', 'a'.repeat(300), '{"$f32":"AAAA"}'];

/** A JSON value of bounded depth with odd numbers, strings, arrays and objects. */
function junk(g: Gen, depth: number): unknown {
  const k = g.int(depth > 0 ? 7 : 4);
  switch (k) {
    case 0: return g.pick(ODD_NUMBERS);
    case 1: return g.pick(ODD_STRINGS);
    case 2: return g.pick([true, false, null]);
    case 3: return g.next() * 1000 - 500;
    case 4: return Array.from({ length: g.int(5) }, () => junk(g, depth - 1));
    case 5: return Object.fromEntries(Array.from({ length: g.int(5) }, (_, i) => [g.pick(['id', 'type', 'spec', 'layers', 'kind', 'shape', 'data', `k${i}`, '__proto__', '$f32']), junk(g, depth - 1)]));
    default: return { shape: [g.int(4)], data: g.pick([Float32Array.from([1, 2]), new Float32Array(0), 'AAAA', 5]) };
  }
}

/** JSON text of arrays and objects nested `depth` deep, written as text (JSON.stringify itself overflows on deep values). */
function nested(depth: number): string {
  const open = Array.from({ length: depth }, (_, i) => (i % 2 ? '[' : '{"a":')).join('');
  const close = Array.from({ length: depth }, (_, i) => (i % 2 ? ']' : '}')).reverse().join('');
  return open + '0' + close;
}

interface Case { frame: string | Buffer; answerId: number | string | null }

/** One odd message and the id its answer must carry. */
function oddMessage(g: Gen, i: number): Case {
  const validId = g.next() < 0.5 ? 100_000 + i : `${i}`.padEnd(g.pick([1, 8, 64]), '~');
  const type = () => (g.next() < 0.6 ? g.pick(TYPES) : g.pick(['', 'CATALOG', 'project.delete', 'x'.repeat(1000), ' catalog']));
  const params = () => Object.fromEntries(Array.from({ length: g.int(6) }, () => [g.pick(['spec', 'dataset', 'model', 'input', 'path', 'doc', 'run_id', 'count', 'settings', 'plan', 'context', 'passes', 'seed', 'mode']), junk(g, 4)]));
  switch (g.int(12)) {
    case 0: return { frame: g.pick(['{', 'nul', '[1,', '', '\u0000\u0001', '{"id":1,', 'undefined', '{"id":1}}']), answerId: null };
    case 1: return { frame: Buffer.from(Array.from({ length: g.int(40) }, () => g.int(256))), answerId: null };
    case 2: return { frame: encodeWire(junk(g, 0)), answerId: null }; // a scalar is not a request
    case 3: return { frame: encodeWire(Array.from({ length: g.int(4) }, () => junk(g, 2))), answerId: null };
    case 4: return { frame: encodeWire({ id: g.pick(BAD_IDS), type: type(), ...params() }), answerId: null };
    case 5: return { frame: encodeWire({ type: type(), ...params() }), answerId: null };
    case 6: return { frame: encodeWire({ id: validId, type: g.pick([5, null, ['catalog'], { a: 1 }, true]), ...params() }), answerId: validId };
    case 7: return { frame: encodeWire({ id: validId, type: type(), ...params() }), answerId: validId };
    case 8: return { frame: `{"id":${JSON.stringify(validId)},"type":"${g.pick(TYPES)}","deep":${nested(g.pick([10, 50, 98]))}}`, answerId: validId };
    case 9: return { frame: `{"id":${JSON.stringify(validId)},"type":"${g.pick(TYPES)}","deep":${nested(g.pick([100, 1000, 20_000]))}}`, answerId: validId }; // refused, by its id
    case 10: return { frame: encodeWire({ id: validId, type: type(), blob: 'x'.repeat(g.int(1_000_000)), ...params() }), answerId: validId };
    default: return { frame: `{"id":${JSON.stringify(validId)},"type":"${g.pick(TYPES)}","n":${g.pick(['1e999', '-1e999', '123456789012345678901234567890', '0.000000000000000000001'])}}`, answerId: validId };
  }
}

const base = mkdtempSync(join(tmpdir(), 'dlab-fuzz-'));
const dist = join(base, 'dist');
mkdirSync(join(base, 'work'));
mkdirSync(dist);
writeFileSync(join(dist, 'index.html'), '<!doctype html><title>Dropout Lab</title>');
let host: WebHost;
beforeAll(async () => {
  host = await startWebHost({ root: join(base, 'work'), distDir: dist, checkpointDir: join(base, 'ckpt'), engineEnv: { DLAB_THREADS: '1' } });
});
afterAll(() => host.close());

describe('protocol fuzz over the web host', () => {
  it(`answers each of ${COUNT} seeded odd messages exactly once; engine and host stay up`, async () => {
    const g = generator(SEED);
    const cases = Array.from({ length: COUNT }, (_, i) => oddMessage(g, i));
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/engine?token=${host.token}`, { headers: { Origin: host.origin } });
    const answers: { id: unknown; code: string | null }[] = [];
    const events: { type: string; pid?: number }[] = [];
    let normal: ((m: Record<string, unknown>) => void) | null = null;
    ws.on('message', (data) => {
      const m = decodeWire(data.toString()) as { type: string; id?: unknown; event?: { type: string; pid?: number }; error?: { code: string } };
      if (m.type === 'event') events.push(m.event!);
      else if (m.id === 'after-the-fuzz') normal?.(m);
      else answers.push({ id: m.id, code: m.error?.code ?? null });
    });
    await new Promise((r) => ws.once('open', r));
    while (!events.some((e) => e.type === 'ready')) await new Promise((r) => setTimeout(r, 20));
    const pid = events.find((e) => e.type === 'ready')!.pid;

    for (const c of cases) ws.send(c.frame, { binary: typeof c.frame !== 'string' });
    const deadline = Date.now() + 60_000;
    while (answers.length < COUNT && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    await new Promise((r) => setTimeout(r, 300)); // a second answer to anything would arrive now

    expect(answers.length).toBe(COUNT);
    const key = (id: unknown) => JSON.stringify(id);
    const expected = cases.map((c) => key(c.answerId)).sort();
    expect(answers.map((a) => key(a.id)).sort()).toEqual(expected);
    expect(cases.filter((c) => c.answerId === null).length).toBeGreaterThan(300); // the generator covers both kinds
    expect(events.filter((e) => e.type === 'engine-lost')).toEqual([]);
    expect(events.filter((e) => e.type === 'ready').map((e) => e.pid)).toEqual([pid]);

    const reply = new Promise<Record<string, unknown>>((r) => (normal = r));
    ws.send(encodeWire({ id: 'after-the-fuzz', type: 'validate', spec: { input_shape: [2], layers: [{ kind: 'Linear', in_features: 2, out_features: 3 }] } }));
    expect(await reply).toMatchObject({ type: 'response', result: { ok: true, totalParams: 9 } });
    const status = await new Promise<number>((r) => request({ host: '127.0.0.1', port: host.port, path: '/' }, (res) => r(res.statusCode ?? 0)).end());
    expect(status).toBe(200);
    ws.close();
  });
});
