/**
 * Steps for the queue benchmarks, and the limit they are measured against: a
 * bare SQL claim/complete loop (SKIP LOCKED claim, mark done — no event, no
 * mission bookkeeping) on the same database.
 */
import type { Db } from '../core/db/db.ts';
import { createEngine } from '../core/engine.ts';
import { STEP_QUEUED_CHANNEL } from '../core/db/db.ts';
import { SystemClock } from '../core/ports/clock.ts';
import { silentLog } from '../core/ports/log.ts';
import { SeededRandom } from '../core/ports/random.ts';

/**
 * Queues `n` approved one-step missions of `kind` in one statement (one implicit transaction),
 * and — as the engine's own queueing does on PostgreSQL — notifies workers in other processes at
 * its commit. Returns the step ids.
 */
export async function enqueueSteps(db: Db, n: number, kind: string, payload: unknown = {}): Promise<number[]> {
  const now = new Date().toISOString();
  const r = await db.query<{ id: number }>(
    `WITH m AS (
       INSERT INTO ops_missions (title, status, created_by, created_at)
       SELECT 'bench ' || g, 'approved', 'opus', $1 FROM generate_series(1, $2) g RETURNING id),
     s AS (
       INSERT INTO ops_mission_steps (mission_id, seq, kind, payload, status, run_after, created_at)
       SELECT id, 0, $3, $4::jsonb, 'queued', $1, $1 FROM m RETURNING id),
     notified AS (SELECT pg_notify($5, $3) WHERE $6::boolean)
     SELECT id, (SELECT count(*) FROM notified) AS notified FROM s`,
    [now, n, kind, JSON.stringify(payload), STEP_QUEUED_CHANNEL, db.kind === 'postgres'],
  );
  return r.rows.map((row) => row.id);
}

/** A migrated, seeded database with no engine running. */
export async function migrated(db: Db): Promise<Db> {
  await createEngine({ db, clock: new SystemClock(), random: new SeededRandom(1), log: silentLog, location: 'bench', workers: false, heartbeat: false });
  return db;
}

export interface BareResult {
  /** Enqueue-commit → claimed, one step at a time (ms). */
  latency: number[];
  /** Steps per second with `loops` concurrent claim/complete loops. */
  throughput: number;
}

/** The limit: claim with SKIP LOCKED and mark done, nothing else. `db` must be migrated. */
export async function bareSqlQueue(db: Db, o: { latencySamples: number; warmup: number; throughputSteps: number; loops: number }): Promise<BareResult> {
  const claim = async (): Promise<number | null> => {
    const r = await db.query<{ id: number }>(
      `UPDATE ops_mission_steps SET status = 'running', reserved_by = 'bare', heartbeat_at = $1, started_at = $1, attempts = attempts + 1
       WHERE id = (SELECT id FROM ops_mission_steps WHERE status = 'queued' AND kind = 'bare' AND run_after <= $1 ORDER BY run_after, id LIMIT 1 FOR UPDATE SKIP LOCKED)
       RETURNING id`,
      [new Date().toISOString()],
    );
    return r.rows[0]?.id ?? null;
  };
  const complete = (id: number) => db.query(`UPDATE ops_mission_steps SET status = 'succeeded', finished_at = $2 WHERE id = $1`, [id, new Date().toISOString()]);
  const latency: number[] = [];
  for (let i = 0; i < o.latencySamples + o.warmup; i++) {
    await enqueueSteps(db, 1, 'bare');
    const t0 = performance.now();
    const id = await claim();
    if (i >= o.warmup) latency.push(performance.now() - t0);
    await complete(id!);
  }
  await enqueueSteps(db, o.throughputSteps, 'bare');
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: o.loops }, async () => {
      for (;;) {
        const id = await claim();
        if (id === null) return;
        await complete(id);
      }
    }),
  );
  const throughput = o.throughputSteps / ((performance.now() - t0) / 1000);
  return { latency, throughput };
}
