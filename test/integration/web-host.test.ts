/**
 * The web host as an attacker and as the renderer see it: connections without
 * the token, with a wrong one, from a foreign Origin or Host are refused; the
 * renderer's connection carries the protocol, tensors included, and file
 * paths stay inside the chosen folder.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startWebHost, type WebHost } from '../../web/web-host.ts';
import { decodeWire, encodeWire } from '../../engine/host/wire.ts';

const base = mkdtempSync(join(tmpdir(), 'dlab-web-'));
const root = join(base, 'work');
const dist = join(base, 'dist');
mkdirSync(root);
mkdirSync(join(dist, 'assets'), { recursive: true });
writeFileSync(join(dist, 'index.html'), '<!doctype html><title>Dropout Lab</title>');
writeFileSync(join(base, 'secret.txt'), 'not for the browser');

let host: WebHost;
beforeAll(async () => {
  host = await startWebHost({ root, distDir: dist, checkpointDir: join(base, 'ckpt'), dataDir: join(base, 'data'), engineEnv: { DLAB_THREADS: '1' } });
});
afterAll(() => host.close());

/** Opens a WebSocket and reports whether the server accepted it (and the HTTP status if not). */
function tryConnect(path: string, headers: Record<string, string>): Promise<{ open: boolean; status?: number; ws?: WebSocket }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}${path}`, { headers });
    ws.once('open', () => resolve({ open: true, ws }));
    ws.once('unexpected-response', (_req, res) => resolve({ open: false, status: res.statusCode }));
    ws.once('error', () => resolve({ open: false }));
  });
}

function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, path, headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('web host', () => {
  it('prints a 127.0.0.1 URL with the token in the fragment', () => {
    expect(host.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${host.port}/#token=[A-Za-z0-9_-]{32}$`));
  });

  it.each([
    ['no token', '/engine', { Origin: 'ORIGIN' }],
    ['a wrong token', '/engine?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', { Origin: 'ORIGIN' }],
    ['a foreign Origin', '/engine?token=TOKEN', { Origin: 'http://evil.example' }],
    ['another local port as Origin', '/engine?token=TOKEN', { Origin: 'http://127.0.0.1:1' }],
    ['no Origin (another local process)', '/engine?token=TOKEN', {}],
    ['a rebinding Host', '/engine?token=TOKEN', { Origin: 'ORIGIN', Host: 'attacker.example' }],
  ])('refuses a connection with %s', async (_what, path, headers) => {
    const h = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v.replace('ORIGIN', host.origin)]));
    const r = await tryConnect(path.replace('TOKEN', host.token), h);
    expect(r.open).toBe(false);
    expect(r.status).toBe(403);
  });

  it('serves the renderer with a strict CSP, and nothing outside it', async () => {
    const index = await get('/');
    expect(index.status).toBe(200);
    expect(index.body).toContain('Dropout Lab');
    expect(index.headers['content-security-policy']).toMatch(/default-src 'none'; script-src 'self'/);
    expect((await get('/../secret.txt')).body).not.toContain('not for the browser');
    expect((await get('/%2e%2e/secret.txt')).status).toBe(404); // the URL parser already resolved it inside
    expect((await get('/..%2fsecret.txt')).status).toBe(403); // an encoded slash is caught after decoding
    expect((await get('/', { Host: 'attacker.example' })).status).toBe(421);
  });

  it('carries the protocol for the page: requests, tensors, malformed frames, files confined to the folder', async () => {
    const r = await tryConnect(`/engine?token=${host.token}`, { Origin: host.origin });
    expect(r.open).toBe(true);
    const ws = r.ws!;
    const replies = new Map<number | null, Record<string, unknown>[]>();
    const waiters = new Map<number, (m: Record<string, unknown>) => void>();
    ws.on('message', (data) => {
      const m = decodeWire(data.toString()) as Record<string, unknown>;
      const id = (m.id as number | undefined) ?? null;
      if (m.type === 'event') return;
      replies.set(id, [...(replies.get(id) ?? []), m]);
      if (id !== null) waiters.get(id)?.(m);
    });
    const call = (id: number, msg: Record<string, unknown>) => new Promise<Record<string, unknown>>((res) => {
      waiters.set(id, res);
      ws.send(encodeWire({ id, ...msg }));
    });
    const cat = await call(1, { type: 'catalog' });
    expect(cat.type).toBe('response');
    const pred = await call(2, { type: 'predict', model: { spec: { input_shape: [3], layers: [{ kind: 'Dropout', p: 0.5 }] }, seed: 0 }, input: { tensor: { shape: [1, 3], data: Float32Array.from([1, 2, 3]) } }, mode: 'eval' });
    const out = (pred.result as { output: { data: Float32Array } }).output.data;
    expect(out).toBeInstanceOf(Float32Array);
    expect([...out]).toEqual([1, 2, 3]);
    ws.send('{not json');
    ws.send(Buffer.from([1, 2, 3]), { binary: true });
    const outside = await call(3, { type: 'project.open', path: '../secret.txt' });
    expect(outside).toMatchObject({ type: 'error', error: { code: 'forbidden' } });
    const abs = await call(4, { type: 'project.open', path: join(base, 'secret.txt') });
    expect(abs).toMatchObject({ type: 'error', error: { code: 'forbidden' } });
    await call(5, { type: 'project.new', template: 'mlp' });
    const saved = await call(6, { type: 'project.save', path: 'mine.dlab' });
    expect(saved).toMatchObject({ type: 'response', result: { path: join(root, 'mine.dlab') } });
    const reopened = await call(7, { type: 'project.open', path: 'mine.dlab' });
    expect(reopened.type).toBe('response');
    expect((replies.get(null) ?? []).map((m) => (m.error as { code: string }).code)).toEqual(['bad-message', 'bad-message']);
    ws.close();
  });

  it('tells the page when its engine dies and serves it from a fresh one', async () => {
    const r = await tryConnect(`/engine?token=${host.token}`, { Origin: host.origin });
    const ws = r.ws!;
    const events: Record<string, unknown>[] = [];
    const seen = (pred: (e: Record<string, unknown>) => boolean) => new Promise<Record<string, unknown>>((res) => {
      const check = () => {
        const hit = events.find(pred);
        if (hit) return res(hit);
        setTimeout(check, 20);
      };
      check();
    });
    ws.on('message', (data) => {
      const m = decodeWire(data.toString()) as { type: string; event?: Record<string, unknown> };
      if (m.type === 'event' && m.event) events.push(m.event);
    });
    const first = await seen((e) => e.type === 'ready');
    process.kill(first.pid as number, 'SIGKILL');
    expect(await seen((e) => e.type === 'engine-lost')).toMatchObject({ reason: 'SIGKILL', restarted: true });
    const second = await seen((e) => e.type === 'ready' && e.pid !== first.pid);
    expect(second.pid).not.toBe(first.pid);
    const reply = new Promise<Record<string, unknown>>((res) => ws.on('message', (d) => {
      const m = decodeWire(d.toString()) as Record<string, unknown>;
      if (m.id === 99) res(m);
    }));
    ws.send(encodeWire({ id: 99, type: 'validate', spec: { input_shape: [2], layers: [{ kind: 'ReLU' }] } }));
    expect(await reply).toMatchObject({ type: 'response', result: { ok: true } });
    ws.close();
  });
});

