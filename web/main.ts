/** `npm run web [-- --port N] [-- --root DIR]`: prints the URL (token included) and serves until Ctrl-C. */
import { parseArgs } from 'node:util';
import { startWebHost } from './web-host.ts';

const log = (l: string) => process.stderr.write(`web host: ${l}\n`);
// The last safety net: a bug reached by some request must not stop the lab and every engine behind it.
process.on('uncaughtException', (e) => log(`uncaught error, still serving: ${e.stack ?? e.message}`));
process.on('unhandledRejection', (e) => log(`unhandled rejection, still serving: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`));

const { values } = parseArgs({ options: { port: { type: 'string' }, root: { type: 'string' } } });
// No top-level await: this also runs as a CommonJS bundle (dist/node/web.cjs).
void startWebHost({ port: values.port ? Number(values.port) : 0, root: values.root, log }).then((host) => {
  process.stdout.write(`Dropout Lab is at ${host.url}\n(files open and save inside ${values.root ?? process.cwd()}; Ctrl-C stops)\n`);
  const stop = () => void host.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
});
