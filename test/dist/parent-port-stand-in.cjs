// Loaded with --require before the packaged engine bundle under plain Node: plays Electron's
// utility process. `process.parentPort` delivers main's control messages as {data, ports}; with
// {control: 'port'} it hands over one end of a real MessageChannel, wrapped to behave like
// Electron's MessagePortMain (its 'message' events carry {data}). The test drives both sides
// over this child's IPC channel: {to: 'parent' | 'port', data, withPort}.
const { EventEmitter } = require('node:events');
const { MessageChannel } = require('node:worker_threads');

/** Node's MessagePort emits the value itself; MessagePortMain emits {data, ports}. */
function asMessagePortMain(port) {
  const events = new EventEmitter();
  port.on('message', (data) => events.emit('message', { data, ports: [] }));
  return {
    on: (name, listener) => void events.on(name, listener),
    postMessage: (message) => port.postMessage(message),
    start: () => port.start(),
  };
}

const parentPort = new EventEmitter();
parentPort.postMessage = (m) => process.send({ via: 'parent', m });
let rendererEnd = null;

process.on('message', (raw) => {
  if (raw.to === 'parent') {
    const ports = [];
    if (raw.withPort) {
      const { port1, port2 } = new MessageChannel();
      rendererEnd = port2;
      rendererEnd.on('message', (m) => process.send({ via: 'port', m }));
      ports.push(asMessagePortMain(port1));
    }
    parentPort.emit('message', { data: raw.data, ports });
  } else if (rendererEnd) {
    rendererEnd.postMessage(raw.data);
  }
});
Object.defineProperty(process, 'parentPort', { value: parentPort });
