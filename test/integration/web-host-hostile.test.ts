/**
 * Issue #17, the web host under attack: requests whose paths make fs calls
 * throw (from a foreign page in Chromium and straight over HTTP), malformed
 * WebSocket frames sent over a raw socket, messages over the size limit, and
 * requests in flight when the engine dies. Each must end in an answer for the
 * attacker and leave the host and another live session working.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startWebHost, type WebHost } from '../../web/web-host.ts';
import { decodeWire, encodeWire } from '../../engine/host/wire.ts';
import { MAX_MESSAGE_BYTES } from '../../engine/protocol.ts';
import { CHROMIUM, haveChromium } from '../e2e/harness.ts';

const base = mkdtempSync(join(tmpdir(), 'dlab-hostile-'));
const root = join(base, 'work');
const dist = join(base, 'dist');
mkdirSync(root);
mkdirSync(dist);
writeFileSync(join(dist, 'index.html'), '<!doctype html><title>Dropout Lab</title>');

const CRASHING_PATHS = ['/%00', '/index.html%00.js', `/${'a'.repeat(300)}`, `/${'a'.repeat(300)}/index.html`, '/assets%00/x.js'];

let host: WebHost;
const logged: string[] = [];
beforeAll(async () => {
  host = await startWebHost({ root, distDir: dist, checkpointDir: join(base, 'ckpt'), engineEnv: { DLAB_THREADS: '1' }, log: (l) => logged.push(l) });
});
afterAll(() => host.close());

function get(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, path }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A session as the renderer has it: answers by id. */
class Session {
  private readonly waiters = new Map<number, (m: Record<string, unknown>) => void>();
  readonly events: Record<string, unknown>[] = [];
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const m = decodeWire(data.toString()) as Record<string, unknown>;
      if (m.type === 'event') this.events.push(m.event as Record<string, unknown>);
      else if (typeof m.id === 'number') this.waiters.get(m.id)?.(m);
    });
  }
  static open(): Promise<Session> {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/engine?token=${host.token}`, { headers: { Origin: host.origin } });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new Session(ws)));
      ws.once('error', reject);
    });
  }
  call(id: number, msg: Record<string, unknown>): Promise<Record<string, unknown>> {
    return new Promise((resolve) => {
      this.waiters.set(id, resolve);
      this.ws.send(encodeWire({ id, ...msg }));
    });
  }
  /** Resolves once an event matching `pred` has arrived. */
  async event(pred: (e: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
    for (;;) {
      const hit = this.events.find(pred);
      if (hit) return hit;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

let nextId = 1000;
/** The host still serves pages and `other` still gets answers from its engine. */
async function stillServing(other: Session): Promise<void> {
  expect(await get('/')).toBe(200);
  const id = nextId++;
  expect(await other.call(id, { type: 'validate', spec: { input_shape: [2], layers: [{ kind: 'ReLU' }] } })).toMatchObject({ type: 'response', id, result: { ok: true } });
}

describe('HTTP requests whose paths make the file system throw', () => {
  it.each(CRASHING_PATHS)('GET %s ends in 400 or 404', async (path) => {
    expect([400, 404]).toContain(await get(path));
    expect(await get('/')).toBe(200);
  });

  it.skipIf(!haveChromium)('a page on another origin firing them as <img> and fetch() leaves the host serving', async () => {
    const other = await Session.open();
    const urls = CRASHING_PATHS.map((p) => `http://127.0.0.1:${host.port}${p}`);
    const page = `<!doctype html><body><script>
      const urls = ${JSON.stringify(urls)};
      window.done = Promise.all([
        ...urls.map((u) => new Promise((r) => { const i = new Image(); i.onload = i.onerror = () => r('img'); i.src = u; })),
        ...urls.map((u) => fetch(u, { mode: 'no-cors' }).then(() => 'fetch', () => 'fetch failed')),
      ]);
    </script>`;
    const attacker: Server = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end(page));
    await new Promise<void>((r) => attacker.listen(0, '127.0.0.1', () => r()));
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const tab = await browser.newPage();
      const statuses = new Map<string, number>();
      tab.on('response', (r) => statuses.set(r.url(), r.status()));
      await tab.goto(`http://localhost:${(attacker.address() as AddressInfo).port}/`);
      // Every attack got an HTTP answer (a crashed host gives none: the requests fail).
      expect(await tab.evaluate(() => Reflect.get(globalThis, 'done'))).toEqual([...urls.map(() => 'img'), ...urls.map(() => 'fetch')]);
      for (const u of urls) expect([400, 404]).toContain(statuses.get(u));
      await stillServing(other);
    } finally {
      await browser.close();
      attacker.close();
      other.ws.close();
    }
  });
});

