/**
 * Roundtables and agent detail end to end: Chromium, the built renderer, a
 * real engine on in-memory PGlite wired to the scripted Ollama-compatible
 * server. A conversation started from the page is spoken by the scripted
 * model, distilled into memories and relationship drift; the agent page shows
 * the memory, takes a whispered note, and chats.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ollamaWiring } from '../../core/llm/ollama-wiring.js';
import { silentLog } from '../../core/ports/log.js';
import { affinityColor, formatLabel, signed } from '../../renderer/views/roundtables/roundtable-format.js';
import { gate } from '../support/gate.js';
import { startOllamaServer, type ChatCall, type FakeOllama } from '../support/ollama-server.js';
import { openStage, type StageHarness } from './stage-harness.js';

const SCREENSHOT_ROUNDTABLES = '/tmp/roundtables.png';
const SCREENSHOT_AGENT = '/tmp/agent.png';
const DISTILLED_MEMORY = 'Watercooler chats surface odd signals before the dashboards do.';
const CHAT_REPLY = 'The quarter looks steady; the numbers say retention is our lever.';

const lines = [
  'I noticed the queue went quiet right after lunch again.',
  'Funny, the same thing showed up in the engagement curve.',
  'Maybe people read us on their coffee break.',
  'Then we should post before noon and watch what happens.',
  'Agreed, small experiment, cheap to try.',
];

// The chat's reply waits until the test has seen the agent thinking.
const reply = gate();

function scripted(): (c: ChatCall) => Promise<string | { json: unknown }> {
  let n = 0;
  return async (c) => {
    const text = JSON.stringify(c.body.messages ?? []);
    if (c.body.format) {
      // Only the test's own conversation teaches the memory; a scheduled one (its slot depends on
      // the hour the test runs at) distills to nothing, so the memory is never written twice.
      if (!text.includes('queue goes quiet after lunch')) return { json: { memories: [], pairwise_drift: [], action_items: [] } };
      return {
        json: {
          memories: [{ agent_id: 'brain', type: 'insight', content: DISTILLED_MEMORY, confidence: 0.8, tags: ['watercooler', 'signals'] }],
          pairwise_drift: [{ agent_a: 'brain', agent_b: 'growth', drift: 0.02, reason: 'shared a laugh about the coffee break' }],
          action_items: [],
        },
      };
    }
    if (text.includes('one-on-one')) {
      await reply.pass();
      if (c.lastUser.includes('break')) throw new Error('scripted failure');
      return CHAT_REPLY;
    }
    return lines[n++ % lines.length] as string;
  };
}

describe('roundtable formatting', () => {
  it('labels formats and drifts', () => {
    expect(formatLabel('deep_discussion', [])).toBe('Deep discussion');
    expect(formatLabel('watercooler', [{ id: 'watercooler', label: 'Watercooler' }])).toBe('Watercooler');
    expect(signed(0.02)).toBe('+0.02');
    expect(signed(-0.015)).toBe('−0.01');
    expect(affinityColor(0)).toBe('hsl(0 70% 55%)');
    expect(affinityColor(1)).toBe('hsl(130 70% 55%)');
  });
});

describe('roundtables and agent detail in Chromium', () => {
  let srv: FakeOllama;
  let stage: StageHarness;
  let page: Page;
  let conversationId = 0;

  beforeAll(async () => {
    srv = await startOllamaServer({ responder: scripted() });
    stage = await openStage({
      llm: (clock) => ollamaWiring({ clock, log: silentLog, env: { PATH: '' } }),
      // Turns a tenth as far apart as the seed's 3–8 s: the UI is what is tested here (the gaps are, on a fake clock, in the orchestrator's tests).
      turnGapMs: [300, 800],
      initialPolicy: {
        llm_policy: {
          hosts: [srv.url],
          default_model: 'llama3.2:3b',
          fallback_model: null,
          per_agent: {},
          per_step_kind: {},
          keep_alive: '5m',
          num_ctx: null,
          health_check_seconds: 1,
        },
      },
    });
    page = stage.page;
    await page.goto(`${stage.url()}/#/roundtables`);
  });

  afterAll(async () => {
    reply.open();
    await stage?.close();
    await srv?.close();
  });

  const toasts = () => page.locator('.toast').allInnerTexts();

  it('starts a watercooler with two agents and shows its transcript as they speak', async () => {
    await expect.poll(() => page.locator('.tab.is-active').innerText()).toBe('Roundtables');
    await page.getByRole('button', { name: 'Start a conversation' }).click();
    const dialog = page.getByRole('dialog', { name: 'Start a conversation' });
    await expect.poll(() => dialog.getByLabel('Format').locator('option').count()).toBeGreaterThan(3);
    await dialog.getByLabel('Format').selectOption('watercooler');
    await dialog.locator('input[name=topic]').fill('Why the queue goes quiet after lunch');
    await dialog.getByRole('checkbox', { name: 'Brain' }).check();
    await dialog.getByRole('checkbox', { name: 'Growth' }).check();
    await dialog.getByRole('button', { name: 'Start', exact: true }).click();
    await expect.poll(() => dialog.count()).toBe(0);

    await expect.poll(() => page.evaluate(() => window.location.hash)).toMatch(/^#\/roundtables\/\d+$/);
    conversationId = Number((await page.evaluate(() => window.location.hash)).split('/')[2]);
    const row = page.locator(`[data-testid=conversation-row][data-conversation="${conversationId}"]`);
    expect(await row.getAttribute('data-format')).toBe('watercooler');
    expect(await row.innerText()).toContain('Why the queue goes quiet after lunch');

    const transcript = page.getByTestId('transcript');
    await expect.poll(() => transcript.getAttribute('data-conversation')).toBe(String(conversationId));
    // The harness starts at 06:05, when the daily standup (6–12 turns) may still be talking: the queue
    // runs one conversation at a time, so ours may wait for it.
    const turns = page.getByTestId('turn');
    await expect.poll(() => turns.count(), { timeout: 150_000 }).toBeGreaterThan(0);
    expect(await transcript.getAttribute('data-status')).toBe('running');
    await expect.poll(() => transcript.getAttribute('data-status'), { timeout: 90_000 }).toBe('succeeded');
    expect(await turns.count()).toBeGreaterThanOrEqual(2);
    const speakers = new Set(await turns.evaluateAll((els) => els.map((e) => e.getAttribute('data-speaker'))));
    expect([...speakers].every((s) => s === 'brain' || s === 'growth')).toBe(true);
    expect(await turns.first().getAttribute('data-interaction')).toBe('opening');
    const text = await turns.first().innerText();
    // A scheduled conversation may share the scripted model: any of its lines.
    expect(lines.some((l) => text.includes(l))).toBe(true);
    expect(await turns.first().innerText()).toMatch(/Brain|Growth/);

    // What it left behind: a memory and a drift.
    await expect.poll(() => page.getByTestId('distill').innerText(), { timeout: 15_000 }).toMatch(/Left 1 memory, \d+ proposals?[\s\S]*Brain ↔ Growth \+0\.02/);
    expect(await row.getAttribute('data-status')).toBe('succeeded');
  }, 300_000);

  it('shows the 15 relationships and a pair drift log, and the daily schedule', async () => {
    const pairs = page.getByTestId('relationship-row');
    await expect.poll(() => pairs.count()).toBe(15);
    expect(await page.locator('.rel-matrix .rel-cell button').count()).toBe(30);
    const pair = page.locator('[data-testid=relationship-row][data-pair="brain|growth"]');
    await expect.poll(() => pair.innerText()).toContain('+0.02');
    await pair.click();
    const log = page.getByTestId('drift-log');
    expect(await log.innerText()).toMatch(/Brain ↔ Growth[\s\S]*shared a laugh about the coffee break/);
    expect(await log.innerText()).toContain(`#${conversationId}`);

    // The pair's affinity over time, drawn from its drift log (the start, then each drift).
    const chart = page.getByTestId('affinity-chart');
    await expect.poll(() => chart.getAttribute('data-pairs')).toBe('brain|growth');
    expect(Number(await chart.getAttribute('data-points'))).toBeGreaterThanOrEqual(2);
    expect(await chart.locator('canvas').count()).toBeGreaterThan(0);

    expect(await page.getByTestId('schedule-slot').count()).toBeGreaterThan(5);
    expect(await page.getByTestId('schedule-panel').innerText()).toMatch(/Morning Standup/);
    // The company started at 06:05: the night's slots were not missed, they came before it.
    const night = page.locator('[data-testid=schedule-slot][data-hour="2"]');
    await expect.poll(() => night.innerText()).toMatch(/before start/i);
    expect(await night.locator('.slot-decision').getAttribute('title')).toBe('The company did not exist yet at this hour.');
    expect(await page.getByTestId('schedule-panel').innerText()).not.toMatch(/\bmissed\b/i);
    // Who takes part, by name: never an agent's id.
    const who = (hour: number) => page.locator(`[data-testid=schedule-slot][data-hour="${hour}"] td`).nth(2).innerText();
    expect(await who(3)).toBe('X-Alt and 1–2 more');
    expect(await who(6)).toBe('Opus, Brain and 2–4 more');
    expect(await who(2)).toBe('Brain, Observer and up to 1 more');
    expect(await page.getByTestId('schedule-panel').innerText()).not.toMatch(/twitter-alt|\bopus\b|\bbrain\b/);
    await page.setViewportSize({ width: 1440, height: 1900 });
    await page.screenshot({ path: SCREENSHOT_ROUNDTABLES });

    // At 1024×700 the panels stack: a click on a conversation brings its transcript into view.
    await page.setViewportSize({ width: 1024, height: 700 });
    await page.evaluate(() => (window.location.hash = '#/roundtables'));
    const rows = page.getByTestId('conversation-row');
    await expect.poll(() => rows.count()).toBeGreaterThan(1);
    const other = rows.last();
    const otherId = await other.getAttribute('data-conversation');
    await other.click();
    const shown = page.getByTestId('transcript');
    await expect.poll(() => shown.getAttribute('data-conversation')).toBe(otherId);
    await expect.poll(() => shown.evaluate((el) => Math.round(el.getBoundingClientRect().top))).toBeLessThan(200);
    expect(await shown.evaluate((el) => el.getBoundingClientRect().top)).toBeGreaterThanOrEqual(0);
    await page.screenshot({ path: '/tmp/roundtables-1024.png' });
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('opens an agent from the stage: its memories and voice', async () => {
    await page.getByRole('link', { name: 'Stage' }).click();
    await page.locator('[data-testid=agent-card][data-agent=brain] .agent-activity').click();
    await expect.poll(() => page.evaluate(() => window.location.hash)).toBe('#/agents/brain');
    const view = page.getByTestId('agent-view');
    await expect.poll(() => view.getAttribute('data-agent')).toBe('brain');
    expect(await page.locator('.agent-hero-name').innerText()).toBe('Brain');
    expect(await page.getByTestId('persona-summary').innerText()).toMatch(/Tone[\s\S]*Quirk[\s\S]*Signature/);
    await expect.poll(() => page.getByTestId('voice-modifiers').count()).toBe(1);

    const memory = page.getByTestId('memory-row').filter({ hasText: DISTILLED_MEMORY });
    await expect.poll(() => memory.count()).toBe(1);
    expect(await memory.getAttribute('data-type')).toBe('insight');
    expect(await memory.innerText()).toMatch(/from conversation/);
    expect(await memory.innerText()).toMatch(/watercooler[\s\S]*signals/);
    expect(await memory.getByTestId('memory-confidence').innerText()).toBe('0.80');
  });

  it('edits and deletes memories, and takes a whispered note', async () => {
    const memory = page.getByTestId('memory-row').filter({ hasText: DISTILLED_MEMORY });
    const id = await memory.getAttribute('data-memory');
    await memory.getByRole('button', { name: `Edit memory #${id}` }).click();
    await memory.getByLabel(`Confidence of memory #${id}`).fill('0.95');
    await memory.getByRole('button', { name: 'Save' }).click();
    const edited = page.locator(`[data-testid=memory-row][data-memory="${id}"]`);
    await expect.poll(() => edited.getByTestId('memory-confidence').innerText()).toBe('0.95');

    const whisper = page.getByTestId('whisper-form');
    await whisper.getByRole('radio', { name: 'preference' }).click();
    await whisper.getByRole('textbox', { name: 'Note' }).fill('Keep every status update under three sentences.');
    await whisper.getByRole('button', { name: 'Whisper' }).click();
    const note = page.getByTestId('memory-row').filter({ hasText: 'Keep every status update under three sentences.' });
    await expect.poll(() => note.count()).toBe(1);
    expect(await note.getAttribute('data-type')).toBe('preference');
    expect(await note.innerText()).toMatch(/from user/);
    expect(await whisper.getByRole('textbox', { name: 'Note' }).inputValue()).toBe('');

    // A second, to forget.
    await whisper.getByRole('radio', { name: 'insight' }).click();
    await whisper.getByRole('textbox', { name: 'Note' }).fill('Fridays are slow.');
    await whisper.getByRole('button', { name: 'Whisper' }).click();
    const doomed = page.getByTestId('memory-row').filter({ hasText: 'Fridays are slow.' });
    await expect.poll(() => doomed.count()).toBe(1);
    const doomedId = await doomed.getAttribute('data-memory');
    await doomed.getByRole('button', { name: `Delete memory #${doomedId}` }).click();
    await doomed.getByRole('button', { name: 'Forget it' }).click();
    await expect.poll(() => page.locator(`[data-testid=memory-row][data-memory="${doomedId}"]`).count()).toBe(0);
  });

  it('chats: the agent thinks, then answers in its voice', async () => {
    const chat = page.getByTestId('chat-panel');
    await chat.getByLabel('Message').fill('How is the quarter going?');
    await chat.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => chat.getByTestId('chat-thinking').count()).toBe(1);
    expect(await chat.getByTestId('chat-thinking').innerText()).toContain('Brain is thinking');
    reply.open();
    await expect.poll(() => chat.locator('[data-testid=chat-message][data-role=agent]').count(), { timeout: 15_000 }).toBe(1);
    expect(await chat.getByTestId('chat-thinking').count()).toBe(0);
    expect(await chat.locator('[data-testid=chat-message][data-role=agent]').innerText()).toContain(CHAT_REPLY);
    expect(await chat.locator('[data-testid=chat-message][data-role=user]').innerText()).toContain('How is the quarter going?');
    await page.setViewportSize({ width: 1440, height: 1300 });
    await page.locator('.toast-close').evaluateAll((els) => els.forEach((e) => (e as HTMLElement).click()));
    await page.screenshot({ path: SCREENSHOT_AGENT });
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it("says why the agent could not answer, with the server's message, and keeps the text", async () => {
    srv.fault({ kind: 'http_error', status: 500, message: 'model runner crashed' }, { times: 4 });
    const chat = page.getByTestId('chat-panel');
    await chat.getByLabel('Message').fill('Can you take a break?');
    await chat.getByRole('button', { name: 'Send' }).click();
    await expect.poll(toasts, { timeout: 20_000 }).toContainEqual(expect.stringMatching(/The agent could not answer[\s\S]+/));
    const toast = (await toasts()).find((t) => t.includes('could not answer')) ?? '';
    expect(toast).toMatch(/crashed|failed|500/i);
    expect(await chat.getByLabel('Message').inputValue()).toBe('Can you take a break?');
    expect(await chat.locator('[data-testid=chat-message][data-role=agent]').count()).toBe(1);
  });

  it('logged no errors in the page', () => {
    const expected = /status of 5\d\d .*\/api\/chat\.send\)$/;
    expect(stage.problems.filter((p) => !expected.test(p))).toEqual([]);
  });
});
