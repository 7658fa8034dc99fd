/**
 * OS notifications for alerts in a browser, through the Notification API
 * (permission granted to the page; each notification the page makes is
 * recorded, and still made by the real constructor): a worker turned off by
 * its circuit breaker and no Ollama host answering each notify while their
 * setting is on, and not once it is turned off in Settings → Appearance.
 * (The desktop app's hook is in autonomy-budget.test.ts; an import that
 * finished is in restore.test.ts, which runs a real data folder.)
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../core/engine.js';
import { ollamaWiring } from '../../core/llm/ollama-wiring.js';
import { createProposalAndMaybeAutoApprove } from '../../core/ops/proposal-service.js';
import { silentLog } from '../../core/ports/log.js';
import { startOllamaServer, type FakeOllama } from '../support/ollama-server.js';
import { ShiftedClock } from '../support/shifted-clock.js';
import { openStage, STAGE_START, type StageHarness } from './stage-harness.js';

interface Shown {
  title: string;
  body: string;
}

describe('alerts as browser notifications', () => {
  let srv: FakeOllama;
  let stage: StageHarness;
  let page: Page;
  let engine: Engine;

  const shown = (): Promise<Shown[]> => page.evaluate(() => (window as unknown as { __shown: Shown[] }).__shown);
  const titles = async (re: RegExp): Promise<string[]> => (await shown()).map((n) => n.title).filter((t) => re.test(t));

  /** Turns one kind of alert off (or on) where a person does: Settings → Appearance. */
  async function setAlert(label: string, on: boolean): Promise<void> {
    await page.evaluate(() => (window.location.hash = '#/settings/appearance'));
    const box = page.getByTestId('notification-settings').getByRole('checkbox', { name: label });
    await box.setChecked(on);
    expect(await box.isChecked()).toBe(on);
    await page.evaluate(() => (window.location.hash = '#/stage'));
  }

  /** Three wait steps whose payload no executor accepts: three failures in a row trip the wait worker's breaker. */
  async function failThreeWaits(round: number): Promise<void> {
    for (let i = 0; i < 3; i++) {
      await createProposalAndMaybeAutoApprove(engine.ctx, { agentId: 'growth', title: `Broken wait ${round}.${i}`, steps: [{ kind: 'wait', payload: { seconds: 'soon' } }] });
    }
  }

  beforeAll(async () => {
    const clock = new ShiftedClock(STAGE_START);
    srv = await startOllamaServer({ now: () => clock.now() });
    stage = await openStage({
      clock,
      llm: (c) => ollamaWiring({ clock: c, log: silentLog, env: { PATH: '' } }),
      initialPolicy: {
        llm_policy: { hosts: [srv.url], default_model: 'llama3.2:3b', fallback_model: null, per_agent: {}, per_step_kind: {}, keep_alive: '5m', num_ctx: null, health_check_seconds: 1 },
        roundtable_policy: { enabled: false, max_daily_conversations: 0, max_action_items_per_day: 0, stale_minutes: 10 },
        step_retry_policy: { max_attempts: 1, backoff_base_seconds: 0, backoff_max_seconds: 0 },
      },
    });
    ({ page, engine } = stage);
    // The real Notification, recorded: what the page shows goes through the constructor as ever.
    await page.addInitScript(() => {
      const Real = window.Notification;
      const list: { title: string; body: string }[] = [];
      (window as unknown as { __shown: typeof list }).__shown = list;
      window.Notification = class extends Real {
        constructor(title: string, options?: NotificationOptions) {
          super(title, options);
          list.push({ title, body: options?.body ?? '' });
        }
      };
    });
    await page.reload();
    await page.getByTestId('agent-card').first().waitFor();
  });

  afterAll(async () => {
    await stage?.close();
    await srv?.close();
  });

  it('asks the browser for permission from a button (a click is what browsers want), then may notify', async () => {
    expect(await page.evaluate(() => [typeof window.emtDesktop, Notification.permission])).toEqual(['undefined', 'default']);
    await page.evaluate(() => (window.location.hash = '#/settings/appearance'));
    const settings = page.getByTestId('notification-settings');
    await expect.poll(() => settings.innerText()).toContain('This browser shows none until you allow them.');
    // the person says yes in the browser's prompt (here: the permission granted to the page), after the click
    await page.context().grantPermissions(['notifications'], { origin: new URL(stage.url()).origin });
    await settings.getByRole('button', { name: 'Allow notifications' }).click();
    await expect.poll(() => settings.innerText()).toContain('This browser may show them.');
    expect(await settings.getByRole('button', { name: 'Allow notifications' }).count()).toBe(0);
    expect(await page.evaluate(() => Notification.permission)).toBe('granted');
    await page.evaluate(() => (window.location.hash = '#/stage'));
  });

  it('notifies when the circuit breaker turns a worker off, and not once that alert is off', async () => {
    await failThreeWaits(1);
    await expect.poll(() => titles(/^Worker wait turned off/), { timeout: 30_000 }).toEqual(['Worker wait turned off after 3 failures in a row']);
    const [first] = (await shown()).filter((n) => n.title.startsWith('Worker wait'));
    expect(first?.body).toMatch(/^Last error: The wait step's payload is not valid/);

    await setAlert('A worker is turned off by its circuit breaker', false);
    const workers = (await engine.handlers['policy.get']({ key: 'workers' })).value as { kinds: Record<string, { enabled: boolean; concurrency: number }> };
    await engine.handlers['policy.set']({ key: 'workers', value: { kinds: { ...workers.kinds, wait: { enabled: true, concurrency: workers.kinds.wait?.concurrency ?? 1 } } } });
    await failThreeWaits(2);
    // The page has the second alert in its feed, and made no notification of it.
    const alerts = page.locator('[data-testid=feed-row][data-kind=worker_disabled]');
    await expect.poll(() => alerts.count(), { timeout: 30_000 }).toBe(2);
    expect(await titles(/^Worker wait turned off/)).toHaveLength(1);
  });

  it('notifies when no Ollama host answers, and not once that alert is off', async () => {
    const llm = page.getByTestId('runtime-strip').locator('.stat', { hasText: /^LLM/i });
    await expect.poll(() => llm.innerText(), { timeout: 15_000 }).toMatch(/Connected/);
    await srv.refuse();
    await expect.poll(() => titles(/^No Ollama host answers$/), { timeout: 30_000 }).toEqual(['No Ollama host answers']);
    expect((await shown()).find((n) => n.title === 'No Ollama host answers')?.body).toContain(srv.url);
    await srv.accept();
    await expect.poll(() => llm.innerText(), { timeout: 30_000 }).toMatch(/Connected/);

    await setAlert('No Ollama host answers', false);
    await srv.refuse();
    // The page has seen the host go away again, and made no second notification.
    await expect.poll(() => llm.innerText(), { timeout: 30_000 }).toMatch(/Unreachable/);
    expect(await titles(/^No Ollama host answers$/)).toHaveLength(1);
    // the card says it short and links to where hosts are set; the whole reason is on hover
    expect(await llm.innerText()).toContain(`No answer from ${srv.url.replace(/^http:\/\//, '').replace(/\/$/, '')} · set up hosts`);
    expect(await llm.getAttribute('href')).toBe('#/settings/hosts');
    expect(await llm.getAttribute('title')).toMatch(/No Ollama host answers/);
    await srv.accept();
    expect(stage.problems.filter((p) => !/status of 503 .*\/api\/ollama\./.test(p))).toEqual([]);
  });
});