/** A WebSocket upgrade over a bare TCP socket, so any bytes at all can follow. */
async function rawSession(): Promise<{ send(bytes: Buffer): void; closeCode: Promise<number | null> }> {
  const socket = connect(host.port, '127.0.0.1');
  const key = Buffer.from('0123456789abcdef').toString('base64');
  socket.write(`GET /engine?token=${host.token} HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nOrigin: ${host.origin}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
  let buf = Buffer.alloc(0);
  const opened = new Promise<void>((resolve, reject) => {
    const onData = (c: Buffer) => {
      buf = Buffer.concat([buf, c]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      if (!buf.subarray(0, end).toString().startsWith('HTTP/1.1 101')) reject(new Error(buf.toString()));
      buf = buf.subarray(end + 4);
      socket.off('data', onData);
      resolve();
    };
    socket.on('data', onData);
  });
  await opened;
  // The server's frames are unmasked; find its close frame and read the code.
  const closeCode = new Promise<number | null>((resolve) => {
    socket.on('data', (c: Buffer) => (buf = Buffer.concat([buf, c])));
    socket.on('error', () => {});
    socket.on('close', () => {
      let o = 0;
      while (o + 2 <= buf.length) {
        const opcode = buf[o] & 0x0f;
        let len = buf[o + 1] & 0x7f;
        let h = 2;
        if (len === 126) [len, h] = [buf.readUInt16BE(o + 2), 4];
        else if (len === 127) [len, h] = [Number(buf.readBigUInt64BE(o + 2)), 10];
        if (opcode === 8) return resolve(len >= 2 ? buf.readUInt16BE(o + h) : null);
        o += h + len;
      }
      resolve(null);
    });
  });
  return { send: (bytes) => socket.write(bytes), closeCode };
}

/** A client frame: FIN, the given opcode and flags, masked unless told otherwise; `length` may lie about the payload. */
function frame(o: { opcode: number; payload: Buffer; rsv1?: boolean; masked?: boolean; length?: number }): Buffer {
  const masked = o.masked ?? true;
  const length = o.length ?? o.payload.length;
  const head = [0x80 | (o.rsv1 ? 0x40 : 0) | o.opcode];
  const lenBytes = Buffer.alloc(length < 126 ? 0 : length < 65536 ? 2 : 8);
  if (length < 126) head.push((masked ? 0x80 : 0) | length);
  else if (length < 65536) {
    head.push((masked ? 0x80 : 0) | 126);
    lenBytes.writeUInt16BE(length);
  } else {
    head.push((masked ? 0x80 : 0) | 127);
    lenBytes.writeBigUInt64BE(BigInt(length));
  }
  const mask = Buffer.from([0x12, 0x34, 0x56, 0x78]);
  const body = masked ? Buffer.from(o.payload.map((b, i) => b ^ mask[i % 4])) : o.payload;
  return Buffer.concat([Buffer.from(head), lenBytes, masked ? mask : Buffer.alloc(0), body]);
}

describe('malformed WebSocket frames', () => {
  const json = Buffer.from('{"id":1,"type":"catalog"}');
  let other: Session; // one live session that must outlive every attack
  beforeAll(async () => {
    other = await Session.open();
  });
  afterAll(() => other.ws.close());
  it.each([
    ['invalid UTF-8 in a text frame', 1007, frame({ opcode: 1, payload: Buffer.from([0x7b, 0xc3, 0x28, 0xff, 0x7d]) })],
    ['an unmasked client frame', 1002, frame({ opcode: 1, payload: json, masked: false })],
    ['RSV1 set without compression', 1002, frame({ opcode: 1, payload: json, rsv1: true })],
    ['the reserved opcode 3', 1002, frame({ opcode: 3, payload: json })],
    ['a header announcing 300 MB', 1009, frame({ opcode: 1, payload: Buffer.alloc(0), length: 300 * 1024 * 1024 })],
  ])('%s closes that connection only (%i)', async (_what, code, bytes) => {
    const raw = await rawSession();
    raw.send(bytes);
    expect(await raw.closeCode).toBe(code);
    await stillServing(other);
  });
});

describe('messages over the 64 MiB limit', () => {
  it('one 1 MiB over closes its connection with 1009; one 1 MiB under is answered; the other session goes on', async () => {
    const other = await Session.open();
    const big = await Session.open();
    const answer = await big.call(1, { type: 'no-such-request', junk: 'x'.repeat(MAX_MESSAGE_BYTES - 1024 * 1024) });
    expect(answer).toMatchObject({ id: 1, type: 'error', error: { code: 'unknown-type' } });
    const closed = new Promise<number>((r) => big.ws.once('close', (code) => r(code)));
    big.ws.send(encodeWire({ id: 2, type: 'catalog', junk: 'x'.repeat(MAX_MESSAGE_BYTES + 1024 * 1024) }));
    expect(await closed).toBe(1009);
    await stillServing(other);
    other.ws.close();
  });
});

describe('requests in flight when the engine dies', () => {
  it('each gets an engine-lost error before the engine-lost event, and the fresh engine answers', async () => {
    const s = await Session.open();
    const first = await s.event((e) => e.type === 'ready');
    const spec = { input_shape: [256], layers: [{ kind: 'Linear', in_features: 256, out_features: 256 }, { kind: 'Dropout', p: 0.5 }, { kind: 'Linear', in_features: 256, out_features: 256 }] };
    const slow = s.call(1, { type: 'predict', model: { spec }, input: { tensor: { shape: [256, 256], data: new Float32Array(256 * 256) } }, mc: { passes: 1000 } });
    await s.event((e) => e.type === 'mc-progress'); // the engine is working on it
    const order: string[] = [];
    s.ws.on('message', (d) => {
      const m = decodeWire(d.toString()) as { type: string; event?: { type: string } };
      order.push(m.type === 'event' ? m.event!.type : m.type);
    });
    process.kill(first.pid as number, 'SIGKILL');
    expect(await slow).toMatchObject({ type: 'error', id: 1, error: { code: 'engine-lost', message: expect.stringContaining('SIGKILL') } });
    await s.event((e) => e.type === 'ready' && e.pid !== first.pid);
    expect(order.indexOf('error')).toBeLessThan(order.indexOf('engine-lost'));
    await stillServing(s);
    s.ws.close();
  });
});
