// `npm start`: build the renderer and the bundles, then launch Electron on them. Where Electron's
// binary is not installed and cannot be fetched, say so in one line, naming `npm run web`, and
// exit non-zero: nothing was started.
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const electronDir = dirname(require.resolve('electron/package.json'));

/** The binary's path when installed (electron/path.txt names it inside electron/dist), else null. */
function installedElectron() {
  const pathFile = join(electronDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = join(electronDir, 'dist', readFileSync(pathFile, 'utf8'));
  return existsSync(binary) ? binary : null;
}

// Since Electron 42 `npm install` no longer fetches the binary; fetch it now unless told not to.
if (!installedElectron() && !process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
  spawnSync(process.execPath, [join(electronDir, 'install.js')], { stdio: ['ignore', 'ignore', 'ignore'] });
}
const electron = installedElectron();
if (!electron) {
  console.error('Dropout Lab did not start: the Electron binary is not installed and could not be downloaded here; run `npm run web` to use Dropout Lab in a browser.');
  process.exit(1);
}
const r = spawnSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status ?? 1);
const child = spawn(electron, ['.', ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 0));
