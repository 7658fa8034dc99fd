import { afterEach, describe, expect, it } from 'vitest';
import { PostgresDb } from '../../../core/db/postgres.ts';
import { freshPostgresUrl } from '../../support/db.ts';
import { eventually } from '../../support/engine.ts';

/** The process's one LISTEN connection (core/db/pg-listen.ts), seen from another connection. */
describe('the LISTEN connection of the node-postgres adapter', () => {
  let db: PostgresDb | undefined;
  let other: PostgresDb | undefined;
  afterEach(async () => {
    await db?.close();
    await other?.close();
    db = other = undefined;
  });

  const listenPids = async (q: PostgresDb): Promise<number[]> =>
    (await q.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'emtesseract-listen' ORDER BY pid`)).rows.map((r) => r.pid);

  async function open(): Promise<{ db: PostgresDb; other: PostgresDb }> {
    const url = await freshPostgresUrl();
    db = await PostgresDb.open({ url });
    other = await PostgresDb.open({ url, applicationName: 'test-notifier' });
    return { db, other };
  }

  it('listens on every channel through one connection, and a stopped channel hears nothing more', async () => {
    const { db, other } = await open();
    const heard: string[] = [];
    const stopA = await db.listen!('chan_a', (p) => heard.push(`a:${p}`));
    await db.listen!('chan_b', (p) => heard.push(`b:${p}`));
    expect(await listenPids(other)).toHaveLength(1);
    await other.query(`SELECT pg_notify('chan_a', '1'), pg_notify('chan_b', '2')`);
    await eventually(async () => heard.length === 2);
    expect(heard.sort()).toEqual(['a:1', 'b:2']);
    await stopA();
    await other.query(`SELECT pg_notify('chan_a', '3'), pg_notify('chan_b', '4')`);
    await eventually(async () => heard.includes('b:4'));
    expect(heard.sort()).toEqual(['a:1', 'b:2', 'b:4']);
    expect(await listenPids(other)).toHaveLength(1);
  });

  it('runs queryOnListener on the listening connection while it is idle, on the pool while it is busy, with the same values', async () => {
    const { db, other } = await open();
    await db.listen!('chan_a', () => {});
    const [listenPid] = await listenPids(other);
    const sql = `SELECT pg_backend_pid() AS pid, $1::timestamptz AS at, $2::int8 AS big`;
    const params = ['2026-03-02 09:00:00+00', 9_007_199_254_740_000];
    const direct = await db.queryOnListener!<{ pid: number; at: string; big: number }>(sql, params);
    expect(direct.rows).toEqual([{ pid: listenPid, at: '2026-03-02T09:00:00.000Z', big: 9_007_199_254_740_000 }]);
    // two at once: the second does not queue behind the first
    const [slow, fast] = await Promise.all([
      db.queryOnListener!<{ pid: number }>(`SELECT pg_backend_pid() AS pid, pg_sleep($1) AS s`, [0.2]),
      db.queryOnListener!<{ pid: number; at: string; big: number }>(sql, params),
    ]);
    expect(slow.rows[0]!.pid).toBe(listenPid);
    expect(fast.rows[0]!.pid).not.toBe(listenPid);
    expect(fast.rows[0]!.at).toBe('2026-03-02T09:00:00.000Z');
  });

  it('opens the connection again when the server drops it, listening on every channel; queries use the pool meanwhile', async () => {
    const { db, other } = await open();
    const heard: string[] = [];
    await db.listen!('chan_a', (p) => heard.push(`a:${p}`));
    await db.listen!('chan_b', (p) => heard.push(`b:${p}`));
    const [first] = await listenPids(other);
    await other.query('SELECT pg_terminate_backend($1)', [first]);
    // until it is back (the first try waits 250 ms), a statement for the listener runs on the pool; one sent
    // before the adapter noticed the connection gone fails, as on a pooled connection that dropped
    const meanwhile = await eventually(async () => (await db.queryOnListener!<{ app: string }>(`SELECT current_setting('application_name') AS app, $1::int AS n`, [1])).rows[0]);
    expect(meanwhile.app).toBe('emtesseract');
    const again = await eventually(async () => {
      const pids = await listenPids(other);
      return pids.length === 1 && pids[0] !== first ? pids[0] : null;
    });
    await eventually(async () => {
      await other.query(`SELECT pg_notify('chan_a', 'x'), pg_notify('chan_b', 'y')`);
      return heard.includes('a:x') && heard.includes('b:y');
    });
    const back = await db.queryOnListener!<{ pid: number }>('SELECT pg_backend_pid() AS pid, $1::int AS n', [2]);
    expect(back.rows[0]!.pid).toBe(again);
  });

  it('closes its connection with the database', async () => {
    const { db: d, other: o } = await open();
    await d.listen!('chan_a', () => {});
    expect(await listenPids(o)).toHaveLength(1);
    await d.close();
    db = undefined;
    await eventually(async () => (await listenPids(o)).length === 0);
  });
});
