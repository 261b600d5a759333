// `npm run dist:check` (part of `npm test`): packages the app as `npm run dist` does, with a
// stand-in Electron distribution (Electron's binary cannot be downloaded here), then runs
// test/dist against release/linux-unpacked: what app.asar holds, its size, and the packaged
// engine and CLI bundles working under plain Node as Electron would start them.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

if (process.platform !== 'linux') {
  console.log(`dist:check: skipped on ${process.platform}: its stand-in is a Linux Electron distribution (CI runs it on Linux); 'npm run dist' packages for this OS.`);
  process.exit(0);
}
const root = fileURLToPath(new URL('..', import.meta.url));
const step = (what, cmd, args, env = {}) => {
  const t = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) {
    console.error(`dist:check: ${what} failed (exit ${r.status ?? r.signal}).`);
    process.exit(r.status ?? 1);
  }
  console.log(`dist:check: ${what} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
};

// What electron-builder takes from an unpacked Linux Electron: the `electron` executable (renamed
// to the app's) and whatever lies beside it. The stand-in only says what it is if started.
const standIn = mkdtempSync(join(tmpdir(), 'dlab-electron-stand-in-'));
mkdirSync(join(standIn, 'resources'));
writeFileSync(join(standIn, 'electron'), '#!/bin/sh\necho "a stand-in for Electron (dist:check): nothing to run" >&2\nexit 1\n');
chmodSync(join(standIn, 'electron'), 0o755);
writeFileSync(join(standIn, 'LICENSE'), 'A stand-in for Electron\'s LICENSE (dist:check).\n');

try {
  rmSync(join(root, 'release', 'linux-unpacked'), { recursive: true, force: true });
  step('packaged with the stand-in Electron', process.execPath, ['scripts/dist.mjs'], { DLAB_ELECTRON_DIST: standIn });
  step('tested the packaged app', process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--config', 'test/dist/vitest.config.ts'], { DLAB_PACKAGED_APP: join(root, 'release', 'linux-unpacked') });
} finally {
  rmSync(standIn, { recursive: true, force: true });
}
