import { afterEach, describe, expect, it } from 'vitest';
import { policyDefaults } from '../../../core/ops/policy-schemas.ts';
import { createProposalAndMaybeAutoApprove } from '../../../core/ops/proposal-service.ts';
import { FakeClock } from '../../../core/ports/clock.ts';
import { dbKinds } from '../../support/db.ts';
import { budgetEngine, MODEL, pump, type BudgetEngine } from './harness.ts';

const budget = (over: Record<string, unknown>) => ({ ...policyDefaults.budget_policy, ...over });
const sum = (rows: { tokens: number }[]) => rows.reduce((n, r) => n + r.tokens, 0);

/**
 * Each kind of budget in budget_policy, on a fake clock: it warns once at
 * 80 % and holds the work at 100 % (the metered model spends 100 tokens and
 * 2 LLM seconds per call). Prices and the "what used my tokens" breakdown too.
 */
describe.each(dbKinds)('each budget warns at 80 % and holds at 100 %, on %s', (kind) => {
  let e: BudgetEngine;
  afterEach(async () => e?.close());

  const steps = async (missionId: number) =>
    (await e.db.query<{ status: string; error_code: string | null; last_error: string | null }>(
      'SELECT status, error_code, last_error FROM ops_mission_steps WHERE mission_id = $1 ORDER BY seq',
      [missionId],
    )).rows;
  const missionOf = async (proposalId: number) => (await e.db.query<{ id: number }>('SELECT id::int AS id FROM ops_missions WHERE proposal_id = $1', [proposalId])).rows[0]!.id;
  const alerts = async (k: 'budget_warning' | 'budget_exhausted') =>
    (await e.db.query<{ title: string; payload: Record<string, unknown> }>('SELECT title, payload FROM ops_agent_events WHERE kind = $1 ORDER BY id', [k])).rows;
  const analyze = (topic: string) => ({ kind: 'analyze', payload: { topic } });
  const runs = (missionId: number, n: number) => pump(e.clock, async () => (await steps(missionId)).filter((s) => s.status === 'succeeded').length === n);
  const heldAt = (missionId: number, seq: number) => pump(e.clock, async () => (await steps(missionId))[seq]?.error_code === 'budget_exhausted');

  it('per trigger rule: the work a rule set off is held at its budget; other work of the same agent is not', async () => {
    e = await budgetEngine(kind, { policy: { budget_policy: budget({ per_rule_daily_tokens: { proactive_research: 250 } }) } });
    await e.start();
    const rule = (await e.handlers['triggers.list']({})).find((r) => r.name === 'proactive_research')!;
    const fire = async () => {
      const out = await e.handlers['triggers.runNow']({ id: rule.id });
      expect(out.decision).toBe('fired');
      return missionOf(out.proposalId!);
    };
    // 0 → 100 → 200 (80 %: one warning) → 300 ≥ 250: the fourth is held
    for (let i = 0; i < 3; i++) await runs(await fire(), 1);
    expect(await alerts('budget_warning')).toEqual([expect.objectContaining({ title: `The trigger rule "proactive_research"'s daily token budget is 80% used (200 of 250 tokens)`, payload: expect.objectContaining({ scope: 'rule', scopeId: String(rule.id) }) })]);
    const fourth = await fire();
    await heldAt(fourth, 0);
    expect((await steps(fourth))[0]!.last_error).toBe(
      `The trigger rule "proactive_research"'s daily token budget is used up (300 of 250 tokens). The work waits until you raise budget_policy.per_rule_daily_tokens["proactive_research"] or grant an allowance, or the day ends.`,
    );
    expect(await alerts('budget_exhausted')).toHaveLength(1);
    // brain's own task (not from the rule) still runs
    const own = await createProposalAndMaybeAutoApprove(e.ctx, { agentId: 'brain', title: 'Own task', steps: [analyze('x')] });
    await runs(own.mission!.id, 1);
    expect((await steps(fourth))[0]!.status).toBe('queued');
    // an allowance for the rule releases it
    await e.handlers['budget.grant']({ scope: 'rule', scopeId: String(rule.id), period: 'day', tokens: 100, seconds: 0 });
    await runs(fourth, 1);
    const status = await e.handlers['budget.status']({});
    expect(status.lines.find((l) => l.scope === 'rule')).toMatchObject({ scopeId: String(rule.id), spent: 400, budget: 350, allowance: 100 });
  });

  it('LLM seconds per agent: warned at 80 %, held at 100 %, and the new day starts afresh', async () => {
    e = await budgetEngine(kind, { policy: { budget_policy: budget({ agent_daily_seconds: 5 }) } });
    await e.start();
    // 2 s a call: 0 → 2 → 4 (80 %) → 6 ≥ 5: the fourth is held
    const out = await createProposalAndMaybeAutoApprove(e.ctx, { agentId: 'brain', title: 'Four analyses', steps: [analyze('a'), analyze('b'), analyze('c'), analyze('d')] });
    const mid = out.mission!.id;
    await heldAt(mid, 3);
    expect((await steps(mid)).map((s) => s.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'queued']);
    expect((await alerts('budget_warning')).map((a) => a.title)).toEqual(["brain's daily LLM-time budget is 80% used (4.0 of 5.0 LLM seconds)"]);
    expect((await steps(mid))[3]!.last_error).toMatch(/^brain's daily LLM-time budget is used up \(6\.0 of 5\.0 LLM seconds\)\. The work waits until you raise budget_policy\.agent_daily_seconds/);
    expect((await alerts('budget_exhausted')).map((a) => a.payload)).toEqual([expect.objectContaining({ scope: 'agent', scopeId: 'brain', unit: 'seconds', spent: 6, budget: 5 })]);
    expect(e.model.requests).toHaveLength(3);
    // past local midnight the held step runs by itself
    await pump(e.clock, async () => (await steps(mid))[3]!.status === 'succeeded', 120, 10 * 60_000);
    expect(e.clock.now()).toBeGreaterThanOrEqual(Date.parse('2026-03-03T00:00:00Z'));
  });

  it("the company's monthly budget counts across days, holds at 100 %, and the new month starts afresh", async () => {
    e = await budgetEngine(kind, { clock: new FakeClock('2026-03-30T10:00:00Z'), policy: { budget_policy: budget({ company_monthly_tokens: 250 }) } });
    await e.start();
    const one = async (agentId: string) => (await createProposalAndMaybeAutoApprove(e.ctx, { agentId, title: 'One analysis', steps: [analyze('q')] })).mission!.id;
    await runs(await one('brain'), 1);
    await runs(await one('opus'), 1);
    expect(await alerts('budget_warning')).toHaveLength(0); // 200 is counted before the third call, not yet
    await e.clock.advanceTo(Date.parse('2026-03-31T10:00:00Z')); // another day, the same month
    await runs(await one('growth'), 1);
    expect((await alerts('budget_warning')).map((a) => a.title)).toEqual(["The company's monthly token budget is 80% used (200 of 250 tokens)"]);
    const held = await one('observer');
    await heldAt(held, 0);
    expect((await steps(held))[0]!.last_error).toMatch(/^The company's monthly token budget is used up \(300 of 250 tokens\)\. The work waits until you raise budget_policy\.company_monthly_tokens or grant an allowance\.$/);
    expect((await alerts('budget_exhausted')).map((a) => a.payload)).toEqual([expect.objectContaining({ scope: 'company', period: 'month', periodKey: '2026-03' })]);
    // April: the held step runs on its next look (every recheck_seconds)
    await e.clock.advanceTo(Date.parse('2026-04-01T00:00:00Z'));
    await pump(e.clock, async () => (await steps(held))[0]!.status === 'succeeded', 100, 60_000);
    const status = await e.handlers['budget.status']({});
    expect(status.lines.find((l) => l.period === 'month')).toMatchObject({ periodKey: '2026-04', spent: 100, budget: 250 });
  });

  it('price per million tokens per model ("*" for the rest), and the breakdown by agent, purpose and rule adds up', async () => {
    e = await budgetEngine(kind, {
      policy: {
        budget_policy: budget({ price_per_million_tokens: { [MODEL]: 2, '*': 10 } }),
        llm_policy: { ...policyDefaults.llm_policy, hosts: ['http://127.0.0.1:9'], default_model: MODEL, per_agent: { opus: 'remote-big:70b' }, health_check_seconds: 3600 },
      },
    });
    await e.start();
    const rule = (await e.handlers['triggers.list']({})).find((r) => r.name === 'proactive_research')!;
    for (let i = 0; i < 2; i++) await runs(await missionOf((await e.handlers['triggers.runNow']({ id: rule.id })).proposalId!), 1); // brain, from the rule: 200
    const own = await createProposalAndMaybeAutoApprove(e.ctx, { agentId: 'opus', title: 'Two analyses', steps: [analyze('a'), analyze('b')] }); // opus on the other model: 200
    await runs(own.mission!.id, 2);
    await e.llm!.chat({ agentId: 'growth', purpose: 'chat' }, { messages: [{ role: 'user', content: 'How are we doing?' }] }); // growth, chat: 100
    const usage = await e.handlers['budget.usage']({});
    const total = (await e.db.query<{ n: number }>('SELECT sum(prompt_tokens + completion_tokens)::int AS n FROM ops_llm_calls')).rows[0]!.n;
    expect(total).toBe(500);
    for (const by of [usage.byAgent, usage.byPurpose, usage.byRule, usage.byModel]) {
      expect(sum(by)).toBe(total);
      expect(by.reduce((n, r) => n + r.calls, 0)).toBe(5);
    }
    const rows = (by: typeof usage.byAgent) => Object.fromEntries(by.map((r) => [r.label, r.tokens]));
    expect(rows(usage.byAgent)).toEqual({ brain: 200, opus: 200, growth: 100 });
    expect(rows(usage.byPurpose)).toEqual({ analyze: 400, chat: 100 });
    expect(rows(usage.byRule)).toEqual({ proactive_research: 200, 'not from a trigger rule': 300 });
    expect(usage.byRule.find((r) => r.label === 'proactive_research')!.key).toBe(String(rule.id));
    // 300 tokens at 2 per million, 200 at the "*" price of 10
    expect(usage.byModel.map((m) => [m.key, m.tokens, m.cost])).toEqual([
      [MODEL, 300, 300 * 2 / 1_000_000],
      ['remote-big:70b', 200, 200 * 10 / 1_000_000],
    ]);
    const status = await e.handlers['budget.status']({});
    expect(status.company.tokens).toBe(500);
    expect(status.company.cost).toBeCloseTo(0.0026, 10);
    // no budget is set: a price alone holds nothing and warns about nothing
    expect(await alerts('budget_warning')).toHaveLength(0);
    expect(status.held).toEqual([]);
  });
});
