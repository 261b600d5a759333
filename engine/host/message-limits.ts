/**
 * The protocol's size and depth limits (engine/protocol.ts), checked on a
 * message that has already been read: the Electron MessagePort and Node IPC
 * hand the engine values, not text, so their size is estimated from the value.
 * The estimate is a lower bound on the message's JSON text, so anything a text
 * transport let through (at most MAX_MESSAGE_BYTES) passes here as well.
 */
import { MAX_MESSAGE_BYTES, MAX_MESSAGE_DEPTH, type ErrorCode } from '../protocol.ts';

export interface Refusal {
  code: ErrorCode;
  message: string;
}

export const MIB = 1024 * 1024;

export function tooLargeMessage(bytes: number | null): string {
  const size = bytes === null ? 'more than' : `${(bytes / MIB).toFixed(1)} MiB, over`;
  return `message refused: ${size} the protocol's limit of ${MAX_MESSAGE_BYTES / MIB} MiB; send less per request (fewer samples, smaller tensors)`;
}

export const tooDeepMessage = `message refused: nested more than ${MAX_MESSAGE_DEPTH} levels deep; no request of the protocol needs that`;

/** Why a message must be refused before it is handled, or null. Walks iteratively and stops at the limit, so cost stays bounded. */
export function refuseMessage(msg: unknown): Refusal | null {
  let bytes = 0;
  const stack: [unknown, number][] = [[msg, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v === 'string') bytes += v.length + 2;
    else if (ArrayBuffer.isView(v)) bytes += v.byteLength;
    else if (typeof v === 'object' && v !== null) {
      if (depth >= MAX_MESSAGE_DEPTH) return { code: 'bad-message', message: tooDeepMessage };
      bytes += Array.isArray(v) ? 1 + Math.max(v.length, 1) : 2; // brackets and commas
      if (bytes > MAX_MESSAGE_BYTES) return { code: 'too-large', message: tooLargeMessage(null) };
      if (Array.isArray(v)) for (const x of v) stack.push([x, depth + 1]);
      else for (const [k, x] of Object.entries(v)) {
        bytes += k.length + 3;
        stack.push([x, depth + 1]);
      }
    } else bytes += 1;
    if (bytes > MAX_MESSAGE_BYTES) return { code: 'too-large', message: tooLargeMessage(null) };
  }
  return null;
}
