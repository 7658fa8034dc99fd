/**
 * Issue 10 in Chromium: the budget meter on the stage and in Models, the post
 * text edited in the approval inbox, the Why? panel, and routines in the
 * scheduler inspector (the built renderer against a real engine, see stage-harness).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../core/engine.js';
import { dispatchCall } from '../../core/server/dispatch.js';
import { recordLlmCall } from '../../core/llm/accounting.js';
import { budgetGuard } from '../../core/budget/governor.js';
import { policyDefaults } from '../../core/ops/policy-schemas.js';
import { openStage, type StageHarness } from './stage-harness.js';

async function call<T>(engine: Engine, name: string, input: unknown): Promise<T> {
  const r = (await dispatchCall(engine.handlers, name as never, input)) as { ok: true; value: T } | { ok: false; error: { message: string } };
  if (!r.ok) throw new Error(`${name}: ${r.error.message}`);
  return r.value;
}

describe('budgets, inbox, why and routines in Chromium', () => {
  let stage: StageHarness;
  let page: Page;
  let engine: Engine;

  beforeAll(async () => {
    stage = await openStage({ initialPolicy: { budget_policy: { ...policyDefaults.budget_policy, company_daily_tokens: 50_000 } } });
    ({ page, engine } = stage);
  });
  afterAll(async () => stage?.close());

  it('shows the live budget meter on the stage and in Models, with the breakdown', async () => {
    await page.goto(`${stage.url()}/#/stage`);
    await expect.poll(() => page.getByTestId('budget-left').innerText()).toBe('50.0k left');
    expect(await page.getByTestId('budget-forecast').innerText()).toContain('by midnight');
    await page.goto(`${stage.url()}/#/models`);
    await expect.poll(() => page.getByTestId('budget-meter').count()).toBe(1);
    await expect.poll(() => page.getByTestId('usage-breakdown').innerText()).toContain('No LLM calls yet');
  });

  it('edits a post before approving it, and explains where a proposal came from', async () => {
    const made = await call<{ proposal: { id: number; status: string } }>(engine, 'proposals.create', {
      agentId: 'creator',
      title: 'Post to Bluesky: hello',
      steps: [{ kind: 'post_bluesky', payload: { text: 'Hello world' } }],
    });
    expect(made.proposal.status).toBe('pending');
    await page.goto(`${stage.url()}/#/proposals`);
    const card = page.locator(`[data-testid=pending-proposal][data-proposal="${made.proposal.id}"]`);
    await card.getByRole('button', { name: 'Why?' }).click();
    await expect.poll(() => page.getByTestId('why-chain').innerText()).toContain('You gave this task');
    await page.keyboard.press('Escape');
    await expect.poll(() => card.getByTestId('post-text').inputValue()).toBe('Hello world');
    await card.getByTestId('post-text').fill('Hello, edited before posting');
    await card.getByRole('button', { name: 'Accept' }).click();
    await expect
      .poll(async () => (await call<{ id: number; status: string; proposedSteps: { payload: { text?: string } }[] }[]>(engine, 'proposals.list', {})).find((p) => p.id === made.proposal.id))
      .toMatchObject({ status: 'accepted', proposedSteps: [{ payload: { text: 'Hello, edited before posting' } }] });
  });

  it('lists the routines with their next run and runs one now', async () => {
    await page.goto(`${stage.url()}/#/autonomy`);
    await expect.poll(() => page.getByTestId('routine-row').count()).toBe(4);
    const briefing = page.locator('[data-testid=routine-row][data-routine="Evening briefing"]');
    // the agent's name, not its id
    expect(await briefing.innerText()).toContain('Opus');
    expect(await briefing.innerText()).not.toContain('opus');
    await briefing.getByRole('button', { name: 'Run now' }).click();
    await expect.poll(() => page.getByTestId('routine-history').innerText()).toContain('Run now by you.');
    expect(stage.problems).toEqual([]);
  });

  it('offers Grant allowance at a hard stop, asks in the app (not window.confirm), and the meter has room again', async () => {
    let nativeDialogs = 0;
    page.on('dialog', (d) => {
      nativeDialogs++;
      void d.dismiss();
    });
    await page.goto(`${stage.url()}/#/stage`);
    await expect.poll(() => page.getByTestId('budget-left').innerText()).toBe('50.0k left');
    expect(await page.getByTestId('grant-allowance').count()).toBe(0);
    // 55,000 tokens spent today: past the company's 50,000.
    await recordLlmCall(engine.ctx.db, { agentId: 'brain', purpose: 'step', model: 'qwen3:1.7b', host: 'http://127.0.0.1:1', promptTokens: 40_000, completionTokens: 15_000, durationMs: 1000, outcome: 'ok', at: new Date(stage.clock.now()).toISOString() });
    const grant = page.getByTestId('grant-allowance');
    await expect.poll(() => grant.count(), { timeout: 20_000 }).toBe(1);
    expect(await page.getByTestId('budget-meter').getAttribute('data-ratio')).toBe('1.10');
    await grant.click();
    const dialog = page.getByRole('dialog', { name: 'Grant an allowance' });
    expect(await dialog.getByTestId('grant-spent').innerText()).toBe('Spent 55,000 of 50,000 tokens.');
    // A quarter of the budget by default; a wrong amount is said as a person would, and nothing is sent.
    expect(await dialog.getByLabel('Allowance in tokens').inputValue()).toBe('13000');
    await dialog.getByLabel('Allowance in tokens').fill('0');
    expect(await dialog.getByTestId('grant-error').innerText()).toBe('Grant a whole number of tokens from 1 to 1,000,000,000.');
    await dialog.getByLabel('Allowance in tokens').fill('20000');
    await dialog.getByLabel('Reason for the allowance').fill('Launch day');
    await page.screenshot({ path: '/tmp/grant-dialog.png' });
    await dialog.getByTestId('grant-confirm').click();
    await expect.poll(() => dialog.count()).toBe(0);
    await expect.poll(() => page.getByTestId('budget-left').innerText()).toBe('15.0k left');
    expect(await grant.count()).toBe(0);
    const status = await call<{ lines: { scope: string; allowance: number }[] }>(engine, 'budget.status', {});
    expect(status.lines.find((l) => l.scope === 'company')?.allowance).toBe(20_000);
    const events = await call<{ items: { kind: string; summary: string }[] }>(engine, 'events.page', { kind: 'budget_allowance' });
    expect(events.items[0]?.summary).toBe('Launch day');
    expect(nativeDialogs).toBe(0);
    expect(stage.problems).toEqual([]);
  });
  it('notifies through the desktop hook when a proposal waits for approval and when a budget is used up', async () => {
    // the desktop preload's hook, recorded (in a browser it is the Notification API)
    await page.addInitScript(() => {
      const w = window as unknown as { emtDesktop: { notify(t: string, b: string): void }; notified: { title: string; body: string }[] };
      w.notified = [];
      w.emtDesktop = { notify: (title, body) => void w.notified.push({ title, body }) };
    });
    await page.goto(`${stage.url()}/#/stage`);
    await page.reload();
    const notified = () => page.evaluate(() => (window as unknown as { notified: { title: string; body: string }[] }).notified);
    await expect.poll(() => page.getByTestId('budget-left').count()).toBe(1);
    await call(engine, 'proposals.create', { agentId: 'creator', title: 'Post to Bluesky: notify me', steps: [{ kind: 'post_bluesky', payload: { text: 'Notify me' } }] });
    await expect.poll(notified).toContainEqual({ title: 'Awaiting approval: Post to Bluesky: notify me', body: 'Steps: post_bluesky' });
    // the governor's own check before an LLM call, past the company's daily budget: one event, one notification
    await recordLlmCall(engine.ctx.db, { agentId: 'growth', purpose: 'step', model: 'qwen3:1.7b', host: 'http://127.0.0.1:1', promptTokens: 30_000, completionTokens: 25_000, durationMs: 1000, outcome: 'ok', at: new Date(stage.clock.now()).toISOString() });
    await budgetGuard(engine.ctx)({ agentId: 'growth', purpose: 'chat' }, { model: 'qwen3:1.7b', messages: [{ role: 'user', content: 'hello' }] }).catch(() => {});
    await expect.poll(async () => (await notified()).filter((n) => /budget is used up/.test(n.title)).length).toBe(1);
    // turned off in the settings: no more of that kind
    await page.evaluate(() => localStorage.setItem('emt.notifications', JSON.stringify({ approval: false })));
    await call(engine, 'proposals.create', { agentId: 'creator', title: 'Post to Bluesky: quietly', steps: [{ kind: 'post_bluesky', payload: { text: 'Quietly' } }] });
    await expect.poll(() => page.locator('[data-testid=feed-row]', { hasText: 'Awaiting approval: Post to Bluesky: quietly' }).count()).toBeGreaterThan(0);
    expect((await notified()).map((n) => n.title)).not.toContain('Awaiting approval: Post to Bluesky: quietly');
    expect(stage.problems).toEqual([]);
  });
});
