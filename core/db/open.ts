import type { Db } from './db.js';
import { PgliteDb } from './pglite.js';
import { PostgresDb } from './postgres.js';

export interface OpenDbOptions {
  /** A postgres:// URL; when set, a real PostgreSQL server is used. */
  databaseUrl?: string;
  /** A folder for the embedded database; omitted means in memory. */
  dataDir?: string;
  poolSize?: number;
}

export async function openDb(opts: OpenDbOptions): Promise<Db> {
  if (opts.databaseUrl) {
    return PostgresDb.open({ url: opts.databaseUrl, ...(opts.poolSize ? { max: opts.poolSize } : {}) });
  }
  return PgliteDb.open(opts.dataDir ? { dataDir: opts.dataDir } : {});
}
