/**
 * Settings end to end: Chromium, the built renderer, a real engine on
 * in-memory PGlite, and the engine's Ollama client talking to two
 * Ollama-compatible test servers (one configured, one added from the UI).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../core/engine.js';
import { saveArtifact } from '../../core/executors/artifacts.js';
import { ollamaWiring } from '../../core/llm/ollama-wiring.js';
import { getPolicy } from '../../core/ops/policy.js';
import { knownStepKinds, policyKeys, policySchemas } from '../../core/ops/policy-schemas.js';
import { SystemClock } from '../../core/ports/clock.js';
import { silentLog } from '../../core/ports/log.js';
import { startOllamaServer, type FakeOllama } from '../support/ollama-server.js';
import { openStage, type StageHarness } from './stage-harness.js';

describe('settings in Chromium', () => {
  let first: FakeOllama;
  let second: FakeOllama;
  let stage: StageHarness;
  let page: Page;
  let engine: Engine;

  beforeAll(async () => {
    first = await startOllamaServer({ models: [{ name: 'llama3.2:3b' }] });
    second = await startOllamaServer({ models: [{ name: 'qwen2.5:0.5b' }, { name: 'phi3:mini' }] });
    stage = await openStage({
      llm: ollamaWiring({ clock: new SystemClock(), log: silentLog, env: { PATH: '' } }),
      initialPolicy: {
        llm_policy: { hosts: [first.url], default_model: 'llama3.2:3b', fallback_model: null, per_agent: {}, per_step_kind: {}, keep_alive: '5m', num_ctx: null, health_check_seconds: 1 },
        // no scheduled conversations or LLM work competing with the test
        roundtable_policy: { enabled: false, max_daily_conversations: 0, max_action_items_per_day: 0, stale_minutes: 10 },
      },
    });
    ({ page, engine } = stage);
    // a Vite build and an engine: minutes when the machine is busy
  }, 240_000);

  afterAll(async () => {
    await stage?.close();
    await first?.close();
    await second?.close();
  });

  const card = (key: string) => page.locator(`[data-testid=policy-card][data-policy="${key}"]`);
  const stored = <K extends (typeof policyKeys)[number]>(key: K) => getPolicy(engine.ctx.db, key);

  it('draws every policy as a form from its schema, one field per property', async () => {
    await page.goto(`${stage.url()}/#/settings/policies`);
    await expect.poll(() => page.getByTestId('policy-card').count()).toBe(policyKeys.length);
    for (const key of policyKeys) {
      const props = Object.keys(policySchemas[key].shape);
      const paths = await card(key).locator('.policy-fields > [data-path]').evaluateAll((els) => els.map((e) => e.getAttribute('data-path')));
      expect(paths, key).toEqual(props);
    }
    // step kinds are checkboxes, numbers are bounded inputs, titles are words
    expect(await card('auto_approve').getByRole('checkbox').count()).toBe(knownStepKinds.length);
    expect(await card('x_daily_quota').getByRole('spinbutton').getAttribute('max')).toBe('100000');
    expect(await card('llm_policy').locator('.policy-title').innerText()).toBe('LLM (Ollama)');
    expect(stage.problems).toEqual([]);
  });

  it('says inline, in words, what is wrong with a number out of range, and saves nothing', async () => {
    const input = card('x_daily_quota').getByRole('spinbutton');
    await input.fill('200000');
    const err = card('x_daily_quota').getByTestId('field-error');
    await expect.poll(() => err.innerText()).toBe('Use a whole number from 0 to 100,000.');
    expect(await input.getAttribute('aria-invalid')).toBe('true');
    await card('x_daily_quota').getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => card('x_daily_quota').getByTestId('policy-error').innerText()).toMatch(/Fix the marked field first; nothing was saved/);
    expect((await stored('x_daily_quota')).limit).toBe(5);
    expect(stage.refusedCalls).toEqual([]);
    await input.fill('7');
    await card('x_daily_quota').getByRole('button', { name: 'Save' }).click();
    await expect.poll(async () => (await stored('x_daily_quota')).limit).toBe(7);
  });

  it('adds a step kind with a checkbox, and a JSON edit saves on the first click', async () => {
    await card('auto_approve').getByRole('checkbox', { name: 'post_tweet' }).check();
    await card('auto_approve').getByRole('button', { name: 'Save' }).click();
    await expect.poll(async () => (await stored('auto_approve')).allowed_step_kinds).toContain('post_tweet');

    const c = card('crawl_policy');
    await c.getByRole('button', { name: 'JSON' }).click();
    const text = c.getByRole('textbox', { name: 'crawl_policy as JSON' });
    const value = JSON.parse(await text.inputValue()) as Record<string, unknown>;
    await text.fill(JSON.stringify({ ...value, allowed_hosts: ['intranet.local'] }));
    const save = c.getByRole('button', { name: 'Save' });
    // the field does not reformat itself on blur, so nothing moves under the click
    const before = await save.boundingBox();
    await text.evaluate((el) => el.blur());
    expect((await save.boundingBox())?.y).toBe(before?.y);
    await save.click();
    await expect.poll(async () => (await stored('crawl_policy')).allowed_hosts).toEqual(['intranet.local']);
  });

  it('finds policies by their titles, and says so when nothing matches', async () => {
    await page.goto(`${stage.url()}/#/settings/policies`);
    const search = page.getByLabel('Find a policy');
    await search.fill('web crawling');
    await expect.poll(() => page.getByTestId('policy-card').count()).toBe(1);
    expect(await page.getByTestId('policy-card').getAttribute('data-policy')).toBe('crawl_policy');
    await search.fill('zzzz');
    await expect.poll(() => page.locator('.empty-title').innerText()).toBe('No policy matches “zzzz”');
    await page.getByRole('button', { name: /show all/ }).click();
    await expect.poll(() => page.getByTestId('policy-card').count()).toBe(policyKeys.length);
  });

  it('adds an Ollama host after testing it, orders and removes hosts', async () => {
    await page.goto(`${stage.url()}/#/settings/hosts`);
    await page.getByLabel('Add a host').fill(second.url.replace(/^http:\/\//, ''));
    await page.getByTestId('hosts-panel').getByRole('button', { name: 'Test', exact: true }).last().click();
    await expect.poll(() => page.getByTestId('probe-result').last().innerText()).toMatch(/Answers · Ollama \d[\s\S]*2 models: (qwen2\.5:0\.5b|phi3:mini), /);
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await expect.poll(async () => (await stored('llm_policy')).hosts).toEqual([first.url, second.url]);
    await page.getByRole('button', { name: `Move ${second.url} up` }).click();
    await expect.poll(async () => (await stored('llm_policy')).hosts).toEqual([second.url, first.url]);
    await page.getByRole('button', { name: `Remove ${first.url}` }).click();
    await expect.poll(async () => (await stored('llm_policy')).hosts).toEqual([second.url]);
    await expect.poll(() => page.getByTestId('host-row').count()).toBe(1);
    // a typo is caught before anything is tried
    await page.getByLabel('Add a host').fill('ftp://x');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await expect.poll(() => page.locator('#host-add-error').innerText()).toBe('Ollama hosts are reached over http:// or https://.');
  });

  it('keeps a Bluesky account, never shows its secret again, and removes it', async () => {
    await page.goto(`${stage.url()}/#/settings/publishing`);
    const bsky = page.locator('[data-testid=publishing-card][data-platform=bluesky]');
    await expect.poll(() => bsky.getByTestId('publishing-status').textContent()).toBe('not set up');
    await bsky.getByRole('button', { name: 'Save account' }).click();
    await expect.poll(() => bsky.getByTestId('publishing-error').innerText()).toBe('Fill in Handle, App password.');
    await bsky.getByLabel('Handle').fill('@emt.bsky.social');
    await bsky.getByLabel('App password').fill('abcd-efgh-ijkl-mnop');
    await bsky.getByRole('button', { name: 'Save account' }).click();
    await expect.poll(() => bsky.getByTestId('publishing-status').textContent()).toBe('connected');
    expect(await bsky.innerText()).toContain('Posting as emt.bsky.social');
    expect(await page.content()).not.toContain('abcd-efgh-ijkl-mnop');
    await bsky.getByRole('button', { name: 'Remove account' }).click();
    await expect.poll(() => bsky.getByTestId('publishing-status').textContent()).toBe('not set up');
  });

  it('lists heartbeat runs with each job and runs one now', async () => {
    await page.goto(`${stage.url()}/#/settings/heartbeat`);
    const before = await engine.handlers['heartbeat.runs']({});
    await page.getByRole('button', { name: 'Run now' }).click();
    await expect.poll(() => page.getByTestId('heartbeat-run').count()).toBeGreaterThan(before.length);
    await page.getByTestId('heartbeat-run').first().getByRole('button').click();
    const jobs = await page.getByTestId('heartbeat-job').allInnerTexts();
    expect(jobs.join('\n')).toMatch(/recover stale steps/);
  });

  it('moves between sections with the arrow keys, one tab stop for all', async () => {
    await page.goto(`${stage.url()}/#/settings/policies`);
    const tab = (name: string) => page.getByRole('tab', { name });
    await tab('Policies').focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Ollama hosts');
    // focus moves at once; the section follows through the address (a hashchange, a render later)
    await expect.poll(() => tab('Ollama hosts').getAttribute('aria-selected')).toBe('true');
    expect(page.url()).toMatch(/#\/settings\/hosts$/);
    await page.keyboard.press('End');
    await expect.poll(() => tab('Appearance').getAttribute('aria-selected')).toBe('true');
    // one tab stop for all: only the selected (last) section is in the tab order
    const stops = await page.getByRole('tab').evaluateAll((ts) => ts.map((t) => t.getAttribute('tabindex')));
    expect(stops.length).toBeGreaterThan(5);
    expect(stops).toEqual(stops.map((_, i) => (i === stops.length - 1 ? '0' : '-1')));
  });

  it('switches to the light theme, and keeps the choice after a reload', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto(`${stage.url()}/#/settings/appearance`);
    await page.getByRole('radio', { name: /Follow the system/ }).check();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.getByTestId('theme-toggle').click();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    await page.reload();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    expect(await page.getByRole('radio', { name: /^Light/ }).isChecked()).toBe(true);
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(bg).toBe('rgb(246, 247, 251)');
    await page.getByRole('radio', { name: /Follow the system/ }).check();
    // Which alerts notify is set here too, not only in the shortcuts sheet.
    const notify = page.locator('.settings-view [data-testid=notification-settings], main [data-testid=notification-settings]').first();
    await expect.poll(() => notify.count()).toBe(1);
    expect(await notify.getByRole('checkbox').count()).toBeGreaterThan(1);
  });

  it('reads an artifact whole as markdown and edits it as a new version', async () => {
    const a = await saveArtifact(engine.ctx, engine.ctx.db, {
      kind: 'analysis',
      title: 'Why churn rose',
      content: `# Churn\n\nIt **rose** 4% <script>alert(1)</script>.\n\n- cause one\n- cause two\n\n${'A long analysis. '.repeat(40)}THE END`,
      agentId: 'brain',
      missionId: null,
      stepId: null,
    });
    await page.goto(`${stage.url()}/#/artifacts`);
    await page.locator('[data-testid=artifact-row]', { hasText: 'Why churn rose' }).click();
    const detail = page.getByTestId('artifact-detail');
    await expect.poll(() => detail.locator('.markdown h2').innerText()).toBe('Churn');
    expect(await detail.locator('.markdown li').count()).toBe(2);
    expect(await detail.locator('.markdown').innerText()).toContain('THE END');
    expect(await detail.locator('script').count()).toBe(0);
    await page.getByLabel('Kind').selectOption('crawl');
    await expect.poll(() => page.getByTestId('artifact-row').count()).toBe(0);
    await page.getByLabel('Kind').selectOption('');
    await detail.getByRole('button', { name: 'Edit as new version' }).click();
    await detail.getByLabel('Text (markdown)').fill('# Churn\n\nIt rose 5%.');
    await detail.getByRole('button', { name: 'Save as version 2' }).click();
    await expect.poll(() => page.url()).not.toMatch(new RegExp(`#/artifacts/${a.id}$`));
    await expect.poll(() => detail.locator('.markdown p').innerText()).toBe('It rose 5%.');
    expect(await detail.getByRole('navigation', { name: 'Versions' }).innerText()).toMatch(/v1[\s\S]*v2/);
    expect((await engine.handlers['artifacts.get']({ id: a.id })).artifact.content).toContain('It **rose** 4%');
  });

  it('lists the team, each agent a way in', async () => {
    await page.goto(`${stage.url()}/#/agents`);
    const agents = await engine.handlers['agents.list']({});
    await expect.poll(() => page.getByTestId('agent-tile').count()).toBe(agents.length);
    await page.getByTestId('agent-tile').first().getByRole('link').click();
    await expect.poll(() => page.url()).toMatch(new RegExp(`#/agents/${agents[0]?.id}$`));
    expect(stage.problems).toEqual([]);
  });

  it('offers every step kind the engine runs in Give task, each with a form for its payload', async () => {
    await page.goto(`${stage.url()}/#/stage`);
    await page.locator('.app-header').getByRole('button', { name: 'Give task', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Give task' });
    const offered = await dialog.getByLabel('Step 1 kind').locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect([...offered].sort()).toEqual(engine.registry.kinds());
    expect(offered).toContain('post_tweet');
    // post_tweet was added to auto_approve above; post_bluesky still waits for a person
    await dialog.getByLabel('Step 1 kind').selectOption('post_tweet');
    expect(await dialog.getByTestId('step-editor').innerText()).not.toMatch(/Waits for your approval/);
    await dialog.getByLabel('Step 1 kind').selectOption('post_bluesky');
    await expect.poll(() => dialog.getByTestId('step-editor').innerText()).toMatch(/Waits for your approval/);
    await dialog.getByLabel('Step 1 kind').selectOption('crawl');
    await dialog.locator('input[name=title]').fill('Read a page');
    const url = dialog.getByLabel('Url');
    await url.fill('');
    await expect.poll(() => dialog.getByTestId('field-error').innerText()).toBe('This cannot be empty.');
    expect(await dialog.getByRole('button', { name: 'Propose task' }).isDisabled()).toBe(true);
    await url.fill('https://example.com/');
    expect(await dialog.getByRole('button', { name: 'Propose task' }).isDisabled()).toBe(false);
  });

  it('keeps focus inside the dialog while it is open', async () => {
    const dialog = page.getByRole('dialog', { name: 'Give task' });
    for (let i = 0; i < 25; i++) {
      await page.keyboard.press(i % 3 === 0 ? 'Shift+Tab' : 'Tab');
      expect(await dialog.evaluate((d) => d.contains(document.activeElement)), `after ${i + 1} presses`).toBe(true);
    }
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
  });

  it('says a task waits for the LLM, and why, when no host answers', async () => {
    await engine.handlers['policy.set']({ key: 'llm_policy', value: { ...(await stored('llm_policy')), hosts: ['http://127.0.0.1:9'] } });
    await expect.poll(async () => (await engine.handlers['llm.status']({})).status, { timeout: 20_000 }).toBe('unreachable');
    await page.locator('.app-header').getByRole('button', { name: 'Give task', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Give task' });
    await dialog.getByLabel('Step 1 kind').selectOption('analyze');
    await dialog.locator('input[name=title]').fill('Think about churn');
    await dialog.getByRole('button', { name: 'Propose task' }).click();
    const result = dialog.getByTestId('task-result');
    await expect.poll(() => result.innerText()).toMatch(/mission #\d+ waits for the LLM/);
    expect(await result.getByTestId('task-waits-why').innerText()).toMatch(/No Ollama host answers[\s\S]*stay queued — nothing fails/);
    await page.keyboard.press('Escape');
    await engine.handlers['policy.set']({ key: 'llm_policy', value: { ...(await stored('llm_policy')), hosts: [second.url] } });
  });
});
