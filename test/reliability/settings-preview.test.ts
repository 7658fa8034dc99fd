/**
 * Preview a policy change from the settings editor, in Chromium, against a real
 * engine: the simulator runs the company twice (as it is, and with the change),
 * which takes minutes on a loaded two-core machine, hence here and not in `npm test`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPolicy } from '../../core/ops/policy.js';
import { openStage, type StageHarness } from '../renderer/stage-harness.js';

describe('policy preview in Chromium', () => {
  let stage: StageHarness;
  beforeAll(async () => {
    stage = await openStage({ initialPolicy: { roundtable_policy: { enabled: false, max_daily_conversations: 0, max_action_items_per_day: 0, stale_minutes: 10 } } });
  });
  afterAll(() => stage?.close());

  it('shows what a change would do over a simulated day, and saves nothing', async () => {
    const { page } = stage;
    await page.goto(`${stage.url()}/#/settings/policies/auto_approve`);
    const card = page.locator('[data-testid=policy-card][data-policy=auto_approve]');
    await card.locator('.toggle').first().click();
    await expect.poll(() => card.getByRole('switch').isChecked()).toBe(false);
    await card.getByRole('button', { name: 'Preview' }).click();
    await expect.poll(() => card.getByRole('button', { name: /Simulating 1 day/ }).count()).toBe(1);
    const result = card.getByTestId('policy-preview').locator('[role=status]');
    await expect.poll(() => result.count(), { timeout: 20 * 60_000, interval: 1000 }).toBe(1);
    expect(await result.innerText()).toMatch(/simulated day/);
    expect((await getPolicy(stage.engine.ctx.db, 'auto_approve')).enabled).toBe(true);
    expect(stage.problems).toEqual([]);
  });
});
