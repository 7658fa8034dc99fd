import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../core/api/errors.ts';
import type { Db } from '../../../core/db/db.ts';
import { PostgresDb } from '../../../core/db/postgres.ts';
import { createEngine, type Engine } from '../../../core/engine.ts';
import type { ChatRequest, ChatResult, Llm } from '../../../core/llm/port.ts';
import { policyDefaults } from '../../../core/ops/policy-schemas.ts';
import { FakeClock } from '../../../core/ports/clock.ts';
import { memoryLog } from '../../../core/ports/log.ts';
import { SeededRandom } from '../../../core/ports/random.ts';
import { dbKinds } from '../../support/db.ts';
import { eventually, testEngine, type TestEngine } from '../../support/engine.ts';
import { MODEL } from './harness.ts';

const budget = (over: Record<string, unknown>) => ({ ...policyDefaults.budget_policy, ...over });
const llmPolicy = { ...policyDefaults.llm_policy, hosts: ['http://127.0.0.1:9'], default_model: MODEL, fallback_model: null, health_check_seconds: 3600 };

/** A model that takes every request it is sent and answers (100 tokens each) only once the test opens its gate. */
function gatedLlm(): Llm & { sent: ChatRequest[]; open(): void } {
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  const sent: ChatRequest[] = [];
  return {
    sent,
    open: () => open(),
    async chat(req: ChatRequest): Promise<ChatResult> {
      sent.push(req);
      await gate;
      return { text: 'Findings: steady.', model: req.model, host: 'gated', promptTokens: 60, completionTokens: 40, durationMs: 2000 };
    },
  };
}

const code = (r: PromiseSettledResult<unknown>) => (r.status === 'rejected' ? (r.reason instanceof AppError ? r.reason.code : String(r.reason)) : 'sent');
const message = (r: PromiseSettledResult<unknown>) => (r.status === 'rejected' && r.reason instanceof AppError ? r.reason.message : '');

const ask = (engine: Engine, agentId: string, i: number) =>
  engine.llm!.chat({ agentId, purpose: 'chat' }, { system: 'Be brief.', messages: [{ role: 'user', content: `Question ${i}` }], maxTokens: 200 });

/** How many of the promises have settled so far. */
function settledCount(ps: Promise<unknown>[]): () => number {
  let n = 0;
  for (const p of ps) void p.then(() => n++, () => n++);
  return () => n;
}

/**
 * The budget check and a reservation of the call's estimated use are one
 * critical section (an advisory-locked transaction), and the reservation is
 * dropped once the real use is recorded: calls sent at once against a budget
 * that admits one send exactly one, in one process or in several on PostgreSQL.
 */
