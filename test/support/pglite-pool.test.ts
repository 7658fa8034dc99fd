import { describe, expect, it } from 'vitest';
import { pooledPglite, poolStats } from './pglite-pool.ts';

/** What a test could leave behind, and whether the next one sees any of it. */
async function snapshot(db: Awaited<ReturnType<typeof pooledPglite>>) {
  const rel = await db.query<{ n: number; s: number }>('SELECT count(*)::int AS n, sum(affinity)::float AS s FROM ops_agent_relationships');
  const events = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM ops_agent_events');
  const migrations = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
  const tz = await db.query<{ tz: string }>('SHOW TIME ZONE');
  return { rel: rel.rows[0], events: events.rows[0]?.n, migrations: migrations.rows[0]?.n, tz: tz.rows[0] };
}

describe('the pool of migrated PGlites', () => {
  it('hands a closed database back as the template had it: rows, sequences, settings and prepared statements', async () => {
    const a = await pooledPglite();
    const fresh = await snapshot(a);
    const firstId = (await a.query<{ id: number }>(`INSERT INTO ops_agent_events (agent_id, kind, title, created_at) VALUES ('brain', 'note', 'x', now()) RETURNING id`)).rows[0]!.id;
    await a.query(`INSERT INTO ops_agent_events (agent_id, kind, title, created_at) VALUES ('brain', 'note', 'y', now())`);
    await a.query('UPDATE ops_agent_relationships SET affinity = 0.9');
    await a.exec("SET TIME ZONE 'Europe/Berlin'");
    expect((await snapshot(a)).events).toBe(2);
    const reusedBefore = poolStats.reused;
    await a.close();
    await expect(a.query('SELECT 1')).rejects.toThrow(/closed/);

    const b = await pooledPglite();
    expect(poolStats.reused).toBe(reusedBefore + 1);
    expect(await snapshot(b)).toEqual(fresh);
    // The same id as on a fresh database, and the statements the first handle prepared do not clash with the second's.
    expect((await b.query<{ id: number }>(`INSERT INTO ops_agent_events (agent_id, kind, title, created_at) VALUES ('brain', 'note', 'x', now()) RETURNING id`)).rows[0]!.id).toBe(firstId);
    await b.close();
  });

  it('closes for good a database whose schema a test changed', async () => {
    const a = await pooledPglite();
    await a.exec('CREATE TABLE scratch (x int)');
    const discarded = poolStats.discarded;
    await a.close();
    expect(poolStats.discarded).toBe(discarded + 1);
    const b = await pooledPglite();
    expect((await b.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'scratch'`)).rows[0]!.n).toBe(0);
    await b.close();
  });
});
