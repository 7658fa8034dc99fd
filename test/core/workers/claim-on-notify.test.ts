import { afterEach, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../../core/engine.ts';
import { PostgresDb } from '../../../core/db/postgres.ts';
import { STEP_QUEUED_CHANNEL } from '../../../core/db/db.ts';
import { FakeClock } from '../../../core/ports/clock.ts';
import { memoryLog } from '../../../core/ports/log.ts';
import { SeededRandom } from '../../../core/ports/random.ts';
import { createProposalAndMaybeAutoApprove } from '../../../core/ops/proposal-service.ts';
import { freshPostgresUrl } from '../../support/db.ts';
import { eventually } from '../../support/engine.ts';

/**
 * A worker waiting with room claims from the NOTIFY handler itself, before its loop resumes
 * (WorkerPool.onQueued); the loop then checks the claimed steps like any it holds.
 */
describe('the claim a NOTIFY starts (PostgreSQL)', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  async function step(db: PostgresDb, missionId: number): Promise<{ status: string; attempts: number; reservedBy: string | null }> {
    const r = await db.query<{ status: string; attempts: number; reservedBy: string | null }>(
      'SELECT status, attempts, reserved_by AS "reservedBy" FROM ops_mission_steps WHERE mission_id = $1 ORDER BY seq LIMIT 1',
      [missionId],
    );
    return r.rows[0]!;
  }

  /**
   * A worker engine (kind wait; its poll is an hour away and the clock never moves, so only a
   * NOTIFY wakes it) and, as another process, an engine without workers that queues the steps.
   */
  async function twoEngines(): Promise<{ worker: Engine; workerDb: PostgresDb; other: Engine; otherDb: PostgresDb }> {
    const url = await freshPostgresUrl();
    const clock = new FakeClock('2026-03-02T09:00:00Z');
    const workerDb = await PostgresDb.open({ url });
    closers.push(() => workerDb.close());
    const worker = await createEngine({ db: workerDb, clock, random: new SeededRandom(3), log: memoryLog(), location: 'pg', processId: 'worker', heartbeat: false, workers: { kinds: ['wait'], pollMs: 3_600_000 } });
    closers.push(() => worker.stop());
    const otherDb = await PostgresDb.open({ url });
    closers.push(() => otherDb.close());
    const other = await createEngine({ db: otherDb, clock, random: new SeededRandom(4), log: memoryLog(), location: 'pg', processId: 'other', heartbeat: false, workers: false });
    return { worker, workerDb, other, otherDb };
  }

  /** LISTEN connections that have run a statement (LISTEN is the first one each runs). */
  async function listening(db: PostgresDb): Promise<number> {
    const r = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'emtesseract-listen' AND query <> ''`);
    return r.rows[0]!.n;
  }

  it('gives back what it claimed when the company was paused while the loop waited, and runs it once resumed', async () => {
    const { worker, workerDb, other, otherDb } = await twoEngines();
    const notified: string[] = [];
    closers.push(await otherDb.listen!(STEP_QUEUED_CHANNEL, (kind) => notified.push(kind)));

    await worker.start();
    // the worker's loop has looked once and waits, listening
    await eventually(async () => worker.pool!.rounds('wait') > 0);
    await eventually(async () => (await listening(workerDb)) === 2); // the worker's, and the test's own
    // paused in the worker's own process: no wake-up, the loop keeps waiting as it was
    await worker.handlers['runtime.pause']({ reason: 'test' });
    const rounds = worker.pool!.rounds('wait');

    const queued = await createProposalAndMaybeAutoApprove(other.ctx, { agentId: 'opus', title: 'Queued while paused', steps: [{ kind: 'wait', payload: {} }] });
    const missionId = queued.mission!.id;
    // the NOTIFY's claim took it and the loop gave it back (the give-back notifies again), unstarted, its attempt unspent
    await eventually(async () => notified.length >= 2 && worker.pool!.rounds('wait') > rounds);
    expect(notified.slice(0, 2)).toEqual(['wait', 'wait']);
    expect(await step(otherDb, missionId)).toEqual({ status: 'queued', attempts: 0, reservedBy: null });

    await worker.handlers['runtime.resume']({});
    await eventually(async () => (await step(otherDb, missionId)).status === 'succeeded');
    expect((await step(otherDb, missionId)).attempts).toBe(1);
  });

  it('runs a step queued in another process, once, when the NOTIFY arrives while the loop waits', async () => {
    const { worker, workerDb, other, otherDb } = await twoEngines();
    await worker.start();
    await eventually(async () => (await listening(workerDb)) === 1);
    const ids: number[] = [];
    for (let k = 0; k < 5; k++) {
      const out = await createProposalAndMaybeAutoApprove(other.ctx, { agentId: 'opus', title: `Woken ${k}`, steps: [{ kind: 'wait', payload: {} }] });
      ids.push(out.mission!.id);
      await eventually(async () => (await step(otherDb, out.mission!.id)).status === 'succeeded');
    }
    const r = await otherDb.query<{ attempts: number; events: number }>(
      `SELECT s.attempts, (SELECT count(*)::int FROM ops_agent_events e WHERE e.step_id = s.id AND e.kind = 'step_succeeded') AS events
       FROM ops_mission_steps s WHERE s.mission_id = ANY($1::bigint[]) ORDER BY s.id`,
      [ids],
    );
    expect(r.rows).toEqual(ids.map(() => ({ attempts: 1, events: 1 })));
  });
});
