/**
 * Where the files the Node side reads or starts at run time live, for both
 * layouts it runs from:
 * - a checkout: TypeScript sources through tsx, next to the generated
 *   `engine/kernels/wasm/build` and `engine/data/build`;
 * - the bundles in `dist/node/` (scripts/build.mjs), which carry their .wasm
 *   and data files beside them. In a packaged app that folder is
 *   `resources/app.asar.unpacked/dist/node`: plain files, so Node and worker
 *   threads read and start them without Electron's asar support.
 * The build defines `__DLAB_BUNDLED__`; `import.meta.url` then names the bundle.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

declare const __DLAB_BUNDLED__: boolean | undefined;

export interface RuntimeFiles {
  /** The engine entry and the Node flags it needs (web host, tests, CLI children). */
  engine: { file: string; execArgv: string[] };
  /** A sweep worker thread's script. */
  trainWorker: string;
  /** kernels-simd.wasm and kernels-relaxed.wasm. */
  wasmDir: string;
  /** The bundled MNIST digits as gzip IDX (scripts/build-mnist.mjs). */
  mnistDir: string;
  /** The built renderer (index.html and its assets). */
  rendererDir: string;
}

const here = dirname(fileURLToPath(import.meta.url));

function bundled(dir: string): RuntimeFiles {
  return {
    engine: { file: join(dir, 'engine.cjs'), execArgv: [] },
    trainWorker: join(dir, 'train-worker.cjs'),
    wasmDir: join(dir, 'wasm'),
    mnistDir: join(dir, 'mnist'),
    rendererDir: join(dir, '..', 'renderer'),
  };
}

function checkout(engineDir: string): RuntimeFiles {
  return {
    engine: { file: join(engineDir, 'host', 'node', 'entry.ts'), execArgv: ['--import', 'tsx'] },
    trainWorker: join(engineDir, 'host', 'node', 'train-worker.mjs'),
    wasmDir: join(engineDir, 'kernels', 'wasm', 'build'),
    mnistDir: join(engineDir, 'data', 'build'),
    rendererDir: join(engineDir, '..', 'dist', 'renderer'),
  };
}

export const runtimeFiles: RuntimeFiles = typeof __DLAB_BUNDLED__ === 'boolean' ? bundled(here) : checkout(join(here, '..'));
