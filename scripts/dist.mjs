// `npm run dist`: builds the bundles and icons, then packages Dropout Lab with electron-builder
// for this OS, with the targets in package.json "build" (AppImage + deb, dmg + zip, nsis) in release/.
// DLAB_ELECTRON_DIST=<an unpacked Electron distribution folder>: packages with that Electron
// instead of downloading one, as the `dir` target only (release/<os>-unpacked), which needs
// nothing else from the network.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build, Platform } from 'electron-builder';

const root = fileURLToPath(new URL('..', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const run = (script) => {
  const r = spawnSync(npm, ['run', '--silent', script], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

run('build');
// Icons change rarely and take seconds to render: only when the source is newer.
const icon = `${root}dist/icons/icon.icns`;
if (!existsSync(icon) || statSync(icon).mtimeMs < statSync(`${root}build-resources/icon.svg`).mtimeMs) run('build:icons');

const electronDist = process.env.DLAB_ELECTRON_DIST;
if (electronDist && !statSync(electronDist, { throwIfNoEntry: false })?.isDirectory()) {
  console.error(`DLAB_ELECTRON_DIST=${electronDist} is not a folder: it should name an unpacked Electron distribution (the folder holding the electron executable).`);
  process.exit(1);
}
await build({
  projectDir: root,
  publish: 'never',
  ...(electronDist ? { targets: Platform.current().createTarget('dir'), config: { electronDist } } : {}),
});
