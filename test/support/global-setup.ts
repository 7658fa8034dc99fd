// Vitest globalSetup: one throwaway PostgreSQL cluster per test run (or the server
// in EMT_PG_URL), shared with test files as inject('pgUrl').
import type { TestProject } from 'vitest/node';
import { startPostgresCluster } from './postgres.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin URL of the test PostgreSQL server. */
    pgUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const external = process.env.EMT_PG_URL;
  if (external) {
    project.provide('pgUrl', external);
    return undefined;
  }
  const cluster = await startPostgresCluster();
  project.provide('pgUrl', cluster.url);
  return () => cluster.stop();
}
