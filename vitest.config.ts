import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    // Real sockets, real processes, real Chromium: generous, but never a test's pass criterion.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: browser and DCMTK tests run in parallel files, but not too many at once.
    maxWorkers: 2,
    pool: 'forks',
  },
});
