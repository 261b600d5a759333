/**
 * Where the packaged app is: `npm run dist:check` packages it (scripts/dist-check.mjs)
 * and names its folder in DLAB_PACKAGED_APP (release/linux-unpacked).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const app = process.env.DLAB_PACKAGED_APP;
if (!app || !existsSync(join(app, 'resources', 'app.asar'))) {
  throw new Error(`DLAB_PACKAGED_APP=${app ?? '(unset)'} holds no resources/app.asar: these tests run from 'npm run dist:check', which packages the app first`);
}

export const packaged = {
  dir: app,
  asar: join(app, 'resources', 'app.asar'),
  unpacked: join(app, 'resources', 'app.asar.unpacked'),
  /** The engine and CLI bundles, as the packaged app starts them: plain files beside the asar. */
  engine: join(app, 'resources', 'app.asar.unpacked', 'dist', 'node', 'engine.cjs'),
  cli: join(app, 'resources', 'app.asar.unpacked', 'dist', 'node', 'dlab.cjs'),
};
