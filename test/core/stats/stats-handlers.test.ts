/**
 * The stats.* calls on both databases: known rows, a fake clock and a time
 * zone that is not UTC (America/New_York, UTC−5 in early March), so every
 * number is exact and every day boundary is the local one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Queryable } from '../../../core/db/db.ts';
import { FakeClock } from '../../../core/ports/clock.ts';
import { policyDefaults } from '../../../core/ops/policy-schemas.ts';
import { dbKinds } from '../../support/db.ts';
import { testEngine, type TestEngine } from '../../support/engine.ts';

/** 10:00 in New York on 2026-03-02: that local day began at 05:00 UTC. */
const NOW = '2026-03-02T15:00:00Z';

async function mission(q: Queryable, m: { status: string; by: string; created: string; finished?: string }): Promise<number> {
  const r = await q.query<{ id: number }>(
    'INSERT INTO ops_missions (title, status, created_by, created_at, finished_at) VALUES ($1, $2, $3, $4, $5) RETURNING id',
    [`${m.status} by ${m.by}`, m.status, m.by, m.created, m.finished ?? null],
  );
  return Number(r.rows[0]?.id);
}

async function step(q: Queryable, missionId: number, seq: number, status: string, at: string): Promise<void> {
  await q.query(
    `INSERT INTO ops_mission_steps (mission_id, seq, kind, status, run_after, reserved_by, created_at) VALUES ($1, $2, 'wait', $3, $4, $5, $4)`,
    [missionId, seq, status, at, status === 'running' ? 'worker-1' : null],
  );
}

async function event(q: Queryable, kind: string, at: string): Promise<void> {
  await q.query(`INSERT INTO ops_agent_events (agent_id, kind, title, created_at) VALUES ('brain', $1, $1, $2)`, [kind, at]);
}

async function llmCall(q: Queryable, agentId: string | null, prompt: number, completion: number, at: string): Promise<void> {
  await q.query(
    `INSERT INTO ops_llm_calls (agent_id, purpose, model, host, prompt_tokens, completion_tokens, outcome, created_at) VALUES ($1, 'step', 'm', 'h', $2, $3, 'ok', $4)`,
    [agentId, prompt, completion, at],
  );
}

async function memory(q: Queryable, agentId: string, type: string, superseded = false): Promise<void> {
  await q.query(`INSERT INTO ops_agent_memory (agent_id, type, content, created_at, superseded_at) VALUES ($1, $2, 'x', $3, $4)`, [
    agentId,
    type,
    '2026-02-01T00:00:00Z',
    superseded ? '2026-02-02T00:00:00Z' : null,
  ]);
}

