import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    // Real sockets, real processes, real Chromium: generous, but never a test's pass criterion.
    // A hook may set up a gateway, Chromium and three signed-in pages with an exam and a queue:
    // 13 s alone on two cores, but past 60 s on a CI machine busy with another test file. An
    // accessibility scan of the workstation takes 6 s alone and 16-19 s beside another file.
    testTimeout: 120_000,
    hookTimeout: 240_000,
    // How long expect.poll waits for real processes and a real browser to get there: a budget
    // against a busy machine, not a speed requirement (the default, 1 s, is tight on 2 cores).
    expect: { poll: { timeout: 15_000, interval: 50 } },
    // Two cores: browser and DCMTK tests run in parallel files, but not too many at once.
    maxWorkers: 2,
    pool: 'forks',
  },
});
