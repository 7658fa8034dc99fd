import { defineConfig } from 'vitest/config';

/**
 * The long fault runs (`npm run test:reliability`): processes killed mid-write,
 * PostgreSQL restarted under load, the full fuzz of every call, hundreds of
 * turns of the real tiny model. Kept out of `npm test` for its time; `.ci/run`
 * runs both. What each test injects and asserts: test/reliability/README.md.
 */
export default defineConfig({
  test: {
    include: ['test/reliability/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30 * 60_000,
    hookTimeout: 5 * 60_000,
    pool: 'forks',
    maxWorkers: 1,
    reporters: ['default'],
  },
});
