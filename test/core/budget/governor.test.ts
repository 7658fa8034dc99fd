import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../core/ports/clock.ts';
import { policyDefaults } from '../../../core/ops/policy-schemas.ts';
import { createProposalAndMaybeAutoApprove } from '../../../core/ops/proposal-service.ts';
import { dbKinds } from '../../support/db.ts';
import { budgetEngine, pump, type BudgetEngine } from './harness.ts';

const budget = (over: Record<string, unknown>) => ({ ...policyDefaults.budget_policy, ...over });

describe.each(dbKinds)('budget governor on %s', (kind) => {
  let e: BudgetEngine;
  afterEach(async () => e?.close());

  const steps = async (missionId: number) =>
    (await e.db.query<{ seq: number; status: string; error_code: string | null; last_error: string | null }>(
      'SELECT seq, status, error_code, last_error FROM ops_mission_steps WHERE mission_id = $1 ORDER BY seq',
      [missionId],
    )).rows;
  const events = async (k: string) => (await e.db.query<{ agent_id: string | null; title: string; tags: string[] }>('SELECT agent_id, title, tags FROM ops_agent_events WHERE kind = $1 ORDER BY id', [k])).rows;
  const analyze = (topic: string) => ({ kind: 'analyze', payload: { topic } });

  it("holds an agent's next LLM step over its daily budget with a visible reason and an event, warns once at 80 %, and a raised budget releases it", async () => {
    e = await budgetEngine(kind, { policy: { budget_policy: budget({ agent_daily_tokens: 240 }) } });
    await e.start();
    // four LLM steps of 100 tokens each: 0 → 100 → 200 (83 %: warning) → 300 ≥ 240: held
    const out = await createProposalAndMaybeAutoApprove(e.ctx, { agentId: 'brain', title: 'Four analyses', steps: [analyze('a'), analyze('b'), analyze('c'), analyze('d')] });
    const mid = out.mission!.id;
    await pump(e.clock, async () => (await steps(mid))[3]?.error_code === 'budget_exhausted');
    const held = (await steps(mid))[3]!;
    expect(held.status).toBe('queued');
    expect(held.last_error).toMatch(/brain's daily token budget is used up \(300 of 240 tokens\)/);
    expect(held.last_error).toContain('budget_policy.agent_daily_tokens');
    expect((await steps(mid)).slice(0, 3).map((s) => s.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(e.model.requests).toHaveLength(3); // the fourth call was never sent
    expect(await events('budget_warning')).toEqual([expect.objectContaining({ agent_id: 'brain', tags: expect.arrayContaining(['budget', 'notification', 'warning']) })]);
    expect(await events('budget_exhausted')).toHaveLength(1);
    expect((await events('step_paused')).at(-1)!.title).toContain('budget is used up');
    // the status call shows the hold and the numbers
    const status = await e.handlers['budget.status']({});
    expect(status.held).toEqual([expect.objectContaining({ kind: 'analyze', agentId: 'brain', reason: expect.stringContaining('used up') })]);
    expect(status.agents.find((a) => a.agentId === 'brain')).toMatchObject({ tokens: 300, budget: 240, left: 0 });
    expect(status.lines.find((l) => l.scope === 'agent' && l.scopeId === 'brain')).toMatchObject({ spent: 300, budget: 240, ratio: 1.25 });
    // other agents are not held by brain's budget
    const other = await createProposalAndMaybeAutoApprove(e.ctx, { agentId: 'opus', title: 'One analysis', steps: [analyze('x')] });
    await pump(e.clock, async () => (await steps(other.mission!.id))[0]!.status === 'succeeded');
    // a held step waits (re-checked every recheck_seconds, never dropped); raising the budget releases it at once,
    // well before the 300 s recheck (at most 200 half-second moves of the clock: a loaded machine needs more real time per move)
    expect((await steps(mid))[3]!.status).toBe('queued');
    await e.handlers['policy.set']({ key: 'budget_policy', value: budget({ agent_daily_tokens: 1000 }) });
    await pump(e.clock, async () => (await steps(mid))[3]!.status === 'succeeded', 200);
    expect(await events('budget_exhausted')).toHaveLength(1);
    const usage = await e.handlers['budget.usage']({});
    expect(usage.byAgent.find((r) => r.key === 'brain')).toMatchObject({ calls: 4, tokens: 400 });
    expect(usage.byPurpose.find((r) => r.key === 'analyze')).toMatchObject({ calls: 5 });
  });

  it('a one-off allowance releases held work; the new day resets the budget', async () => {
    e = await budgetEngine(kind, { clock: new FakeClock('2026-03-02T23:50:00Z'), policy: { budget_policy: budget({ agent_daily_tokens: 100 }) } });
    await e.start();
    const out = await createProposalAndMaybeAutoApprove(e.ctx, { agentId: 'growth', title: 'Three analyses', steps: [analyze('a'), analyze('b'), analyze('c')] });
    const mid = out.mission!.id;
    await pump(e.clock, async () => (await steps(mid))[1]?.error_code === 'budget_exhausted');
    const g = await e.handlers['budget.grant']({ scope: 'agent', scopeId: 'growth', period: 'day', tokens: 100, seconds: 0, reason: 'launch day' });
    expect(g).toMatchObject({ periodKey: '2026-03-02', released: 1 });
    await pump(e.clock, async () => (await steps(mid))[2]?.error_code === 'budget_exhausted', 200);
    expect((await steps(mid))[1]!.status).toBe('succeeded');
    // held past local midnight: the new day's budget lets it run by itself
    await pump(e.clock, async () => (await steps(mid))[2]!.status === 'succeeded', 30, 60_000);
    expect(e.clock.now()).toBeGreaterThanOrEqual(Date.parse('2026-03-03T00:00:00Z'));
  });

  it('a company-wide budget stops all LLM work but no non-LLM step', async () => {
    e = await budgetEngine(kind, { policy: { budget_policy: budget({ company_daily_tokens: 0 }) } });
    await e.start();
    const llmWork = await createProposalAndMaybeAutoApprove(e.ctx, { agentId: 'opus', title: 'Think', steps: [analyze('q')] });
    const plain = await createProposalAndMaybeAutoApprove(e.ctx, { agentId: 'brain', title: 'Wait', steps: [{ kind: 'wait', payload: { seconds: 1 } }] });
    await pump(e.clock, async () => (await steps(plain.mission!.id))[0]!.status === 'succeeded');
    await pump(e.clock, async () => (await steps(llmWork.mission!.id))[0]!.error_code === 'budget_exhausted');
    expect((await steps(llmWork.mission!.id))[0]!.last_error).toMatch(/The company's daily token budget is used up/);
    expect(e.model.requests).toHaveLength(0);
    expect(await events('budget_exhausted')).toEqual([expect.objectContaining({ title: expect.stringContaining("company's daily token budget") })]);
  });
});
