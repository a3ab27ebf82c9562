import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Throw-away PostgreSQL (pg_stat_statements) and MariaDB (performance_schema) servers for the
    // tests that need those settings, started only when a selected test file uses them.
    globalSetup: ['test/setup/private-servers.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Load and timing tests share a 2-core machine: run files one at a time so
    // they do not disturb each other's measurements.
    fileParallelism: false,
    pool: 'forks',
  },
});
