import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError } from '../../../core/api/errors.ts';
import { OllamaLlm } from '../../../core/llm/ollama.ts';
import { policyDefaults } from '../../../core/ops/policy-schemas.ts';
import { FakeClock } from '../../../core/ports/clock.ts';
import { dbKinds } from '../../support/db.ts';
import { eventually, testEngine, type TestEngine } from '../../support/engine.ts';
import { startOllamaServer, type FakeOllama } from '../../support/ollama-server.ts';

const MODEL = 'llama3.2:3b';
const FALLBACK = 'qwen3:1.7b';
const Verdict = z.object({ action: z.enum(['ship', 'wait']), reasons: z.array(z.string()).max(3) });
const good = { action: 'ship', reasons: ['ready'] };
const budget = (over: Record<string, unknown>) => ({ ...policyDefaults.budget_policy, ...over });

async function held(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected the call to be held');
}

/**
 * The budget check runs before every HTTP call to the model, not once per
 * service call: a structured output's repair turn, its "shorter" retry and the
 * fallback model's call are each checked. A budget that allows exactly the
 * first call holds the second, and the test Ollama server never sees it.
 */
describe.each(dbKinds)('every HTTP call to the model passes the budget check, on %s', (kind) => {
  let srv: FakeOllama;
  let e: TestEngine;
  let clock: FakeClock;
  beforeAll(async () => {
    srv = await startOllamaServer({ models: [{ name: MODEL, contextLength: 131072 }, { name: FALLBACK, contextLength: 32768 }] });
  });
  afterAll(async () => srv?.close());
  afterEach(async () => {
    await e?.close();
    srv.clearScripts();
    srv.clearFaults();
    srv.requests.length = 0;
  });

  async function engine(policy: Record<string, unknown>, llm: Record<string, unknown> = {}): Promise<void> {
    clock = new FakeClock('2026-03-02T09:00:00Z');
    e = await testEngine(kind, {
      clock,
      heartbeat: false,
      workers: false,
      llm: { service: { llmFor: (host) => new OllamaLlm({ host, clock }), probe: async () => ({ ok: true }) } },
      initialPolicy: {
        llm_policy: { ...policyDefaults.llm_policy, hosts: [srv.url], default_model: MODEL, fallback_model: null, health_check_seconds: 3600, ...llm },
        budget_policy: budget(policy),
      },
    });
  }
  /** Everything the test Ollama server received (the adapter asks /api/show for a model's window before its first chat). */
  const sent = () => srv.requests.map((r) => `${r.path} ${r.body.model ?? ''}`);
  const chats = () => srv.requests.filter((r) => r.path === '/api/chat');
  const exhausted = async () => (await e.db.query<{ title: string }>("SELECT title FROM ops_agent_events WHERE kind = 'budget_exhausted'")).rows.map((r) => r.title);
  const calls = async () => (await e.db.query<{ model: string; outcome: string }>('SELECT model, outcome FROM ops_llm_calls ORDER BY id')).rows;
  const ask = (maxTokens?: number) =>
    e.llm!.chatStructured(
      { agentId: 'brain', purpose: 'distill' },
      { system: 'Decide.', messages: [{ role: 'user', content: 'Ship it?' }], ...(maxTokens ? { maxTokens } : {}) },
      Verdict,
    );

  it('the repair turn after an unusable reply is held: typed error, event, and no second request', async () => {
    await engine({ company_daily_tokens: 1 });
    srv.script(MODEL, { json: { action: 'maybe', reasons: [] } }, { json: good });
    const err = await held(ask());
    expect(err.code).toBe('budget_exhausted');
    expect(err.message).toMatch(/^The company's daily token budget is used up \(\d+ of 1 tokens\)/);
    expect(sent()).toEqual([`/api/show ${MODEL}`, `/api/chat ${MODEL}`]);
    expect(await calls()).toEqual([{ model: MODEL, outcome: 'ok' }]);
    expect(await exhausted()).toEqual([expect.stringContaining("The company's daily token budget is used up")]);
  });

  it('the "ask again, shorter" retry after a reply cut at the length limit is held', async () => {
    await engine({ agent_daily_tokens: 1 });
    srv.script(MODEL, { raw: JSON.stringify({ action: 'ship', reasons: ['a long one', 'and another', 'and more'] }, null, 1) }, { json: good });
    const err = await held(ask(12));
    expect(err.code).toBe('budget_exhausted');
    expect(err.message).toMatch(/^brain's daily token budget is used up/);
    expect(sent()).toEqual([`/api/show ${MODEL}`, `/api/chat ${MODEL}`]);
    expect(chats()[0]!.body.options?.num_predict).toBe(12);
    expect(await exhausted()).toHaveLength(1);
  });

  it("the fallback model's call is held when the first call used up the budget (LLM seconds)", async () => {
    await engine({ company_daily_seconds: 1 }, { default_model: 'missing:7b', fallback_model: FALLBACK });
    // the first call takes 5 s (on the engine's clock) before the host says the model is missing
    srv.fault({ kind: 'delay', ms: 200 }, { model: 'missing:7b', path: '/api/show' });
    const pending = held(ask());
    await eventually(async () => srv.requests.length === 1);
    await clock.advance(5000);
    const err = await pending;
    expect(err.code).toBe('budget_exhausted');
    expect(err.message).toMatch(/^The company's daily LLM-time budget is used up \(5\.0 of 1\.0 LLM seconds\)/);
    expect(sent()).toEqual(['/api/show missing:7b']);
    expect(await calls()).toEqual([{ model: 'missing:7b', outcome: 'llm_model_not_found' }]);
    const fallback = await e.db.query("SELECT 1 FROM ops_agent_events WHERE kind = 'llm_fallback'");
    expect(fallback.rows).toHaveLength(1); // the fallback was chosen, then held before it was sent
    expect(await exhausted()).toEqual([expect.stringContaining("The company's daily LLM-time budget is used up")]);
  });

  it('with room in the budget, the repair turn and the fallback go out as before', async () => {
    await engine({ company_daily_tokens: 1_000_000 }, { default_model: 'missing:7b', fallback_model: FALLBACK });
    srv.script(FALLBACK, { json: { action: 'maybe', reasons: [] } }, { json: good });
    const out = await ask();
    expect(out).toMatchObject({ value: good, repaired: true });
    expect(sent()).toEqual(['/api/show missing:7b', `/api/show ${FALLBACK}`, `/api/chat ${FALLBACK}`, `/api/chat ${FALLBACK}`]);
    expect((await calls()).map((c) => c.outcome)).toEqual(['llm_model_not_found', 'ok', 'ok']);
    expect((await e.db.query('SELECT 1 FROM ops_budget_reservations')).rows).toHaveLength(0); // every reservation was dropped
  });
});
