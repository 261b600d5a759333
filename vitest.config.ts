import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  test: {
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    testTimeout: 120_000,
    // Browser tests poll the page; a loaded 2-core machine can take seconds to answer.
    expect: { poll: { timeout: 10_000, interval: 50 } },
    pool: 'forks',
    // Tests run the TypeScript sources: `dlab` children too, even where a bundle exists (bin/dlab.mjs).
    env: { DLAB_FROM_SOURCES: '1' },
    projects: [
      { extends: true, test: { name: 'reference', include: ['test/**/*.test.ts'], exclude: ['test/renderer/**', 'test/dist/**', '**/node_modules/**'] } },
      // The whole torch-parity suite again, every op on the WebAssembly kernels.
      {
        extends: true,
        test: {
          name: 'wasm',
          include: ['test/engine/**/*.parity.test.ts', 'test/engine/ops/gradcheck.test.ts'],
          setupFiles: ['test/engine/kernels/use-wasm-backend.ts'],
        },
      },
      // The renderer's logic (.ts and .svelte.ts modules with runes), compiled as the browser build is.
      {
        plugins: [svelte({ configFile: false, compilerOptions: { runes: true } })],
        resolve: { conditions: ['browser'] },
        test: { name: 'renderer', include: ['test/renderer/**/*.test.ts'], environment: 'node', testTimeout: 60_000 },
      },
    ],
  },
});
