import pg from 'pg';
import type { Db } from '../../core/db/db.ts';
import { migrate } from '../../core/db/migrate.ts';
import { PostgresDb } from '../../core/db/postgres.ts';
import { pooledPglite } from './pglite-pool.ts';
import { MIGRATED_AT } from './pglite-template.ts';
import { testPostgresUrl } from './pg-url.ts';

export type DbKind = 'pglite' | 'postgres';
export const dbKinds: DbKind[] = ['pglite', 'postgres'];

let postgresTemplate: Promise<{ adminUrl: string; name: string }> | null = null;

/** A migrated, empty database of the given kind, fresh for each call (on PGlite, one an earlier test put back may be reused: see pglite-pool.ts). */
export async function freshDb(kind: DbKind): Promise<Db> {
  if (kind === 'pglite') {
    return pooledPglite();
  }
  postgresTemplate ??= (async () => {
    const url = await testPostgresUrl();
    const db = await PostgresDb.open({ url });
    await migrate(db, { now: MIGRATED_AT });
    await db.close();
    const u = new URL(url);
    const name = u.pathname.slice(1);
    u.pathname = '/postgres';
    return { adminUrl: u.toString(), name };
  })();
  const { adminUrl, name } = await postgresTemplate;
  const copy = `t_${Date.now().toString(36)}_${Math.random().toString(16).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${copy} TEMPLATE ${name}`);
  } finally {
    await admin.end();
  }
  const u = new URL(adminUrl);
  u.pathname = '/' + copy;
  return PostgresDb.open({ url: u.toString() });
}

/** The URL of a fresh migrated PostgreSQL database, for tests that start processes. */
export async function freshPostgresUrl(): Promise<string> {
  const db = (await freshDb('postgres')) as PostgresDb;
  const url = db.url;
  await db.close();
  return url;
}
