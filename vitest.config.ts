import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: keep the file-level parallelism at two so CPU-heavy confidence-interval
    // tests do not starve each other into timeouts.
    maxWorkers: 2,
  },
});
