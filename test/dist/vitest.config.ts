// The packaged app's tests: run by `npm run dist:check` once it has packaged the app (not by `vitest run`).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // exclude: vitest's default skips every **/dist/** folder, this one included.
  test: { include: ['test/dist/**/*.test.ts'], exclude: ['**/node_modules/**'], testTimeout: 120_000, pool: 'forks' },
});
