import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isConnectionError } from '../../../core/db/connection-errors.ts';
import { PostgresDb } from '../../../core/db/postgres.ts';
import { createEngine } from '../../../core/engine.ts';
import { createProposalAndMaybeAutoApprove } from '../../../core/ops/proposal-service.ts';
import { SystemClock } from '../../../core/ports/clock.ts';
import { memoryLog } from '../../../core/ports/log.ts';
import { SeededRandom } from '../../../core/ports/random.ts';
import { createDatabase, startPostgresCluster, type PostgresCluster } from '../../support/postgres.ts';
import { eventually } from '../../support/engine.ts';

describe('connection errors', () => {
  it('are told from statement errors', () => {
    const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });
    expect(isConnectionError(pgError('57P01', 'terminating connection due to administrator command'))).toBe(true);
    expect(isConnectionError(pgError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'))).toBe(true);
    expect(isConnectionError(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isConnectionError(new Error('Client has encountered a connection error and is not queryable'))).toBe(true);
    expect(isConnectionError(pgError('23505', 'duplicate key value violates unique constraint'))).toBe(false);
    expect(isConnectionError(pgError('42P01', 'relation "nope" does not exist'))).toBe(false);
    expect(isConnectionError('ECONNREFUSED')).toBe(false);
  });
});

describe('a worker pool whose PostgreSQL server restarts', () => {
  let cluster: PostgresCluster;
  beforeAll(async () => {
    cluster = await startPostgresCluster(); // its own server: the restart must not hit other suites
  }, 120_000);
  afterAll(async () => cluster?.stop());

  it('logs the outage once (not once per try), records one event when the server is back, and carries on', async () => {
    const url = await createDatabase(cluster.url);
    const db = await PostgresDb.open({ url, max: 3 });
    const log = memoryLog();
    // a 10 ms poll: retrying at the poll rate would log hundreds of errors during the restart
    const engine = await createEngine({ db, clock: new SystemClock(), random: new SeededRandom(5), log, location: 'pg', processId: 'w-outage', heartbeat: false, workers: { kinds: ['wait'], pollMs: 10 } });
    await engine.start();
    try {
      const before = await createProposalAndMaybeAutoApprove(engine.ctx, { agentId: 'opus', title: 'Before', steps: [{ kind: 'wait', payload: {} }] });
      await eventually(async () => (await db.query<{ status: string }>('SELECT status FROM ops_missions WHERE id = $1', [before.mission!.id])).rows[0]?.status === 'succeeded', 30_000);
      await cluster.restart();
      const events = await eventually(async () => {
        const r = await db.query<{ title: string; summary: string; payload: { failures: number } }>(`SELECT title, summary, payload FROM ops_agent_events WHERE kind = 'database_unreachable'`);
        return r.rows.length ? r.rows : null;
      }, 60_000, 100);
      const after = await createProposalAndMaybeAutoApprove(engine.ctx, { agentId: 'opus', title: 'After', steps: [{ kind: 'wait', payload: {} }] });
      await eventually(async () => (await db.query<{ status: string }>('SELECT status FROM ops_missions WHERE id = $1', [after.mission!.id])).rows[0]?.status === 'succeeded', 30_000);

      expect(events).toHaveLength(1);
      expect(events[0]!.title).toMatch(/^Worker process w-outage could not reach the database for [\d.]+ s$/);
      expect(events[0]!.summary).toMatch(/every call to the database failed \(\d+ tries; last error: .+\)\. The worker waited and carried on/);
      const lost = log.records.filter((r) => r.msg.startsWith('Lost the connection to the database'));
      expect(lost).toHaveLength(1);
      expect(lost[0]!.level).toBe('warn');
      // the pool's own loop and recording errors: none (other features' loops are not this test's)
      expect(log.records.filter((r) => /^Worker wait|^Could not record/.test(r.msg))).toEqual([]);
      // backed off: far fewer tries than 10 ms polls over the outage
      expect(events[0]!.payload.failures).toBeLessThan(40);
      expect(log.records.filter((r) => r.msg.startsWith('The database answers again after'))).toHaveLength(1);
    } finally {
      await engine.stop();
      await db.close();
    }
  }, 180_000);
});
