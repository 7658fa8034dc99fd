import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readThrough, type Db } from '../../../core/db/db.ts';
import { tablesWritten } from '../../../core/db/read-cache.ts';
import { freshDb } from '../../support/db.ts';

describe('which tables a statement writes', () => {
  it('names the targets of INSERT and UPDATE (in CTEs too), and says "all" when it cannot tell', () => {
    expect(tablesWritten('SELECT * FROM ops_agents')).toEqual([]);
    expect(tablesWritten("SELECT 1 FROM ops_posts WHERE kind = 'update'")).toEqual([]);
    expect(tablesWritten('INSERT INTO ops_agent_events (a) VALUES ($1)')).toEqual(['ops_agent_events']);
    expect(tablesWritten('INSERT INTO ops_agent_memory (a) VALUES ($1) ON CONFLICT (source_trace_id) DO NOTHING')).toEqual(['ops_agent_memory']);
    expect(tablesWritten('WITH done AS (UPDATE ops_mission_steps SET x = 1 RETURNING *) INSERT INTO ops_agent_events SELECT * FROM done')).toEqual([
      'ops_mission_steps',
      'ops_agent_events',
    ]);
    // a lock takes no write, but naming something harmless is fine: the cache may miss, never answer stale
    expect(tablesWritten('SELECT id FROM ops_mission_steps FOR UPDATE SKIP LOCKED')).not.toBe('all');
    // cascades, schema changes, several statements, anything unknown
    for (const sql of ['DELETE FROM ops_missions WHERE id = $1', 'TRUNCATE ops_agent_events', 'CREATE INDEX i ON t (x)', 'ALTER TABLE t ADD c int', 'SELECT 1; UPDATE t SET x = 1', 'VACUUM', 'COPY t FROM STDIN', 'MERGE INTO t USING s ON true WHEN MATCHED THEN DO NOTHING'])
      expect(tablesWritten(sql), sql).toBe('all');
    // comments do not hide or invent statements
    expect(tablesWritten('-- drop everything; really\nSELECT 1')).toEqual([]);
  });
});

describe.each(['pglite', 'postgres'] as const)('readThrough on %s', (kind) => {
  let db: Db;
  beforeAll(async () => {
    db = await freshDb(kind);
    await db.exec('CREATE TABLE rc_a (id int PRIMARY KEY, v text); CREATE TABLE rc_b (id int PRIMARY KEY, a_id int REFERENCES rc_a (id) ON DELETE CASCADE)');
    await db.query("INSERT INTO rc_a VALUES (1, 'one'), (2, 'two')");
    await db.query('INSERT INTO rc_b VALUES (10, 1), (20, 2)');
  });
  afterAll(async () => db?.close());

  const readA = () => readThrough<{ id: number; v: string }>(db, 'SELECT id, v FROM rc_a ORDER BY id', undefined, ['rc_a']);
  const countB = () => readThrough<{ n: number }>(db, 'SELECT count(*)::int AS n FROM rc_b', undefined, ['rc_b']);

  it('answers from memory only while the tables are unchanged, and no reader can change what the next one sees', async () => {
    const first = await readA();
    expect(first.rows.map((r) => r.v)).toEqual(['one', 'two']);
    // PGlite hands every reader the same frozen rows (a write throws); PostgreSQL's are the caller's own
    let threw: unknown = null;
    try {
      first.rows[0]!.v = 'scribbled by a caller';
    } catch (err) {
      threw = err;
    }
    if (kind === 'pglite') expect(threw).toBeInstanceOf(TypeError);
    else expect(threw).toBeNull();
    expect((await readA()).rows.map((r) => r.v)).toEqual(['one', 'two']);
    // a write by any path: a plain query, inside a transaction, a rolled-back transaction
    await db.query("UPDATE rc_a SET v = 'uno' WHERE id = 1");
    expect((await readA()).rows.map((r) => r.v)).toEqual(['uno', 'two']);
    await db.transaction(async (tx) => {
      await tx.query("INSERT INTO rc_a VALUES (3, 'three')");
    });
    expect((await readA()).rows.map((r) => r.v)).toEqual(['uno', 'two', 'three']);
    await expect(
      db.transaction(async (tx) => {
        await tx.query("UPDATE rc_a SET v = 'never' WHERE id = 2");
        // inside a transaction the read sees the transaction's own rows (it is an ordinary query there)
        expect((await readThrough<{ v: string }>(tx, 'SELECT id, v FROM rc_a ORDER BY id', undefined, ['rc_a'])).rows.map((r) => r.v)).toEqual(['uno', 'never', 'three']);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect((await readA()).rows.map((r) => r.v)).toEqual(['uno', 'two', 'three']);
  });

  it(kind === 'pglite' ? 'answers a repeated read from memory (PGlite: one process owns the database)' : 'runs every read (PostgreSQL: other processes write)', async () => {
    // a volatile value shows whether the statement ran again
    const roll = async () => (await readThrough<{ r: number }>(db, 'SELECT random() AS r FROM rc_a LIMIT 1', undefined, ['rc_a'])).rows[0]!.r;
    const [x, y] = [await roll(), await roll()];
    if (kind === 'pglite') expect(y).toBe(x);
    else expect(y).not.toBe(x);
    // inside a transaction: the kept answer holds until the transaction writes the table
    await db.transaction(async (tx) => {
      const txRoll = async () => (await readThrough<{ r: number }>(tx, 'SELECT random() AS r FROM rc_a LIMIT 1', undefined, ['rc_a'])).rows[0]!.r;
      if (kind === 'pglite') expect(await txRoll()).toBe(x);
      await tx.query('UPDATE rc_a SET v = v WHERE id = 2');
      const [p, q] = [await txRoll(), await txRoll()];
      expect(q).not.toBe(p);
    });
    expect(await roll()).not.toBe(x);
  });

  it('sees rows a cascade removed from another table', async () => {
    expect((await countB()).rows[0]!.n).toBe(2);
    await db.query('DELETE FROM rc_a WHERE id = 1');
    expect((await countB()).rows[0]!.n).toBe(1);
  });

  it('keys the answer by its parameters', async () => {
    const byId = (id: number) => readThrough<{ v: string }>(db, 'SELECT v FROM rc_a WHERE id = $1', [id], ['rc_a']);
    expect((await byId(2)).rows).toEqual([{ v: 'two' }]);
    expect((await byId(3)).rows).toEqual([{ v: 'three' }]);
    await db.exec("UPDATE rc_a SET v = 'tres' WHERE id = 3");
    expect((await byId(3)).rows).toEqual([{ v: 'tres' }]);
  });
});
