import { afterEach, describe, expect, it } from 'vitest';
import { isAppError } from '../../../core/api/errors.ts';
import { writeMemory } from '../../../core/memory/store.ts';
import { policyDefaults } from '../../../core/ops/policy-schemas.ts';
import { distillConversation } from '../../../core/roundtable/distill.ts';
import { runNextConversation } from '../../../core/roundtable/worker.ts';
import { runNextInitiative } from '../../../core/initiative/worker.ts';
import { dbKinds } from '../../support/db.ts';
import { conversationWithTurns, driveUntil, rtEngine, type RtEngine } from '../roundtable/harness.ts';

const budget = (over: Record<string, unknown>) => ({ ...policyDefaults.budget_policy, ...over });

/** Every LLM path other than steps (those are in governor.test.ts) passes the budget check before anything is sent. */
describe.each(dbKinds)('no LLM path skips the budget check on %s', (kind) => {
  let e: RtEngine;
  afterEach(async () => e?.close());
  const signal = new AbortController().signal;
  const code = (err: unknown) => (isAppError(err) ? err.code : String(err));
  const events = async (k: string) => (await e.db.query<{ agent_id: string | null; title: string }>('SELECT agent_id, title FROM ops_agent_events WHERE kind = $1 ORDER BY id', [k])).rows;

  it('chat, distillation, initiatives and conversations are all refused under a spent company budget; nothing reaches the model', async () => {
    e = await rtEngine(kind, { initialPolicy: { budget_policy: budget({ company_daily_tokens: 0 }) } });
    // chat: the person sees the reason; nothing is stored
    const chat = await e.handlers['chat.send']({ agentId: 'brain', text: 'How are we doing?' }).catch((err: unknown) => err);
    expect(code(chat)).toBe('budget_exhausted');
    expect((await e.db.query('SELECT 1 FROM ops_chat_messages')).rows).toHaveLength(0);
    // distillation
    const done = await conversationWithTurns(e, 'debate', ['opus', 'brain']);
    expect(code(await distillConversation({ ctx: e.ctx, llm: e.llm! }, done).catch((err: unknown) => err))).toBe('budget_exhausted');
    // initiative: the queued row goes back to the queue and the loop pauses
    await e.db.query(`INSERT INTO ops_initiative_queue (agent_id, run_after, reason, created_at) VALUES ('brain', $1, '{}'::jsonb, $1)`, [new Date(e.clock.now()).toISOString()]);
    const ini = await runNextInitiative({ ctx: e.ctx, llm: e.llm!, workerId: 'w1' }, signal);
    expect(ini).toMatchObject({ next: 'pause', reason: expect.stringContaining('budget is used up') });
    expect((await e.db.query<{ status: string }>('SELECT status FROM ops_initiative_queue')).rows).toEqual([{ status: 'queued' }]);
    // a conversation: every speaker sits out, then it waits in the queue (no attempt used, no turn lost)
    await e.db.query(`UPDATE ops_roundtable_queue SET status = 'cancelled'`);
    const conv = await e.handlers['roundtables.enqueue']({ format: 'debate', participants: ['brain', 'twitter-alt'] });
    const tick = await runNextConversation({ ctx: e.ctx, llm: e.llm!, seed: 1, workerId: 'w1' }, signal);
    expect(tick).toMatchObject({ next: 'pause', reason: expect.stringContaining('budget is used up') });
    const got = await e.handlers['roundtables.get']({ id: conv.id });
    expect(got.conversation).toMatchObject({ status: 'queued', lastError: expect.stringContaining('budget is used up') });
    expect((await events('roundtable_speaker_skipped')).map((x) => x.agent_id).sort()).toEqual(['brain', 'twitter-alt']);
    expect(e.llmCalls).toHaveLength(0);
    expect((await e.db.query('SELECT 1 FROM ops_llm_calls')).rows).toHaveLength(0);
  });

  it('in a conversation, a speaker over their own budget sits out and the others finish it', async () => {
    e = await rtEngine(kind, { loops: true, initialPolicy: { budget_policy: budget({ per_agent: { brain: { daily_tokens: 0 } } }) } });
    await writeMemory(e.db, { agentId: 'brain', type: 'insight', content: 'weekends are slow', confidence: 0.8, provenance: 'conversation' }, new Date(e.clock.now()).toISOString());
    await e.start();
    const conv = await e.handlers['roundtables.enqueue']({ format: 'watercooler', participants: ['opus', 'brain', 'growth'] });
    await driveUntil(e.clock, async () => ['succeeded', 'failed'].includes((await e.handlers['roundtables.get']({ id: conv.id })).conversation.status));
    const got = await e.handlers['roundtables.get']({ id: conv.id });
    expect(got.conversation.status).toBe('succeeded');
    expect(got.turns.length).toBeGreaterThan(0);
    expect(got.turns.some((t) => t.speaker === 'brain')).toBe(false);
    expect(await events('roundtable_speaker_skipped')).toEqual([expect.objectContaining({ agent_id: 'brain', title: expect.stringContaining("brain's daily token budget is used up") })]);
  });
});
