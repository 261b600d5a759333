/**
 * Loaded with --import before engine/host/node/entry.ts in a Node child: plays
 * Electron's utility-process `process.parentPort` (control messages from main,
 * with a MessagePortMain-like port) over the child's IPC channel, so the
 * engine's Electron adapter runs for real without Electron.
 */
import { EventEmitter } from 'node:events';

class FakePort extends EventEmitter {
  start(): void {}
  postMessage(m: unknown): void {
    process.send?.({ via: 'port', m });
  }
}

class FakeParentPort extends EventEmitter {
  postMessage(m: unknown): void {
    process.send?.({ via: 'parent', m });
  }
}

const parentPort = new FakeParentPort();
const port = new FakePort();
process.on('message', (raw: { to: 'parent' | 'port'; data: unknown; withPort?: boolean }) => {
  if (raw.to === 'parent') parentPort.emit('message', { data: raw.data, ports: raw.withPort ? [port] : [] });
  else port.emit('message', { data: raw.data });
});
Object.defineProperty(process, 'parentPort', { value: parentPort });
