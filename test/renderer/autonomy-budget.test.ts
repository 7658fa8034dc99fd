/**
 * Issue 10 in Chromium: the budget meter on the stage and in Models, the post
 * text edited in the approval inbox, the Why? panel, and routines in the
 * scheduler inspector (the built renderer against a real engine, see stage-harness).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../core/engine.js';
import { dispatchCall } from '../../core/server/dispatch.js';
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
    expect(await briefing.innerText()).toContain('opus');
    await briefing.getByRole('button', { name: 'Run now' }).click();
    await expect.poll(() => page.getByTestId('routine-history').innerText()).toContain('Run now by you.');
    expect(stage.problems).toEqual([]);
  });
});
