import { afterEach, describe, expect, it } from 'vitest';
import { PostgresDb } from '../../../core/db/postgres.ts';
import { createEngine, type Engine } from '../../../core/engine.ts';
import { MEMORY_CAP_PER_AGENT } from '../../../core/memory/store.ts';
import { hooksWant } from '../../../core/ops/ctx.ts';
import { cachedPolicy, forget } from '../../../core/ops/policy.ts';
import { SystemClock } from '../../../core/ports/clock.ts';
import { silentLog } from '../../../core/ports/log.ts';
import { SeededRandom } from '../../../core/ports/random.ts';
import { claimSteps, completeStep } from '../../../core/workers/steps.ts';
import { dbKinds, freshPostgresUrl } from '../../support/db.ts';
import { testEngine, type TestEngine } from '../../support/engine.ts';

describe.each(dbKinds)('a step completion on %s', (kind) => {
  let e: TestEngine;
  afterEach(async () => e?.close());

  it('needs no transaction for a plain step: no event hook wants its events (a draft or a policy change is wanted)', async () => {
    e = await testEngine(kind, { workers: false, heartbeat: false });
    const step = { kind: 'step_succeeded', agentId: 'opus', tags: ['step', 'succeeded', 'wait'] };
    const mission = { kind: 'mission_succeeded', agentId: 'opus', tags: ['mission', 'succeeded', 'mission_succeeded'] };
    expect(await hooksWant(e.ctx, [step, mission])).toBe(false);
    expect(await hooksWant(e.ctx, [{ ...step, tags: ['step', 'succeeded', 'draft_tweet'] }])).toBe(true); // autopost
    expect(await hooksWant(e.ctx, [{ kind: 'policy_changed', agentId: null, tags: ['policy'] }])).toBe(true); // budget release
    expect(await hooksWant(e.ctx, [{ kind: 'mission_failed', agentId: 'opus', tags: ['mission', 'failed', 'mission_failed'] }])).toBe(true); // reaction matrix
  });

  it('keeps the agent at its memory cap: the last step of a mission supersedes the oldest memory with the plan it remembers', async () => {
    e = await testEngine(kind, { clock: new SystemClock(), workers: false, heartbeat: false });
    const now = new Date().toISOString();
    await e.db.query(
      `INSERT INTO ops_agent_memory (agent_id, type, content, confidence, tags, provenance, created_at)
       SELECT 'opus', 'insight', 'old ' || g, 0.7, '{}', 'system', $1 FROM generate_series(1, $2) g`,
      [now, MEMORY_CAP_PER_AGENT],
    );
    const m = await e.db.query<{ id: number }>(`INSERT INTO ops_missions (title, status, created_by, created_at) VALUES ('At the cap', 'approved', 'opus', $1) RETURNING id`, [now]);
    await e.db.query(`INSERT INTO ops_mission_steps (mission_id, seq, kind, payload, status, run_after, created_at) VALUES ($1, 0, 'wait', '{}', 'queued', $2, $2)`, [m.rows[0]!.id, now]);
    const [step] = await claimSteps(e.ctx, ['wait'], 'w1', 1);
    expect(await completeStep(e.ctx, step!, 'w1', { summary: 'done' })).toBe(true);
    const mem = await e.db.query<{ id: number; content: string; superseded_by: number | null }>(
      `SELECT id, content, superseded_by FROM ops_agent_memory WHERE agent_id = 'opus' ORDER BY id`,
    );
    const live = mem.rows.filter((r) => r.superseded_by === null);
    const newest = mem.rows.at(-1)!;
    expect(live).toHaveLength(MEMORY_CAP_PER_AGENT);
    expect(newest.content).toBe('"At the cap" worked as a plan of wait.');
    expect(mem.rows[0]).toMatchObject({ content: 'old 1', superseded_by: newest.id });
    expect(mem.rows[1]!.superseded_by).toBeNull();
  });
});

describe('a worker with a small pool on PostgreSQL', () => {
  let engine: Engine | undefined;
  let db: PostgresDb | undefined;
  afterEach(async () => {
    await engine?.stop();
    await db?.close();
  });

  it('a transaction reads a policy through its own connection while a read of that policy waits for the pool (no deadlock)', async () => {
    // The scale-out regression: every connection held by a transaction awaiting a cached read
    // that was itself queued for a connection. One connection makes the wait certain.
    db = await PostgresDb.open({ url: await freshPostgresUrl(), max: 1 });
    engine = await createEngine({ db, clock: new SystemClock(), random: new SeededRandom(3), log: silentLog, location: 'pg', workers: false, heartbeat: false });
    const ctx = engine.ctx;
    let outside: Promise<unknown> | undefined;
    const inside = await db.transaction(async (tx) => {
      forget(ctx, 'reaction_matrix');
      outside = cachedPolicy(ctx, 'reaction_matrix'); // queued: the pool's one connection is this transaction's
      return cachedPolicy(ctx, 'reaction_matrix', tx);
    });
    expect(inside.patterns.map((p) => p.tags)).toContainEqual(['mission_failed']);
    await expect(outside).resolves.toEqual(inside);
  }, 20_000);
});
