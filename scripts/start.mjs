// `npm start`: build the renderer and the main process, then launch Electron —
// or, where the Electron binary is not installed, say so in one line.
import { spawnSync, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';

const require = createRequire(import.meta.url);
let electron = null;
try {
  const p = require('electron');
  if (typeof p === 'string' && existsSync(p)) electron = p;
} catch {
  electron = null;
}
if (!electron) {
  console.log('The Electron binary is not installed on this machine (its download is unreachable here); run `npm run web` to use Dropout Lab in a browser.');
  process.exit(0);
}
for (const script of ['build:renderer', 'build:electron']) {
  const r = spawnSync('npm', ['run', '--silent', script], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
const child = spawn(electron, ['dist/electron/main.cjs', ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 0));
