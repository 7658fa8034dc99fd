import { afterEach, describe, expect, it } from 'vitest';
import { PostgresDb } from '../../../core/db/postgres.ts';
import { createEngine, type Engine } from '../../../core/engine.ts';
import { MEMORY_CAP_PER_AGENT } from '../../../core/memory/store.ts';
import { hooksWant } from '../../../core/ops/ctx.ts';
import { cachedPolicy, forget } from '../../../core/ops/policy.ts';
import { SystemClock } from '../../../core/ports/clock.ts';
import { silentLog } from '../../../core/ports/log.ts';
import { SeededRandom } from '../../../core/ports/random.ts';
import { claimSteps, completeStep, completeSteps, markMissionsRunning } from '../../../core/workers/steps.ts';
import { CompletionBatcher } from '../../../core/workers/complete-batch.ts';
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

describe.each(dbKinds)('a batch of step completions on %s', (kind) => {
  let e: TestEngine;
  afterEach(async () => e?.close());

  async function mission(title: string, kinds: string[], agent = 'opus'): Promise<number> {
    const now = new Date().toISOString();
    const m = await e.db.query<{ id: number }>(`INSERT INTO ops_missions (title, status, created_by, created_at) VALUES ($1, 'approved', $2, $3) RETURNING id`, [title, agent, now]);
    for (const [seq, k] of kinds.entries()) {
      await e.db.query(`INSERT INTO ops_mission_steps (mission_id, seq, kind, payload, status, run_after, created_at) VALUES ($1, $2, $3, '{}', $4, $5, $5)`, [m.rows[0]!.id, seq, k, seq === 0 ? 'queued' : 'pending', now]);
    }
    return m.rows[0]!.id;
  }

  it('one statement records each step as if alone: next steps queued, finished missions finalized with their memory, a step held elsewhere untouched, the cap kept', async () => {
    e = await testEngine(kind, { clock: new SystemClock(), workers: false, heartbeat: false });
    const now = new Date().toISOString();
    await e.db.query(
      `INSERT INTO ops_agent_memory (agent_id, type, content, confidence, tags, provenance, created_at)
       SELECT 'opus', 'insight', 'old ' || g, 0.7, '{}', 'system', $1 FROM generate_series(1, $2) g`,
      [now, MEMORY_CAP_PER_AGENT],
    );
    const a = await mission('Two steps', ['wait', 'analyze']);
    const b = await mission('One step', ['wait']);
    const c = await mission('Another one', ['wait']);
    const d = await mission('Held elsewhere', ['wait'], 'brain');
    const steps = await claimSteps(e.ctx, ['wait'], 'w1', 4);
    expect(steps.map((s) => s.missionId)).toEqual([a, b, c, d]);
    await markMissionsRunning(e.ctx, steps); // as the worker pool does after its claim
    await e.db.query(`UPDATE ops_mission_steps SET reserved_by = 'w2' WHERE mission_id = $1`, [d]);
    const recorded = await completeSteps(e.ctx, 'w1', steps.map((step, i) => ({ step, out: { summary: `done ${i}`, result: { i } } })));
    expect(recorded).toEqual([true, true, true, false]);

    const st = await e.db.query<{ mission_id: number; kind: string; status: string; result: unknown }>('SELECT mission_id, kind, status, result FROM ops_mission_steps ORDER BY id');
    expect(st.rows.map((r) => [r.mission_id, r.kind, r.status])).toEqual([[a, 'wait', 'succeeded'], [a, 'analyze', 'queued'], [b, 'wait', 'succeeded'], [c, 'wait', 'succeeded'], [d, 'wait', 'running']]);
    expect(st.rows[2]!.result).toEqual({ i: 1 });
    const ms = await e.db.query<{ id: number; status: string }>('SELECT id, status FROM ops_missions ORDER BY id');
    expect(ms.rows.map((m) => m.status)).toEqual(['running', 'succeeded', 'succeeded', 'running']);
    // events in order: each step's, then the missions that finished
    const ev = await e.db.query<{ kind: string; mission_id: number; summary: string }>('SELECT kind, mission_id, summary FROM ops_agent_events ORDER BY id');
    expect(ev.rows.map((r) => [r.kind, r.mission_id])).toEqual([['step_succeeded', a], ['step_succeeded', b], ['step_succeeded', c], ['mission_succeeded', b], ['mission_succeeded', c]]);
    expect(ev.rows[1]!.summary).toBe('done 1');
    // two plans remembered; the two oldest memories make room for them
    const mem = await e.db.query<{ id: number; content: string; superseded_by: number | null }>(`SELECT id, content, superseded_by FROM ops_agent_memory WHERE agent_id = 'opus' ORDER BY id`);
    expect(mem.rows.filter((r) => r.superseded_by === null)).toHaveLength(MEMORY_CAP_PER_AGENT);
    expect(mem.rows.slice(-2).map((r) => r.content)).toEqual(['"One step" worked as a plan of wait.', '"Another one" worked as a plan of wait.']);
    expect(mem.rows.slice(0, 3).map((r) => [r.content, r.superseded_by])).toEqual([['old 1', mem.rows.at(-1)!.id], ['old 2', mem.rows.at(-1)!.id], ['old 3', null]]);
  });

  it('the batcher writes steps that finish together in one statement, and one step that cannot be written does not hold back the others', async () => {
    e = await testEngine(kind, { clock: new SystemClock(), workers: false, heartbeat: false });
    for (const t of ['A', 'B', 'C']) await mission(t, ['wait']);
    const steps = await claimSteps(e.ctx, ['wait'], 'w1', 3);
    const batcher = new CompletionBatcher(e.ctx, 'w1');
    const statements: string[] = [];
    const query = e.db.query.bind(e.db);
    e.db.query = (async (sql: string, params?: readonly unknown[]) => {
      if (sql.includes('jsonb_to_recordset')) statements.push(sql);
      return query(sql, params);
    }) as typeof e.db.query;
    const ok = await Promise.all(steps.slice(0, 2).map((step) => batcher.submit({ step, out: {} })));
    expect(ok).toEqual([true, true]);
    expect(statements).toHaveLength(1);
    // a result that cannot be stored (a BigInt has no JSON form) fails its own step only
    const mixed = await Promise.allSettled([batcher.submit({ step: steps[2]!, out: { result: { n: 1n } } }), batcher.submit({ step: steps[0]!, out: {} })]);
    expect(mixed[0]).toMatchObject({ status: 'rejected' });
    expect(mixed[1]).toEqual({ status: 'fulfilled', value: false }); // already recorded: nothing written twice
    const st = await e.db.query<{ status: string }>('SELECT status FROM ops_mission_steps ORDER BY id');
    expect(st.rows.map((r) => r.status)).toEqual(['succeeded', 'succeeded', 'running']);
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
