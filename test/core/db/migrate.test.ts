import { describe, expect, it } from 'vitest';
import { loadMigrations, migrate } from '../../../core/db/migrate.ts';
import { PostgresDb } from '../../../core/db/postgres.ts';
import { testPostgresUrl } from '../../support/pg-url.ts';
import { openEmptyPglite } from '../../support/pglite-template.ts';

const NOW = '2026-01-01T00:00:00.000Z';

describe('migrations', () => {
  it('are numbered NNN_name.sql with no gaps in order', async () => {
    const list = await loadMigrations();
    expect(list.length).toBeGreaterThan(0);
    expect(list.map((m) => m.version)).toEqual([...list.map((m) => m.version)].sort((a, b) => a - b));
    expect(list[0]!.version).toBe(1);
  });

  it('apply once on PGlite, are recorded, and re-running applies nothing', async () => {
    const db = await openEmptyPglite(); // a fresh cluster, never migrated (initdb's tarball)
    const first = await migrate(db, { now: NOW });
    expect(first.length).toBe((await loadMigrations()).length);
    expect(await migrate(db, { now: NOW })).toEqual([]);
    const rec = await db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(rec.rows.map((r) => r.version)).toEqual(first);
    await db.close();
  });

  it('a failing migration rolls back whole and is not recorded', async () => {
    const db = await openEmptyPglite(); // a fresh cluster, never migrated (initdb's tarball)
    await expect(
      migrate(db, { now: NOW, migrations: [{ version: 1, name: 'broken', sql: 'CREATE TABLE a (x int); CREATE TABLE a (y int);' }] }),
    ).rejects.toThrow();
    const t = await db.query("SELECT 1 FROM information_schema.tables WHERE table_name = 'a'");
    expect(t.rows).toHaveLength(0);
    const rec = await db.query('SELECT 1 FROM schema_migrations');
    expect(rec.rows).toHaveLength(0);
    await db.close();
  });

  it('are safe when several processes start at once on one PostgreSQL', async () => {
    const url = await testPostgresUrl();
    const dbs = await Promise.all([1, 2, 3, 4].map(() => PostgresDb.open({ url, max: 2 })));
    const applied = await Promise.all(dbs.map((db) => migrate(db, { now: NOW })));
    const all = applied.flat().sort((a, b) => a - b);
    expect(all).toEqual((await loadMigrations()).map((m) => m.version)); // each applied exactly once overall
    const rec = await dbs[0]!.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
    expect(rec.rows[0]!.n).toBe(all.length);
    await Promise.all(dbs.map((d) => d.close()));
  });
});
