import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Load and timing tests share a 2-core machine: run files one at a time so
    // they do not disturb each other's measurements.
    fileParallelism: false,
    pool: 'forks',
  },
});
