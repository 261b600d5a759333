/** The `dlab` process: the CLI on this process's arguments (bin/dlab.mjs, or the bundle dist/node/dlab.cjs). */
import { main } from './main.ts';

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