describe('the web host’s recent projects (/recent)', () => {
  const call = (method: string, headers: Record<string, string>, body?: string) =>
    fetch(`http://127.0.0.1:${host.port}/recent`, { method, headers, body }).then(async (r) => ({ status: r.status, text: await r.text() }));
  const auth = () => ({ Authorization: `Bearer ${host.token}` });

  it('lists and notes projects for a tab with the token, newest first', async () => {
    expect(await call('GET', auth())).toEqual({ status: 200, text: '{"recent":[]}' });
    const post = (path: string) => call('POST', { ...auth(), Origin: host.origin, 'Content-Type': 'application/json' }, JSON.stringify({ path }));
    await post('a.dlab');
    expect(JSON.parse((await post(join(root, 'b.dlab'))).text)).toEqual({ recent: [join(root, 'b.dlab'), join(root, 'a.dlab')] });
    expect(JSON.parse((await call('GET', auth())).text)).toEqual({ recent: [join(root, 'b.dlab'), join(root, 'a.dlab')] });
  });

  it.each([
    ['no token', 'GET', {}, undefined, 403],
    ['a wrong token', 'GET', { Authorization: 'Bearer nope' }, undefined, 403],
    ['a POST from a foreign Origin', 'POST', { Authorization: 'TOKEN', Origin: 'http://evil.example' }, '{"path":"x.dlab"}', 403],
    ['a path outside the folder', 'POST', { Authorization: 'TOKEN', Origin: 'ORIGIN' }, '{"path":"/etc/passwd"}', 400],
    ['a body that is not {path}', 'POST', { Authorization: 'TOKEN', Origin: 'ORIGIN' }, '{"path":3,"x":1}', 400],
    ['a body that is not JSON', 'POST', { Authorization: 'TOKEN', Origin: 'ORIGIN' }, 'path=x', 400],
    ['a body over the limit', 'POST', { Authorization: 'TOKEN', Origin: 'ORIGIN' }, JSON.stringify({ path: 'x'.repeat(20_000) }), 413],
    ['another method', 'DELETE', { Authorization: 'TOKEN' }, undefined, 405],
  ])('refuses %s', async (_what, method, headers: Record<string, string>, body, status) => {
    const live: Record<string, string> = { ORIGIN: host.origin, TOKEN: `Bearer ${host.token}` };
    const r = await call(method, Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, live[v] ?? v])), body);
    expect(r.status).toBe(status);
    expect(JSON.parse((await call('GET', auth())).text).recent).not.toContain('/etc/passwd');
  });
});
