import { afterEach, describe, expect, it } from 'vitest';
import { PostgresDb } from '../../../core/db/postgres.ts';
import { freshPostgresUrl } from '../../support/db.ts';

describe('the node-postgres adapter', () => {
  let db: PostgresDb | undefined;
  afterEach(async () => db?.close());

  const prepared = async (d: PostgresDb): Promise<string[]> =>
    (await d.query<{ statement: string }>(`SELECT statement FROM pg_prepared_statements WHERE name LIKE 'emt\\_%' ORDER BY statement`)).rows.map((r) => r.statement);

  it('prepares a statement with parameters once it has run three times, in and out of transactions, with the same results', async () => {
    db = await PostgresDb.open({ url: await freshPostgresUrl(), max: 1 }); // one connection: the one pg_prepared_statements shows
    const sql = `SELECT $1::int + 1 AS n, $2::timestamptz AS at`;
    const rows: unknown[] = [];
    for (let i = 0; i < 2; i++) rows.push((await db.query(sql, [i, '2026-03-02 09:00:00+00'])).rows[0]);
    expect(await prepared(db)).toEqual([]);
    rows.push((await db.query(sql, [2, '2026-03-02 09:00:00+00'])).rows[0]);
    rows.push(await db.transaction(async (tx) => (await tx.query(sql, [3, '2026-03-02 09:00:00+00'])).rows[0]));
    expect(rows).toEqual([0, 1, 2, 3].map((i) => ({ n: i + 1, at: '2026-03-02T09:00:00.000Z' })));
    expect(await prepared(db)).toEqual([sql]);
  });

  it('never prepares a statement without parameters', async () => {
    db = await PostgresDb.open({ url: await freshPostgresUrl(), max: 1 });
    for (let i = 0; i < 5; i++) await db.query('SELECT 1 AS one');
    expect(await prepared(db)).toEqual([]);
  });
});
