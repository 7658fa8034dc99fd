/**
 * The Autonomy view end to end: Chromium, the built renderer, a real engine on
 * in-memory PGlite (see stage-harness). Trigger rules, Run now, a refused rule
 * change, the reaction matrix rolling after a failed mission, and post metrics.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../core/engine.js';
import { dispatchCall } from '../../core/server/dispatch.js';
import { minutesLabel, untilLabel } from '../../renderer/views/autonomy/autonomy-format.js';
import { openStage, type StageHarness } from './stage-harness.js';

const SCREENSHOT = '/tmp/autonomy.png';

async function call<T>(engine: Engine, name: string, input: unknown): Promise<T> {
  const r = (await dispatchCall(engine.handlers, name as never, input)) as { ok: true; value: T } | { ok: false; error: { message: string } };
  if (!r.ok) throw new Error(`${name}: ${r.error.message}`);
  return r.value;
}

describe('autonomy formatting', () => {
  it('says when a rule may fire next', () => {
    const now = Date.parse('2025-03-04T10:00:00Z');
    expect(untilLabel('2025-03-04T12:13:00Z', now)).toBe('in 2h 13m');
    expect(untilLabel('2025-03-04T10:45:00Z', now)).toBe('in 45m');
    expect(untilLabel('2025-03-06T14:00:00Z', now)).toBe('in 2d 4h');
    expect(untilLabel('2025-03-04T09:00:00Z', now)).toBe('due');
    expect(untilLabel(null, now)).toBe('due');
    expect(minutesLabel(30)).toBe('30m');
    expect(minutesLabel(90)).toBe('1h 30m');
    expect(minutesLabel(720)).toBe('12h');
    expect(minutesLabel(24 * 60)).toBe('1d');
  });
});

describe('autonomy view in Chromium', () => {
  let stage: StageHarness;
  let page: Page;
  let engine: Engine;

  beforeAll(async () => {
    stage = await openStage();
    ({ page, engine } = stage);
    await page.goto(`${stage.url()}/#/autonomy`);
  });

  afterAll(async () => {
    await stage?.close();
  });

  const ruleRow = (name: string) => page.locator(`[data-testid=rule-row][data-rule="${name}"]`);

  it('lists the 11 trigger rules with their kind, cooldown and next eligible time', async () => {
    await expect.poll(() => page.locator('.tab.is-active').innerText()).toBe('Autonomy');
    await expect.poll(() => page.getByTestId('rule-row').count()).toBe(11);
    expect(await page.locator('[data-testid=rule-row][data-kind=reactive]').count()).toBe(4);
    expect(await page.locator('[data-testid=rule-row][data-kind=proactive]').count()).toBe(7);
    const scan = ruleRow('proactive_scan_signals');
    expect(await scan.innerText()).toContain('3h');
    // Proactive rules wait a staggered while after the first start.
    expect(await scan.getByTestId('rule-next').innerText()).toMatch(/^in \d+m$/);
    expect(await ruleRow('mission_failed').getByTestId('rule-next').innerText()).toBe('due');
    expect(await scan.getByTestId('rule-fires').innerText()).toMatch(/^0/);
  });

  it('runs a proactive rule now: it fires and a proposal appears', async () => {
    const before = await call<{ id: number; sourceRef: string | null }[]>(engine, 'proposals.list', {});
    const scan = ruleRow('proactive_scan_signals');
    await scan.getByRole('button', { name: 'Run now' }).click();
    const result = page.locator('.rule-run-row[data-rule=proactive_scan_signals]').getByTestId('run-result');
    await expect.poll(() => result.getAttribute('data-decision')).toBe('fired');
    expect(await result.innerText()).toMatch(/fired\s+proposal #\d+ (accepted|pending)/i);
    const proposalId = Number(await result.getByTestId('run-proposal').getAttribute('data-proposal'));
    expect(proposalId).toBeGreaterThan(0);

    const after = await call<{ id: number; sourceRef: string | null; agentId: string }[]>(engine, 'proposals.list', {});
    expect(after.length).toBe(before.length + 1);
    expect(after.find((p) => p.id === proposalId)).toMatchObject({ sourceRef: 'rule:proactive_scan_signals', agentId: 'growth' });

    await expect.poll(() => scan.getByTestId('rule-fires').innerText()).toMatch(/^1/);
    // The rule waits its cooldown again (3 h + jitter).
    expect(await scan.getByTestId('rule-next').innerText()).toMatch(/^in [34]h \d+m$/);
    const decision = page.locator('[data-testid=decision-row][data-rule=proactive_scan_signals]').first();
    await expect.poll(() => decision.getAttribute('data-decision')).toBe('fired');
    expect(await decision.innerText()).toContain(`proposal #${proposalId}`);
    expect(await decision.innerText()).toMatch(/run now/i);
  });

  it("shows the engine's refusal of a bad rule change inline, and saves a good one", async () => {
    await ruleRow('proactive_research').getByRole('button', { name: 'Edit proactive_research' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit rule proactive_research' });
    // what kind of rule it is, in words (not "a proactive rule on proactive")
    await expect.poll(() => dialog.getByTestId('rule-editor').innerText()).toContain('A proactive rule: it runs by itself once its cooldown has passed, not in answer to an event.');
    expect(await dialog.innerText()).not.toContain('rule on proactive');
    const conditions = dialog.getByLabel('Rule conditions');
    const text = await conditions.inputValue();
    await conditions.fill(text.replace(/"skip_probability": [\d.]+/, '"skip_probability": 5'));
    // (once in CI the button stayed disabled for 30 s: say what the dialog showed if that happens again)
    const save = dialog.getByRole('button', { name: 'Save rule' });
    await expect
      .poll(async () => ((await save.isEnabled()) ? 'enabled' : `disabled; the dialog says: ${await dialog.innerText()} | conditions: ${await conditions.inputValue()}`), { timeout: 15_000 })
      .toBe('enabled');
    await save.click();
    const error = dialog.getByTestId('rule-error');
    await expect.poll(() => error.count()).toBe(1);
    expect(await error.innerText()).toMatch(/The conditions of "proactive_research" are not valid: .*skip_probability/);
    expect(stage.refusedCalls).toContain('/api/triggers.update');

    // Fixed, it saves: the dialog closes and the table shows the new cooldown.
    await conditions.fill(text.replace(/"skip_probability": [\d.]+/, '"skip_probability": 0.5'));
    await dialog.getByLabel('Cooldown minutes').fill('90');
    await dialog.getByRole('button', { name: 'Save rule' }).click();
    await expect.poll(() => dialog.count()).toBe(0);
    await expect.poll(() => ruleRow('proactive_research').innerText()).toContain('1h 30m');
    const rules = await call<{ name: string; cooldownMinutes: number; conditions: Record<string, unknown> }[]>(engine, 'triggers.list', {});
    expect(rules.find((r) => r.name === 'proactive_research')).toMatchObject({ cooldownMinutes: 90, conditions: { skip_probability: 0.5 } });
  });

  it('keeps the focus where the reader types in a rule editor while the panel around it refreshes', async () => {
    await ruleRow('proactive_research').getByRole('button', { name: 'Edit proactive_research' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit rule proactive_research' });
    const conditions = dialog.getByLabel('Rule conditions');
    const before = await conditions.inputValue();
    await conditions.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type(' ');
    // the panel's clock ticks (every 5 s) and the rules are read again (every poll): each re-renders the panel
    await page.clock.runFor(12_000);
    await page.keyboard.type(' ');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Rule conditions');
    expect(await conditions.inputValue()).toBe(`${before}  `);
    expect(await dialog.getByLabel('Cooldown minutes').inputValue()).toMatch(/^\d+$/);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => dialog.count()).toBe(0);
  });

  it('turns a rule off and on', async () => {
    const row = ruleRow('content_published');
    await row.getByRole('switch', { name: 'Enable content_published' }).click({ force: true });
    await expect.poll(() => row.getAttribute('data-enabled')).toBe('false');
    await row.getByRole('switch', { name: 'Enable content_published' }).click({ force: true });
    await expect.poll(() => row.getAttribute('data-enabled')).toBe('true');
  });

  it('shows the reaction roll after a mission fails', async () => {
    const created = await call<{ proposal: { status: string }; mission?: { id: number } }>(engine, 'proposals.create', {
      agentId: 'growth',
      title: 'Read a page on this machine',
      steps: [{ kind: 'crawl', payload: { url: 'http://127.0.0.1/x' } }],
    });
    expect(created.proposal.status).toBe('accepted');
    const roll = page.locator('[data-testid=roll-row][data-target=brain]').first();
    await expect.poll(() => roll.count(), { timeout: 30_000 }).toBe(1);
    expect(await roll.getAttribute('data-outcome')).toBe('queued');
    expect(await roll.innerText()).toMatch(/Brain on diagnose after a “mission failed” event from anyone/);
    expect(await roll.getByTestId('roll-numbers').innerText()).toMatch(/^0\.\d\d vs 1\.00$/);
    const reaction = page.locator('[data-testid=reaction-row][data-target=brain]').first();
    await expect.poll(() => reaction.count()).toBe(1);
    expect(await reaction.innerText()).toMatch(/diagnose/);
  });

  it('records the engagement of a post', async () => {
    await engine.ctx.db.query(
      `INSERT INTO ops_posts (platform, agent_id, text, uri, remote_id, url, posted_at) VALUES ('bluesky', 'twitter-alt', 'Local-first agents are here.', 'at://did:plc:x/app.bsky.feed.post/1', '1', 'https://bsky.app/profile/x/post/1', now())`,
    );
    await page.reload();
    const post = page.getByTestId('post-row').first();
    await expect.poll(() => post.count()).toBe(1);
    expect(await post.getAttribute('data-measured')).toBe('false');
    const id = await post.getAttribute('data-post');
    await post.getByLabel(`likes of post #${id}`).fill('42');
    await post.getByLabel(`reposts of post #${id}`).fill('7');
    await post.getByLabel(`replies of post #${id}`).fill('3');
    await post.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => post.getAttribute('data-measured')).toBe('true');
    expect(await post.getByTestId('post-measured').innerText()).toMatch(/^measured/);
    const posts = await call<{ id: number; likes: number; reposts: number; replies: number; metricsAt: string | null }[]>(engine, 'posts.list', {});
    expect(posts.find((p) => p.id === Number(id))).toMatchObject({ likes: 42, reposts: 7, replies: 3 });
    expect(posts.find((p) => p.id === Number(id))?.metricsAt).not.toBeNull();
    // The page scrolls inside the app, not the window: a tall viewport shows it all.
    await page.setViewportSize({ width: 1440, height: 2200 });
    await page.locator('.toast-close').evaluateAll((els) => els.forEach((e) => (e as HTMLElement).click()));
    await page.screenshot({ path: SCREENSHOT });
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('logged no errors in the page', () => {
    const expected = /status of 4\d\d .*\/api\/triggers\.update\)$/;
    expect(stage.problems.filter((p) => !expected.test(p))).toEqual([]);
  });
});
