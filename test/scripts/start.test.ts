/** `npm start` on a machine without Electron's binary: one line naming `npm run web`, and a failing exit (nothing started). */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../../scripts/start.mjs', import.meta.url));
const electronDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
const installed = existsSync(join(electronDir, 'path.txt'));

describe('npm start', () => {
  it.skipIf(installed)('without the Electron binary names `npm run web` and exits non-zero', () => {
    const r = spawnSync(process.execPath, [script], { encoding: 'utf8', env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' } });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/did not start.*`npm run web`/);
    expect(r.stdout).toBe('');
  });
});
