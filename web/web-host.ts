/**
 * `npm run web`: the lab in a browser tab. Serves the built renderer on
 * 127.0.0.1 and runs one engine process per connection behind a WebSocket
 * carrying the same protocol as Electron's MessagePort (JSON, tensors as
 * base64: engine/host/wire.ts). A per-launch secret token is required on the
 * WebSocket and its Origin must be this server, so neither another web page
 * nor another local process can drive the engine. File paths are confined to
 * the folder chosen at launch. Hostile input ends in an answer, never in a
 * crash: every HTTP request gets a response, a bad WebSocket frame closes its
 * own connection only, and messages over MAX_MESSAGE_BYTES are refused (1009).
 * The host keeps the one recent-projects list of its folder (`/recent`).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { homedir } from 'node:os';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { EngineProcess } from '../engine/host/node/engine-process.ts';
import { encodeWire, readWireMessage } from '../engine/host/wire.ts';
import { MAX_MESSAGE_BYTES, replyId, type ToClient } from '../engine/protocol.ts';
import { runtimeFiles } from '../engine/io/runtime-files.ts';
import { MAX_RECENT_BODY, RecentNote } from './recent-api.ts';
import { RecentStore } from './recent-store.ts';

export interface WebHostOptions {
  /** Folder the engine may open and save in (default: the current directory). */
  root?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** The built renderer (default dist/renderer). */
  distDir?: string;
  token?: string;
  checkpointDir?: string;
  /** The web host's own state: its recent-projects list (default ~/.dropout-lab/web). */
  dataDir?: string;
  engineEnv?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

export interface WebHost {
  url: string;
  origin: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json', '.woff2': 'font/woff2', '.ico': 'image/x-icon',
};

export const DEFAULT_DIST = runtimeFiles.rendererDir;

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Why an upgrade request must be refused, or null to accept it. */
export function refuseUpgrade(req: { url?: string; headers: IncomingMessage['headers'] }, o: { token: string; origins: string[]; hosts: string[] }): string | null {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  if (url.pathname !== '/engine') return 'no such endpoint';
  if (!o.hosts.includes(req.headers.host ?? '')) return 'wrong Host header';
  const token = url.searchParams.get('token');
  if (!token || !sameSecret(token, o.token)) return 'missing or wrong token';
  const origin = req.headers.origin;
  if (!origin || !o.origins.includes(origin)) return `foreign Origin ${origin ?? '(none)'}`;
  return null;
}

