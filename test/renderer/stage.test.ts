/**
 * The renderer end to end, in Chromium against a real engine (see stage-harness).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../core/engine.js';
import { saveArtifact } from '../../core/executors/artifacts.js';
import { recordLlmCall } from '../../core/llm/accounting.js';
import { writeEvent } from '../../core/ops/events.js';
import { dispatchCall } from '../../core/server/dispatch.js';
import { openStage, type StageHarness } from './stage-harness.js';

const SCREENSHOT = '/tmp/stage.png';

describe('stage in Chromium', () => {
  let stage: StageHarness;
  let page: Page;
  let engine: Engine;

  beforeAll(async () => {
    stage = await openStage();
    ({ page, engine } = stage);
  });

  afterAll(async () => {
    await stage?.close();
  });

  async function giveTask(agent: string, title: string, kind: string, payload: unknown): Promise<void> {
    await page.getByRole('button', { name: 'Give task', exact: true }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Give task' });
    await dialog.locator('select[name=agent]').selectOption(agent);
    await dialog.locator('input[name=title]').fill(title);
    await dialog.getByLabel('Step 1 kind').selectOption(kind);
    // the payload is a form drawn from the kind's schema; its JSON view takes the whole payload at once
    const asJson = dialog.getByRole('button', { name: 'JSON', exact: true });
    if (await asJson.count()) await asJson.click();
    await dialog.getByLabel('Step 1 payload').fill(JSON.stringify(payload));
    await dialog.getByRole('button', { name: 'Propose task' }).click();
  }

  it('shows the six agents and a live stream', async () => {
    const cards = page.getByTestId('agent-card');
    await expect.poll(() => cards.count()).toBe(6);
    const names = await page.locator('.agent-name').allInnerTexts();
    expect(names).toEqual(['Opus', 'Brain', 'Growth', 'Creator', 'X-Alt', 'Observer']);
    await expect.poll(() => page.getByTestId('stream-status').innerText()).toBe('Live');
    await expect.poll(() => page.getByTestId('runtime-strip').innerText()).toMatch(/HEARTBEAT/i);
  });

  it('gives a task with a wait step and follows its mission live until it succeeds', async () => {
    await giveTask('growth', 'Wait two seconds', 'wait', { seconds: 2 });
    const result = page.getByTestId('task-result');
    await expect.poll(() => result.getAttribute('data-status')).toBe('accepted');
    const link = result.getByRole('link', { name: /Watch mission #\d+/ });
    const missionId = Number((await link.innerText()).match(/#(\d+)/)?.[1]);
    expect(missionId).toBeGreaterThan(0);

    // Back on the stage, Growth is at work on it.
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('[data-testid=agent-card][data-agent=growth]').getAttribute('data-state')).toBe('working');

    await page.goto(`${stage.url()}/#/missions/${missionId}`);
    const detail = page.getByTestId('mission-detail');
    await expect.poll(() => detail.getAttribute('data-mission')).toBe(String(missionId));
    // No reload from here: the stream brings the step and mission changes.
    await expect.poll(() => detail.getAttribute('data-status'), { timeout: 20_000 }).toBe('succeeded');
    await expect.poll(() => page.locator('[data-testid=mission-step]').first().getAttribute('data-status')).toBe('succeeded');
    await expect.poll(() => page.locator(`[data-testid=mission-row][data-mission="${missionId}"]`).getAttribute('data-status')).toBe('succeeded');

    // The playback steps through the mission's events.
    const playback = page.getByTestId('mission-playback');
    await expect.poll(() => playback.locator('.playback-pos').innerText()).toMatch(/^Event 1 of [3-9]/);
    await playback.getByRole('button', { name: 'Next event' }).click();
    await expect.poll(() => playback.locator('.playback-pos').innerText()).toMatch(/^Event 2 of/);

    // The signal feed shows its events, and filters them.
    await page.getByRole('link', { name: 'Stage' }).click();
    const rows = page.locator(`[data-testid=feed-row][data-mission="${missionId}"]`);
    await expect.poll(async () => (await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')))).sort()).toEqual(
      ['mission_created', 'mission_succeeded', 'step_succeeded'],
    );
    await page.getByLabel('Filter by kind').selectOption('mission_succeeded');
    await expect
      .poll(async () => [...new Set(await page.getByTestId('feed-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind'))))])
      .toEqual(['mission_succeeded']);
    await page.getByRole('button', { name: 'Clear' }).click();
    await expect.poll(() => rows.count()).toBe(3);
    await expect.poll(() => page.locator('[data-testid=agent-card][data-agent=growth]').getAttribute('data-state')).toBe('idle');
    // "Mission succeeded" on Growth's card opens that mission, not the agent.
    const last = page.locator('[data-testid=agent-card][data-agent=growth] a.agent-activity-text');
    await expect.poll(() => last.innerText()).toMatch(/^Mission succeeded/);
    await last.click();
    await expect.poll(() => page.evaluate(() => window.location.hash)).toBe(`#/missions/${missionId}`);
    await page.getByRole('link', { name: 'Stage' }).click();
  });

  it('links what a mission wrote from the mission and its playback; its status chips take arrow keys', async () => {
    const made = await engine.handlers['proposals.create']({ agentId: 'brain', title: 'Write up the numbers', steps: [{ kind: 'wait', payload: {} }] });
    const missionId = made.mission?.id as number;
    await expect.poll(async () => (await engine.handlers['missions.get']({ id: missionId })).mission.status, { timeout: 20_000 }).toBe('succeeded');
    const step = (await engine.handlers['missions.get']({ id: missionId })).steps[0];
    const art = await saveArtifact(engine.ctx, engine.ctx.db, { kind: 'analysis', title: 'The numbers, written up', content: '# Numbers\n\nUp.', agentId: 'brain', missionId, stepId: step?.id ?? null });
    await page.goto(`${stage.url()}/#/missions/${missionId}`);
    const list = page.getByTestId('mission-artifacts');
    await expect.poll(() => list.getByRole('link').innerText()).toBe('The numbers, written up');
    expect(await list.getByRole('link').getAttribute('href')).toBe(`#/artifacts/${art.id}`);
    const playback = page.getByTestId('mission-playback');
    const link = playback.getByTestId('playback-artifact');
    for (let i = 0; i < 8 && (await link.count()) === 0; i++) await playback.getByRole('button', { name: 'Next event' }).click();
    expect(await link.getAttribute('href')).toBe(`#/artifacts/${art.id}`);

    // Filter chips are tabs: arrow keys move the selection.
    const all = page.getByRole('tab', { name: 'all', exact: true });
    await all.click();
    await page.keyboard.press('ArrowRight');
    const next = page.getByRole('tab', { name: 'approved', exact: true });
    await expect.poll(() => next.getAttribute('aria-selected')).toBe('true');
    expect(await next.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.press('Home');
    await expect.poll(() => all.getAttribute('aria-selected')).toBe('true');
  });

  it('keeps the status strip on one row at 1024×700, with nothing cut', async () => {
    await page.setViewportSize({ width: 1024, height: 700 });
    try {
      await page.getByRole('link', { name: 'Stage' }).click();
      const strip = page.getByTestId('runtime-strip');
      await expect.poll(() => strip.locator('.stat').count()).toBeGreaterThan(5);
      const tops = await strip.locator('.stat').evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().top)));
      expect(new Set(tops).size).toBe(1);
      // no text is clipped: every line fits its box
      const cut = await strip.locator('.stat-value, .stat-sub, .stat-label').evaluateAll((els) => els.filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => e.textContent));
      expect(cut).toEqual([]);
      await page.screenshot({ path: '/tmp/stage-1024.png' });
    } finally {
      await page.setViewportSize({ width: 1440, height: 900 });
    }
  });

  it('refuses an x_daily_quota limit of -1 in the form, as the server would', async () => {
    const expected = await dispatchCall(engine.handlers, 'policy.set', { key: 'x_daily_quota', value: { limit: -1 } });
    expect(expected.ok).toBe(false);

    await page.getByRole('link', { name: 'Settings' }).click();
    const card = page.locator('[data-testid=policy-card][data-policy=x_daily_quota]');
    await card.getByLabel('Limit').fill('-1');
    await expect.poll(() => card.getByTestId('field-error').innerText()).toBe('Use a whole number from 0 to 100,000.');
    await card.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => card.getByTestId('policy-error').innerText()).toMatch(/nothing was saved/);

    // A valid value saves, and Reset to default brings back the default.
    await card.getByLabel('Limit').fill('3');
    await card.getByRole('button', { name: 'Save' }).click();
    const saved = page.locator('[data-testid=policy-card][data-policy=x_daily_quota]');
    await expect.poll(() => saved.locator('.policy-stamp').innerText()).toMatch(/changed/);
    await expect.poll(async () => (await dispatchCall(engine.handlers, 'policy.get', { key: 'x_daily_quota' }))).toEqual({ ok: true, value: { key: 'x_daily_quota', value: { limit: 3 } } });
    await saved.getByRole('button', { name: 'Reset to default' }).click();
    await expect.poll(() => saved.getByLabel('Limit').inputValue()).toBe('5');
  });

  it('accepts and rejects proposals that wait for approval', async () => {
    // keep the accepted post queued (its worker off), so a later test can cancel its mission
    const workers = (await engine.handlers['policy.get']({ key: 'workers' })).value as { kinds: Record<string, { enabled: boolean; concurrency: number }> };
    await engine.handlers['policy.set']({ key: 'workers', value: { kinds: { ...workers.kinds, post_bluesky: { enabled: false, concurrency: 1 } } } });
    await giveTask('twitter-alt', 'Post the launch note', 'post_bluesky', { text: 'We are live.' });
    await expect.poll(() => page.getByTestId('task-result').getAttribute('data-status')).toBe('pending');
    await page.getByRole('link', { name: 'Review proposal' }).click();

    // The link opens that proposal, on top of the list, not the whole list.
    await expect.poll(() => page.evaluate(() => window.location.hash)).toMatch(/^#\/proposals\/\d+$/);
    const focused = page.getByTestId('focused-proposal');
    const firstId = await focused.getAttribute('data-proposal');
    expect(page.url()).toContain(`#/proposals/${firstId}`);
    const pending = page.getByTestId('pending-proposal');
    await expect.poll(() => pending.count()).toBe(1);
    expect(await focused.getByTestId('pending-proposal').getAttribute('data-proposal')).toBe(firstId);
    await pending.first().getByRole('button', { name: 'Accept' }).click();
    await expect.poll(() => pending.count()).toBe(0);
    await expect.poll(() => page.locator(`[data-testid=recent-proposals] tr[data-proposal="${firstId}"]`).getAttribute('data-status')).toBe('accepted');
    // Accepting says which mission it became, and links to it (here, in its row and on the proposal).
    const notice = page.getByTestId('decision-notice');
    await expect.poll(() => notice.innerText()).toMatch(/^Accepted “Post the launch note”: it became mission #\d+\.$/);
    const became = (await notice.getByTestId('decision-mission').innerText()).replace('mission #', '');
    expect(await notice.getByTestId('decision-mission').getAttribute('href')).toBe(`#/missions/${became}`);
    await expect.poll(() => page.locator(`tr[data-proposal="${firstId}"] [data-testid=proposal-mission]`).innerText()).toBe(`mission #${became}`);
    await expect.poll(() => focused.getAttribute('data-status')).toBe('accepted');
    expect(await focused.getByTestId('proposal-mission').innerText()).toBe(`mission #${became}`);
    await page.screenshot({ path: '/tmp/proposals-focused.png' });

    await giveTask('twitter-alt', 'Post a hot take', 'post_bluesky', { text: 'Hot take.' });
    await expect.poll(() => page.getByTestId('task-result').getAttribute('data-status')).toBe('pending');
    await page.keyboard.press('Escape');
    await expect.poll(() => pending.count()).toBe(1);
    const secondId = await pending.first().getAttribute('data-proposal');
    await pending.first().getByRole('button', { name: 'Reject' }).click();
    await pending.first().getByLabel('Rejection reason').fill('Not on brand.');
    await pending.first().getByRole('button', { name: 'Confirm reject' }).click();
    const row = page.locator(`[data-testid=recent-proposals] tr[data-proposal="${secondId}"]`);
    await expect.poll(() => row.getAttribute('data-status')).toBe('rejected');
    await expect.poll(() => row.innerText()).toContain('Not on brand.');
  });

  it('reconnects when the server comes back, and catches up on what it missed', async () => {
    await page.getByRole('link', { name: 'Stage' }).click();
    await expect.poll(() => page.getByTestId('stream-status').innerText()).toBe('Live');
    const port = await stage.stopServer();
    await expect.poll(() => page.getByTestId('stream-status').innerText()).toMatch(/Reconnecting|Connecting/);
    // Work done while the stream is down is not pushed to anyone…
    const missed = await engine.handlers['proposals.create']({ agentId: 'observer', title: 'Audit while offline', steps: [{ kind: 'wait', payload: {} }] });
    await stage.restartServer(port);
    await expect.poll(() => page.getByTestId('stream-status').innerText(), { timeout: 20_000 }).toBe('Live');
    // …so the page fetches everything again once the stream is back.
    await expect.poll(() => page.locator(`[data-testid=feed-row][data-mission="${missed.mission?.id}"]`).count()).toBeGreaterThan(0);
  });

  it('shows the stage (screenshot)', async () => {
    await page.getByRole('link', { name: 'Stage' }).click();
    await expect.poll(() => page.getByTestId('feed-row').count()).toBeGreaterThan(3);
    // rows that just arrived fade in: shoot once nothing is still animating (the office's loops run forever)
    await expect
      .poll(() => page.evaluate(() => document.getAnimations().filter((a) => a.playState === 'running' && a.effect?.getComputedTiming().iterations !== Infinity).length))
      .toBe(0);
    await page.screenshot({ path: SCREENSHOT });
  });

  it('cancels an open mission from its page', async () => {
    const open = await engine.handlers['missions.list']({ status: 'approved' });
    const target = open.find((m) => m.title === 'Post the launch note');
    expect(target).toBeDefined();
    await page.goto(`${stage.url()}/#/missions/${target?.id}`);
    const detail = page.getByTestId('mission-detail');
    await expect.poll(() => detail.getAttribute('data-status')).toBe('approved');
    let nativeDialogs = 0;
    const onDialog = (d: { dismiss(): Promise<void> }): void => {
      nativeDialogs++;
      void d.dismiss();
    };
    page.on('dialog', onDialog);
    await detail.getByRole('button', { name: 'Cancel mission' }).click();
    // asked in the app, saying what happens; "Keep it running" would leave it
    const ask = page.getByRole('dialog', { name: 'Cancel mission' });
    await ask.waitFor();
    expect(await ask.innerText()).toContain('steps not yet run are dropped');
    await ask.getByRole('button', { name: 'Cancel mission' }).click();
    page.off('dialog', onDialog);
    expect(nativeDialogs).toBe(0);
    await expect.poll(() => detail.getAttribute('data-status')).toBe('cancelled');
    await expect.poll(() => detail.locator('.detail-reason').innerText()).toBe('Cancelled by you.');
    await page.getByRole('link', { name: 'Stage' }).click();
    await expect.poll(() => page.locator('[data-testid=agent-card][data-agent=twitter-alt]').getAttribute('data-state')).toBe('idle');
  });

  it('searches the feed, and pages older signals in as you scroll', async () => {
    await page.getByLabel('Search signals').fill('offline');
    await expect
      .poll(async () => (await page.locator('[data-testid=feed-row] .feed-title').allInnerTexts()).sort())
      .toEqual(['Mission succeeded: Audit while offline', 'Mission: Audit while offline']);
    await page.getByRole('button', { name: 'Clear' }).click();

    for (let i = 0; i < 70; i++) await engine.handlers['policy.set']({ key: 'x_daily_quota', value: { limit: 5 + (i % 3) } });
    await engine.handlers['policy.set']({ key: 'x_daily_quota', value: { limit: 5 } });
    const total = (await engine.handlers['events.page']({ limit: 500 })).items.length;
    expect(total).toBeGreaterThan(80);

    await page.reload();
    // The true total at once, before anything older is paged in.
    const position = page.getByTestId('feed-position');
    await expect.poll(() => position.innerText()).toBe(`1 of ${total}`);
    const feed = page.getByTestId('signal-feed');
    const end = page.getByTestId('feed-end');
    // Scrolling to the bottom again and again pages older signals in, until the first one.
    await expect
      .poll(
        async () => {
          await feed.evaluate((el) => el.scrollTo(0, el.scrollHeight));
          return end.innerText();
        },
        { timeout: 20_000 },
      )
      .toBe('That is the first signal.');
    expect(await position.innerText()).toMatch(new RegExp(`^\\d+ of ${total}$`));
    // Virtualized: only a window of rows is in the page, however many were loaded.
    expect(await page.getByTestId('feed-row').count()).toBeLessThan(40);
    await feed.evaluate((el) => el.scrollTo(0, 0));
  });

  it('asks for a token when the server wants one, and connects with it', async () => {
    const { url, newPage } = await stage.openTokenServer('s3cret-token');
    const other = await newPage();
    await other.goto(url);
    await expect.poll(() => other.getByTestId('token-gate').count()).toBe(1);
    await other.getByLabel('Token').fill('s3cret-token');
    await other.getByRole('button', { name: 'Connect' }).click();
    await expect.poll(() => other.getByTestId('agent-card').count()).toBe(6);
    await expect.poll(() => other.getByTestId('stream-status').innerText()).toBe('Live');

    // A link with ?token= works too, and the token leaves the address bar.
    const fresh = await newPage();
    await fresh.goto(`${url}/?token=s3cret-token#/proposals`);
    await expect.poll(() => fresh.getByTestId('stream-status').innerText()).toBe('Live');
    expect(fresh.url()).toBe(`${url}/#/proposals`);
    await fresh.close();
    await other.close();
  });

  it('shows whole tags and "+N" for the rest, never a tag cut mid-word; the token chart names agents', async () => {
    const tags = ['deploy', 'release-candidate', 'customer-feedback', 'infrastructure', 'observability', 'quarterly-planning', 'onboarding-emails', 'pricing-experiment', 'mobile-signups', 'support-backlog', 'x'];
    await writeEvent(engine.ctx, engine.ctx.db, { agentId: 'twitter-alt', kind: 'note', title: 'Many tags on one signal', summary: 'Tagged to the hilt.', tags });
    await recordLlmCall(engine.ctx.db, { agentId: 'twitter-alt', purpose: 'step', model: 'qwen3:1.7b', host: 'http://127.0.0.1:1', promptTokens: 900, completionTokens: 300, durationMs: 800, outcome: 'ok', at: new Date(stage.clock.now()).toISOString() });
    const row = page.locator('[data-testid=feed-row]', { hasText: 'Many tags on one signal' });
    for (const width of [1440, 1024]) {
      await page.setViewportSize({ width, height: width === 1440 ? 900 : 700 });
      await page.goto(`${stage.url()}/#/stage`);
      await expect.poll(() => row.count(), { timeout: 20_000 }).toBe(1);
      // every chip in the tag line is inside it, whole; the chips left out are counted in "+N"
      await expect.poll(() => row.getByTestId('feed-tags-more').count()).toBe(1);
      const fit = await row.locator('.feed-tags').evaluate((line) => {
        const box = line.getBoundingClientRect();
        const chips = [...line.querySelectorAll<HTMLElement>('.tag')];
        return {
          outside: chips.filter((c) => { const r = c.getBoundingClientRect(); return r.right > box.right + 0.5 || r.bottom > box.bottom + 0.5 || c.scrollWidth > c.clientWidth + 1; }).map((c) => c.textContent),
          shown: chips.filter((c) => !c.classList.contains('tag-more')).map((c) => c.textContent),
          more: line.querySelector('.tag-more')?.textContent ?? '',
          room: box.width,
          used: chips.length ? chips[chips.length - 1]!.getBoundingClientRect().right - box.left : 0,
        };
      });
      await row.screenshot({ path: `/tmp/feed-tags-${width}.png` });
      expect(fit.outside, `width ${width}`).toEqual([]);
      expect(fit.shown.length).toBeGreaterThan(0);
      expect(fit.shown).toEqual(tags.slice(0, fit.shown.length).map((t) => `#${t}`));
      expect(fit.more).toBe(`+${tags.length - fit.shown.length}`);
      // not more left out than need be: the next tag would not have fitted
      expect(fit.room - fit.used).toBeLessThan(tags[fit.shown.length]!.length * 8 + 30);
      expect(await row.getByTestId('feed-tags-more').getAttribute('title')).toBe(tags.slice(fit.shown.length).map((t) => `#${t}`).join(' '));
    }
    await page.setViewportSize({ width: 1440, height: 900 });
    // a fresh load: the trends read the numbers when they open (then once a minute)
    await page.goto(`${stage.url()}/#/stage`);
    await page.reload();
    const legend = page.getByTestId('tokens-chart').locator('.u-legend .u-label');
    await expect.poll(() => legend.allInnerTexts(), { timeout: 20_000 }).toContain('X-Alt');
    expect(await legend.allInnerTexts()).not.toContain('twitter-alt');
  });

  it('logged no errors in the page', () => {
    expect(stage.problems).toEqual([]);
    // the form refuses the -1 limit itself, so the server is never asked to
    expect(stage.refusedCalls).toEqual([]);
  });
});
