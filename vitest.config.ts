import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The long fault runs have their own config (npm run test:reliability); test/pending holds what does not pass yet.
    exclude: ['test/reliability/**', 'test/pending/**', '**/node_modules/**'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Three on two cores: many tests wait on a browser, a server or a child process, so a third file keeps the cores busy.
    maxWorkers: 3,
    reporters: ['default'],
    projects: [
      {
        // The Electron tests replace the `electron` module (vi.mock): each file gets modules of its own.
        extends: true,
        test: { name: 'electron', include: ['test/electron/**/*.test.ts'], isolate: true },
      },
      {
        // Everything else shares a process's loaded modules from file to file: loading the engine,
        // PGlite and Playwright once per worker instead of once per file saves minutes.
        // Test files keep no state in shared modules (each opens its own databases and servers).
        extends: true,
        test: { name: 'app', include: ['test/**/*.test.ts'], exclude: ['test/electron/**', 'test/reliability/**', 'test/pending/**', '**/node_modules/**'], isolate: false },
      },
    ],
  },
});
