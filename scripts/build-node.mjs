// Bundles everything that runs under Node into dist/node, one CommonJS file each, with the
// files they read beside them (engine/io/runtime-files.ts finds them there):
//   engine.cjs        the engine process (Electron utility process, Node child, stdio)
//   train-worker.cjs  a sweep worker thread
//   dlab.cjs          the `dlab` CLI
//   web.cjs           `npm run web`
//   wasm/*.wasm       the kernels (npm run build:wasm); mnist/*.gz the bundled digits (npm run build:data)
// No TypeScript and no tsx at run time; the wasm thread-pool workers are source strings and need no file.
//
// `node scripts/build-node.mjs --cli DIR` builds only dlab.cjs and its kernels, into DIR: `npm run bench` runs its
// workload children from that, so their peak RSS is the engine's as the app runs it (bundled, on plain Node).
import { build } from 'esbuild';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cliOnly = process.argv[2] === '--cli' ? process.argv[3] : undefined;
const out = cliOnly ?? `${root}dist/node`;
const copies = [
  [`${root}engine/kernels/wasm/build`, `${out}/wasm`, 'npm run build:wasm'],
  ...(cliOnly ? [] : [[`${root}engine/data/build`, `${out}/mnist`, 'npm run build:data']]),
];
for (const [from, , how] of copies) {
  if (!existsSync(from)) throw new Error(`${from} is missing: run '${how}' first`);
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
await build({
  absWorkingDir: root,
  entryPoints: cliOnly ? { dlab: 'engine/cli/run.ts' } : {
    engine: 'engine/host/node/entry.ts',
    'train-worker': 'engine/host/node/train-worker.ts',
    dlab: 'engine/cli/run.ts',
    web: 'web/main.ts',
  },
  outdir: out,
  outExtension: { '.js': '.cjs' },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // ws loads these native speed-ups only if installed.
  external: ['bufferutil', 'utf-8-validate'],
  // CommonJS has no import.meta: each bundle's own file stands in, which is where its resources are.
  define: { 'import.meta.url': 'import_meta_url', __DLAB_BUNDLED__: 'true' },
  banner: { js: "const import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
  legalComments: 'none',
  logLevel: 'warning',
});
for (const [from, to] of copies) cpSync(from, to, { recursive: true });