describe.each(dbKinds)('concurrent calls and the budget on %s', (kind) => {
  let e: TestEngine;
  const others: { engine: Engine; db: Db }[] = [];
  afterEach(async () => {
    for (const o of others.splice(0)) {
      await o.engine.stop();
      await o.db.close();
    }
    await e?.close();
  });

  it('five calls at once against a budget that admits one: one is sent, four wait with a reason; once it lands the budget is really used up', async () => {
    const model = gatedLlm();
    e = await testEngine(kind, {
      clock: new FakeClock('2026-03-02T09:00:00Z'),
      heartbeat: false,
      workers: false,
      llm: { service: { llmFor: () => model, probe: async () => ({ ok: true }) } },
      initialPolicy: { llm_policy: llmPolicy, budget_policy: budget({ company_daily_tokens: 1 }) },
    });
    const calls = [0, 1, 2, 3, 4].map((i) => ask(e, i % 2 ? 'brain' : 'opus', i));
    const settled = settledCount(calls);
    // the four that were not sent come back while the one that was sent is still out
    await eventually(async () => settled() === 4);
    expect(model.sent).toHaveLength(1);
    expect((await e.db.query('SELECT 1 FROM ops_budget_reservations')).rows).toHaveLength(1);
    model.open();
    const out = await Promise.allSettled(calls);
    expect(out.map(code).sort()).toEqual(['budget_exhausted', 'budget_exhausted', 'budget_exhausted', 'budget_exhausted', 'sent']);
    for (const r of out.filter((x) => x.status === 'rejected')) {
      expect(message(r)).toMatch(/^The company's daily token budget is taken by calls in progress \(0 of 1 tokens, \d+ more reserved\)\. The work waits for them to finish\.$/);
      expect(((r as PromiseRejectedResult).reason as AppError).details?.['retryInMs']).toBe(30_000);
    }
    // the reservation is gone and the real use is recorded: the next call is held because the budget is used up, with its event
    expect((await e.db.query('SELECT 1 FROM ops_budget_reservations')).rows).toHaveLength(0);
    expect((await e.db.query<{ n: number }>('SELECT sum(prompt_tokens + completion_tokens)::int AS n FROM ops_llm_calls')).rows[0]!.n).toBe(100);
    expect((await e.db.query("SELECT 1 FROM ops_agent_events WHERE kind = 'budget_exhausted'")).rows).toHaveLength(0);
    const next = await Promise.allSettled([ask(e, 'brain', 9)]);
    expect(message(next[0]!)).toMatch(/^The company's daily token budget is used up \(100 of 1 tokens\)/);
    expect((await e.db.query("SELECT 1 FROM ops_agent_events WHERE kind = 'budget_exhausted'")).rows).toHaveLength(1);
    expect(model.sent).toHaveLength(1);
  });

  it('calls at once within a budget that admits them all are all sent, and every reservation is dropped', async () => {
    const model = gatedLlm();
    e = await testEngine(kind, {
      clock: new FakeClock('2026-03-02T09:00:00Z'),
      heartbeat: false,
      workers: false,
      llm: { service: { llmFor: () => model, probe: async () => ({ ok: true }) } },
      initialPolicy: { llm_policy: llmPolicy, budget_policy: budget({ agent_daily_tokens: 100_000 }) },
    });
    const calls = [0, 1, 2].map((i) => ask(e, 'brain', i));
    await eventually(async () => model.sent.length === 3);
    expect((await e.db.query<{ n: number }>('SELECT count(*)::int AS n FROM ops_budget_reservations')).rows[0]!.n).toBe(3);
    model.open();
    expect((await Promise.allSettled(calls)).map(code)).toEqual(['sent', 'sent', 'sent']);
    expect((await e.db.query('SELECT 1 FROM ops_budget_reservations')).rows).toHaveLength(0);
  });
});

describe('concurrent calls and the budget across processes', () => {
  let e: TestEngine;
  const others: { engine: Engine; db: Db }[] = [];
  afterEach(async () => {
    for (const o of others.splice(0)) {
      await o.engine.stop();
      await o.db.close();
    }
    await e?.close();
  });

  it('two engine processes on one PostgreSQL database share the reservation: calls from both at once send one', async () => {
    const model = gatedLlm();
    const opts = (clock: FakeClock) => ({
      clock,
      heartbeat: false,
      workers: false as const,
      llm: { service: { llmFor: () => model, probe: async () => ({ ok: true }) } },
      initialPolicy: { llm_policy: llmPolicy, budget_policy: budget({ company_daily_tokens: 1 }) },
    });
    e = await testEngine('postgres', opts(new FakeClock('2026-03-02T09:00:00Z')));
    const db = await PostgresDb.open({ url: (e.db as PostgresDb).url });
    const engine = await createEngine({ ...opts(new FakeClock('2026-03-02T09:00:00Z')), db, random: new SeededRandom(9), log: memoryLog(), location: 'postgres', processId: 'second' });
    others.push({ engine, db });
    const calls = [0, 1, 2, 3, 4, 5].map((i) => ask(i % 2 ? engine : e, 'growth', i));
    const settled = settledCount(calls);
    await eventually(async () => settled() === 5);
    expect(model.sent).toHaveLength(1);
    model.open();
    expect((await Promise.allSettled(calls)).map(code).filter((c) => c === 'sent')).toHaveLength(1);
  });
});
