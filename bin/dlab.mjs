#!/usr/bin/env node
// The `dlab` command. Runs the bundle dist/node/dlab.cjs (npm run build:node) when it is newer
// than every file under engine/, so a bundle left behind by an older build never runs edited
// code; otherwise, or with DLAB_FROM_SOURCES=1 (the tests set it), the TypeScript CLI through tsx.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bundle = `${root}dist/node/dlab.cjs`;

/** Newest modification time under dir, in ms. */
function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) t = Math.max(t, statSync(`${e.parentPath}/${e.name}`).mtimeMs);
  }
  return t;
}

if (process.env.DLAB_FROM_SOURCES !== '1' && existsSync(bundle) && statSync(bundle).mtimeMs > newest(`${root}engine`)) {
  createRequire(import.meta.url)(bundle);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../engine/cli/run.ts');
}
