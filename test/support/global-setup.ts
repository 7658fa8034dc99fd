// Vitest globalSetup: one throwaway PostgreSQL cluster per test run (or the server
// in EMT_PG_URL), shared with test files as inject('pgUrl'); and the renderer built
// once (reused while its sources are unchanged) with an empty and a migrated PGlite to copy, before any
// browser test wants them.
import type { TestProject } from 'vitest/node';
import { ensureMigratedPgliteTemplate, testClusterCacheDir } from './pglite-template.ts';
import { builtRenderer } from '../renderer/renderer-build.ts';
import { startPostgresCluster } from './postgres.ts';
import { buildCli } from './serve-process.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin URL of the test PostgreSQL server. */
    pgUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  // Every new PGlite a test or a process it starts opens (serve, import, the lock child) shares one empty-cluster cache.
  process.env.EMT_CACHE_DIR = testClusterCacheDir;
  // Vite builds the UI, esbuild the CLI, and PGlite runs initdb while PostgreSQL starts.
  const ui = Promise.all([builtRenderer(), ensureMigratedPgliteTemplate(), buildCli()]);
  const external = process.env.EMT_PG_URL;
  if (external) {
    project.provide('pgUrl', external);
    await ui;
    return undefined;
  }
  const [cluster] = await Promise.all([startPostgresCluster(), ui]);
  project.provide('pgUrl', cluster.url);
  return () => cluster.stop();
}