describe.each(dbKinds)('stats.* on %s', (kind) => {
  let e: TestEngine;
  let clock: FakeClock;

  beforeAll(async () => {
    clock = new FakeClock(NOW);
    e = await testEngine(kind, { clock, heartbeat: false, initialPolicy: { timezone: { name: 'America/New_York' } } });
    const q = e.db;
    // Only the rows below: whatever the engine wrote when it was made goes.
    for (const t of ['ops_agent_events', 'ops_mission_steps', 'ops_missions', 'ops_llm_calls', 'ops_agent_memory']) await q.query(`DELETE FROM ${t}`);

    await mission(q, { status: 'succeeded', by: 'brain', created: '2026-03-02T06:00:00Z', finished: '2026-03-02T06:30:00Z' }); // today 01:00
    const lateYesterday = await mission(q, { status: 'failed', by: 'growth', created: '2026-03-02T04:30:00Z', finished: '2026-03-02T05:30:00Z' }); // made 23:30 yesterday, failed 00:30 today
    await mission(q, { status: 'failed', by: 'brain', created: '2026-03-02T14:00:00Z', finished: '2026-03-02T14:10:00Z' });
    const open = await mission(q, { status: 'running', by: 'opus', created: '2026-03-02T14:30:00Z' });
    await mission(q, { status: 'succeeded', by: 'creator', created: '2026-02-20T12:00:00Z', finished: '2026-02-20T13:00:00Z' });
    await mission(q, { status: 'cancelled', by: 'creator', created: '2026-02-10T12:00:00Z', finished: '2026-02-10T13:00:00Z' }); // before the 14 days
    await mission(q, { status: 'cancelled', by: 'observer', created: '2026-03-01T20:00:00Z', finished: '2026-03-01T21:00:00Z' });
    await step(q, open, 0, 'succeeded', '2026-03-02T14:30:00Z');
    await step(q, open, 1, 'running', '2026-03-02T14:31:00Z');
    await step(q, open, 2, 'queued', '2026-03-02T14:32:00Z');
    await step(q, lateYesterday, 0, 'queued', '2026-03-02T04:30:00Z'); // queued counts whenever it was made

    await event(q, 'alpha', '2026-03-02T05:10:00Z');
    await event(q, 'alpha', '2026-03-02T06:00:00Z');
    await event(q, 'alpha', '2026-03-02T04:59:00Z'); // 23:59 on 03-01
    await event(q, 'beta', '2026-03-01T12:00:00Z');
    await event(q, 'beta', '2026-02-17T05:00:00Z'); // midnight opening the 14th day back
    await event(q, 'beta', '2026-02-17T04:59:00Z'); // a minute before it

    await llmCall(q, 'brain', 100, 50, '2026-03-02T05:10:00Z');
    await llmCall(q, 'brain', 1000, 0, '2026-03-02T04:50:00Z');
    await llmCall(q, null, 7, 3, '2026-03-02T12:00:00Z');
    await llmCall(q, 'growth', 400, 100, '2026-02-25T12:00:00Z');

    await memory(q, 'brain', 'insight');
    await memory(q, 'brain', 'insight');
    await memory(q, 'brain', 'lesson');
    await memory(q, 'growth', 'insight');
    await memory(q, 'growth', 'insight', true);
  });

  afterAll(async () => e?.close());

  it('today: missions made since local midnight, their outcomes, the queue now, tokens since midnight', async () => {
    expect(await e.handlers['stats.today']({})).toEqual({
      day: '2026-03-02',
      missionsToday: 3,
      succeededToday: 1,
      failedToday: 1,
      queuedSteps: 2,
      runningSteps: 1,
      tokensToday: 160,
    });
  });

  it('events per local day and kind, over the days asked for', async () => {
    expect(await e.handlers['stats.eventsPerDay']({})).toEqual([
      { day: '2026-02-17', kind: 'beta', count: 1 },
      { day: '2026-03-01', kind: 'alpha', count: 1 },
      { day: '2026-03-01', kind: 'beta', count: 1 },
      { day: '2026-03-02', kind: 'alpha', count: 2 },
    ]);
    expect(await e.handlers['stats.eventsPerDay']({ days: 1 })).toEqual([{ day: '2026-03-02', kind: 'alpha', count: 2 }]);
    expect(await e.handlers['stats.eventsPerDay']({ days: 2 })).toHaveLength(3);
  });

  it('tokens per local day and agent (calls without an agent apart), and the company’s daily budget once one is set', async () => {
    const rows = [
      { day: '2026-02-25', agentId: 'growth', tokens: 500 },
      { day: '2026-03-01', agentId: 'brain', tokens: 1000 },
      { day: '2026-03-02', agentId: 'brain', tokens: 150 },
      { day: '2026-03-02', agentId: null, tokens: 10 },
    ];
    expect(await e.handlers['stats.tokensPerDay']({})).toEqual({ rows, dailyBudget: null });
    expect(await e.handlers['stats.tokensPerDay']({ days: 1 })).toEqual({ rows: rows.slice(2), dailyBudget: null });
    await e.handlers['policy.set']({ key: 'budget_policy', value: { ...policyDefaults.budget_policy, company_daily_tokens: 50_000 } });
    expect((await e.handlers['stats.tokensPerDay']({ days: 1 })).dailyBudget).toBe(50_000);
    // budgets turned off: no line to draw
    await e.handlers['policy.set']({ key: 'budget_policy', value: { ...policyDefaults.budget_policy, enabled: false, company_daily_tokens: 50_000 } });
    expect((await e.handlers['stats.tokensPerDay']({ days: 1 })).dailyBudget).toBeNull();
    await e.handlers['policy.set']({ key: 'budget_policy', value: policyDefaults.budget_policy });
  });

  it('mission outcomes by the local day they finished', async () => {
    expect(await e.handlers['stats.missionOutcomes']({})).toEqual([
      { day: '2026-02-20', succeeded: 1, failed: 0, cancelled: 0 },
      { day: '2026-03-01', succeeded: 0, failed: 0, cancelled: 1 },
      { day: '2026-03-02', succeeded: 1, failed: 2, cancelled: 0 },
    ]);
    expect(await e.handlers['stats.missionOutcomes']({ days: 1 })).toEqual([{ day: '2026-03-02', succeeded: 1, failed: 2, cancelled: 0 }]);
  });

  it('live memories by agent and type (superseded ones left out)', async () => {
    expect(await e.handlers['stats.memoryByType']({})).toEqual([
      { agentId: 'brain', type: 'insight', count: 2 },
      { agentId: 'brain', type: 'lesson', count: 1 },
      { agentId: 'growth', type: 'insight', count: 1 },
    ]);
  });

  it('follows the clock and the time zone: in UTC the late-yesterday mission is today’s; at the next midnight, today starts empty', async () => {
    await e.handlers['policy.set']({ key: 'timezone', value: { name: 'UTC' } });
    expect(await e.handlers['stats.today']({})).toMatchObject({ day: '2026-03-02', missionsToday: 4, succeededToday: 1, failedToday: 2, tokensToday: 1160 });
    await clock.advanceTo(Date.parse('2026-03-03T00:30:00Z'));
    expect(await e.handlers['stats.today']({})).toEqual({ day: '2026-03-03', missionsToday: 0, succeededToday: 0, failedToday: 0, queuedSteps: 2, runningSteps: 1, tokensToday: 0 });
    expect(await e.handlers['stats.eventsPerDay']({ days: 1 })).toEqual([]);
    await e.handlers['policy.set']({ key: 'timezone', value: { name: 'America/New_York' } });
    expect((await e.handlers['stats.today']({})).day).toBe('2026-03-02');
  });
});
