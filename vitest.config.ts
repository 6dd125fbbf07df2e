import { defineConfig } from 'vitest/config';

// Tests import the packages by name, which resolves to their built dist/ (`npm test` builds
// first), so what is tested is what users get. Unit tests import src/ directly.
export default defineConfig({
  test: {
    include: [
      'packages/*/test/**/*.test.ts',
      'bench/test/**/*.test.ts',
      'examples/test/**/*.test.ts',
      'test/**/*.test.ts',
    ],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Integration suites start servers and child processes; two cores run them best one file per core.
    maxWorkers: 2,
    // The default output, then one plain `N passed, N failed, N skipped` line for CI.
    reporters: ['default', './scripts/summary-reporter.ts'],
  },
});
