import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    testTimeout: 120_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'reference', include: ['test/**/*.test.ts'] } },
      // The whole torch-parity suite again, every op on the WebAssembly kernels.
      {
        extends: true,
        test: {
          name: 'wasm',
          include: ['test/engine/**/*.parity.test.ts', 'test/engine/ops/gradcheck.test.ts'],
          setupFiles: ['test/engine/kernels/use-wasm-backend.ts'],
        },
      },
    ],
  },
});
