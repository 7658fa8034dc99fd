import { afterEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import { testPostgresUrl } from './pg-url.ts';

const clients: pg.Client[] = [];

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  clients.push(client);
  return client;
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.end()));
});

describe('PostgreSQL test harness', () => {
  it('gives a fresh PostgreSQL 15 database', async () => {
    const client = await connect(await testPostgresUrl());
    const { rows } = await client.query<{ version: string }>('select version()');
    expect(rows[0]?.version).toMatch(/^PostgreSQL 15\./);
    const tables = await client.query(
      "select 1 from information_schema.tables where table_schema = 'public'",
    );
    expect(tables.rowCount).toBe(0);
  });

  it('gives independent databases on each call', async () => {
    const [urlA, urlB] = await Promise.all([testPostgresUrl(), testPostgresUrl()]);
    expect(urlA).not.toBe(urlB);
    const a = await connect(urlA);
    const b = await connect(urlB);
    expect((await a.query<{ db: string }>('select current_database() as db')).rows[0]?.db).not.toBe(
      (await b.query<{ db: string }>('select current_database() as db')).rows[0]?.db,
    );
    await a.query('create table only_in_a (id int)');
    await a.query('insert into only_in_a values (1)');
    const inA = await a.query("select to_regclass('only_in_a') as t");
    const inB = await b.query("select to_regclass('only_in_a') as t");
    expect(inA.rows[0]?.t).toBe('only_in_a');
    expect(inB.rows[0]?.t).toBeNull();
  });
});