export async function startWebHost(o: WebHostOptions = {}): Promise<WebHost> {
  const root = resolve(o.root ?? process.cwd());
  if (!statSync(root, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`${root} is not a folder`);
  const dist = resolve(o.distDir ?? DEFAULT_DIST);
  const token = o.token ?? randomBytes(24).toString('base64url');
  const log = o.log ?? (() => {});
  let origins: string[] = [];
  let hosts: string[] = [];
  let port = 0;

  const csp = () => `default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}; base-uri 'none'; form-action 'none'; object-src 'none'; frame-ancestors 'none'`;

  const headers = () => ({ 'Content-Security-Policy': csp(), 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer', 'X-Frame-Options': 'DENY', 'Cache-Control': 'no-store', 'Cross-Origin-Opener-Policy': 'same-origin' });
  const fail = (res: ServerResponse, code: number, text: string) => {
    res.writeHead(code, { ...headers(), 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(text);
  };

  const recent = new RecentStore(o.dataDir ?? join(homedir(), '.dropout-lab', 'web'), root);
  const json = (res: ServerResponse, body: unknown) => {
    res.writeHead(200, { ...headers(), 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  /** `/recent` (web/recent-api.ts): the token as a bearer; a POST also needs this server's Origin. */
  function recentEndpoint(req: IncomingMessage, res: ServerResponse): void {
    const auth = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
    if (!auth || !sameSecret(auth[1], token)) return fail(res, 403, 'missing or wrong token\n');
    if (req.method === 'GET') return json(res, { recent: recent.list() });
    if (req.method !== 'POST') return fail(res, 405, 'only GET or POST\n');
    if (!origins.includes(req.headers.origin ?? '')) return fail(res, 403, 'foreign Origin\n');
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_RECENT_BODY) {
        fail(res, 413, 'too large\n');
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => {
      if (res.headersSent) return;
      try {
        const m = RecentNote.safeParse(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        if (!m.success) return fail(res, 400, 'send {"path": "..."}\n');
        json(res, { recent: recent.note(m.data.path) });
      } catch (e) {
        fail(res, 400, `${(e as Error).message}\n`);
      }
    });
  }

  function serve(req: IncomingMessage, res: ServerResponse): void {
    if (!hosts.includes(req.headers.host ?? '')) return fail(res, 421, 'wrong Host header\n'); // DNS-rebinding guard
    if ((req.url ?? '').split('?')[0] === '/recent') return recentEndpoint(req, res);
    if (req.method !== 'GET' && req.method !== 'HEAD') return fail(res, 405, 'only GET\n');
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      return fail(res, 400, 'bad path\n');
    }
    if (path.includes('\0')) return fail(res, 400, 'bad path\n'); // fs calls throw on NUL
    if (path.endsWith('/')) path += 'index.html';
    const file = normalize(join(dist, path));
    if (!file.startsWith(dist + sep)) return fail(res, 403, 'outside the renderer\n');
    if (!existsSync(join(dist, 'index.html'))) return fail(res, 503, `the renderer is not built (${dist}); run npm run build:renderer\n`);
    let body: Buffer;
    try {
      body = readFileSync(file); // fails for folders, missing files and names the file system refuses (over 255 bytes)
    } catch {
      return fail(res, 404, 'not found\n');
    }
    res.writeHead(200, { ...headers(), 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  /** Every request ends in a response: a bug in serve() answers 500 and is logged, it never takes the host down. */
  function answer(req: IncomingMessage, res: ServerResponse): void {
    try {
      serve(req, res);
    } catch (e) {
      log(`request ${JSON.stringify((req.url ?? '').slice(0, 200))} failed: ${(e as Error).message}`);
      if (!res.headersSent) fail(res, 500, 'internal error\n');
      else res.destroy();
    }
  }

  const server = createServer(answer);
  server.on('error', (e) => log(`server error: ${e.message}`));
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  wss.on('error', (e) => log(`WebSocket server error: ${e.message}`));
  const engines = new Set<EngineProcess>();

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const early = (e: Error) => log(`connection error before the WebSocket opened: ${e.message}`);
    socket.on('error', early); // a reset during the handshake must not be an unhandled 'error'
    const why = refuseUpgrade(req, { token, origins, hosts });
    if (why) {
      log(`refused a WebSocket connection: ${why}`);
      socket.end(`HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n${why}\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      socket.off('error', early); // the WebSocket's own handler takes over
      connect(ws);
    });
  });

  function connect(ws: WebSocket): void {
    const send = (m: ToClient) => {
      if (ws.readyState === ws.OPEN) ws.send(encodeWire(m));
    };
    const engine = new EngineProcess({
      root, checkpointDir: o.checkpointDir, env: o.engineEnv,
      onLost: (i) => {
        log(`engine process died (${i.signal ?? `exit ${i.code}`}); starting a fresh one`);
        send({ type: 'event', event: { type: 'engine-lost', reason: i.signal ?? `exit code ${i.code}`, restarted: i.restarted } });
      },
    });
    engines.add(engine);
    engine.onMessage(send);
    // A bad frame (invalid UTF-8, no mask, RSV1, unknown opcode, over maxPayload) already closes this
    // connection with 1002/1007/1009; without a listener the 'error' event would take the whole host down.
    ws.on('error', (e) => log(`closed a connection: ${e.message}`));
    ws.on('message', (data, isBinary) => {
      if (isBinary) return send({ type: 'error', id: null, error: { code: 'bad-message', message: 'binary frames are not part of the protocol; send JSON text' } });
      const r = readWireMessage(data.toString());
      if ('reply' in r) return send(r.reply);
      const msg = r.msg;
      try {
        engine.sendRaw(msg);
      } catch (e) {
        send({ type: 'error', id: replyId(msg), error: { code: 'failed', message: `the message did not reach the engine: ${(e as Error).message}; send it again` } });
      }
    });
    ws.on('close', () => {
      engines.delete(engine);
      void engine.close();
    });
  }

  await new Promise<void>((r, j) => {
    server.once('error', j);
    server.listen(o.port ?? 0, '127.0.0.1', () => r());
  });
  port = (server.address() as AddressInfo).port;
  origins = [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
  hosts = [`127.0.0.1:${port}`, `localhost:${port}`];
  const origin = origins[0];
  return {
    url: `${origin}/#token=${token}`,
    origin,
    token,
    port,
    async close() {
      for (const c of wss.clients) c.terminate();
      await Promise.all([...engines].map((e) => e.close()));
      wss.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
