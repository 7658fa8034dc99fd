import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The long fault runs have their own config (npm run test:reliability); test/pending holds what does not pass yet.
    exclude: ['test/reliability/**', 'test/pending/**', '**/node_modules/**'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Three on two cores: many tests wait on a browser, a server or a child process, so a third file keeps the cores busy.
    maxWorkers: 3,
    reporters: ['default'],
  },
});
