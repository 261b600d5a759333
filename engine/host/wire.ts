/**
 * Protocol messages over text transports (WebSocket, JSON lines): JSON with
 * every Float32Array as `{"$f32": base64}` of its little-endian bytes, so
 * tensors survive exactly. MessagePorts and Node IPC ('advanced'
 * serialization) carry typed arrays natively and skip this.
 */
import { MAX_MESSAGE_DEPTH, replyId, type ToClient } from '../protocol.ts';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = new Int16Array(128).fill(-1);
for (let i = 0; i < B64.length; i++) B64_INDEX[B64.charCodeAt(i)] = i;

export function bytesToBase64(b: Uint8Array): string {
  let out = '';
  for (let i = 0; i < b.length; i += 3) {
    const n = (b[i] << 16) | ((b[i + 1] ?? 0) << 8) | (b[i + 2] ?? 0);
    out += B64[(n >> 18) & 63] + B64[(n >> 12) & 63] + (i + 1 < b.length ? B64[(n >> 6) & 63] : '=') + (i + 2 < b.length ? B64[n & 63] : '=');
  }
  return out;
}

export function base64ToBytes(s: string): Uint8Array {
  if (s.length % 4 !== 0) throw new Error('base64 length is not a multiple of 4');
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((s.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < s.length; i += 4) {
    let n = 0;
    for (let j = 0; j < 4; j++) {
      const c = s.charCodeAt(i + j);
      const v = c === 61 ? 0 : c < 128 ? B64_INDEX[c] : -1; // 61 is '='
      if (v < 0) throw new Error(`invalid base64 character at ${i + j}`);
      n = (n << 6) | v;
    }
    if (o < out.length) out[o++] = (n >> 16) & 255;
    if (o < out.length) out[o++] = (n >> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  return out;
}

function isF32Marker(v: unknown): v is { $f32: string } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 1 && typeof (v as { $f32?: unknown }).$f32 === 'string';
}

export function encodeWire(msg: unknown): string {
  return JSON.stringify(msg, (_k, v: unknown) => (v instanceof Float32Array ? { $f32: bytesToBase64(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)) } : v));
}

/**
 * Parses a text frame; throws on invalid JSON, a damaged tensor or nesting deeper than MAX_MESSAGE_DEPTH
 * (JSON.parse itself takes any depth, but a reviver, structured clone or zod would overflow the stack on it).
 */
export function decodeWire(text: string): unknown {
  return revive(JSON.parse(text), 0);
}

/**
 * A received text message, decoded, or the error reply it gets: with its own id when the JSON was
 * readable and had one (a damaged tensor or deep nesting), else with id null.
 */
export function readWireMessage(text: string): { msg: unknown } | { reply: ToClient } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return { reply: { type: 'error', id: null, error: { code: 'bad-message', message: `not JSON: ${(e as Error).message}` } } };
  }
  const id = replyId(parsed);
  try {
    return { msg: revive(parsed, 0) };
  } catch (e) {
    return { reply: { type: 'error', id, error: { code: 'bad-message', message: `message refused: ${(e as Error).message}` } } };
  }
}

function revive(v: unknown, depth: number): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (depth >= MAX_MESSAGE_DEPTH) throw new Error(`nested more than ${MAX_MESSAGE_DEPTH} levels deep`);
  if (isF32Marker(v)) {
    const bytes = base64ToBytes(v.$f32);
    if (bytes.length % 4 !== 0) throw new Error('a tensor payload is not a whole number of float32 values');
    return new Float32Array(bytes.slice().buffer);
  }
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = revive(v[i], depth + 1);
    return v;
  }
  for (const [k, x] of Object.entries(v)) {
    const r = revive(x, depth + 1);
    // defineProperty, not assignment: a key '__proto__' must stay a plain property, as JSON.parse made it.
    if (r !== x) Object.defineProperty(v, k, { value: r, writable: true, enumerable: true, configurable: true });
  }
  return v;
}

/** The ArrayBuffers of every Float32Array in a message that owns its whole buffer (safe to transfer). */
export function transferables(msg: unknown, out: ArrayBuffer[] = [], depth = 0): ArrayBuffer[] {
  if (depth > 8 || typeof msg !== 'object' || msg === null) return out;
  if (msg instanceof Float32Array) {
    if (msg.byteOffset === 0 && msg.byteLength === msg.buffer.byteLength && msg.buffer instanceof ArrayBuffer && !out.includes(msg.buffer)) out.push(msg.buffer);
    return out;
  }
  for (const v of Array.isArray(msg) ? msg : Object.values(msg)) transferables(v, out, depth + 1);
  return out;
}
