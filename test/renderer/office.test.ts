/**
 * The office on the Stage, in Chromium against a real engine: six agents are
 * drawn, a sprite changes state when its step starts (working), when its
 * mission succeeds (celebrating) and when its conversation starts
 * (chatting), clicking one opens it, and the sky follows the page's clock.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ollamaWiring } from '../../core/llm/ollama-wiring.js';
import { silentLog } from '../../core/ports/log.js';
import { dispatchCall } from '../../core/server/dispatch.js';
import { recordLlmCall } from '../../core/llm/accounting.js';
import { formatTokens, skyAt } from '../../renderer/components/office/office-state.js';
import { gate } from '../support/gate.js';
import { startOllamaServer, type FakeOllama } from '../support/ollama-server.js';
import { openStage, type StageHarness } from './stage-harness.js';

const SHOTS = path.resolve(import.meta.dirname, '../../test-results');
const CHAT_TOPIC = 'coffee break reading habits';
const turns = gate();

describe('office sky', () => {
  it('is night, dawn, day and dusk by the local hour', () => {
    const at = (h: number, m = 0) => new Date(2026, 2, 2, h, m);
    expect(skyAt(at(3))).toBe('night');
    expect(skyAt(at(6))).toBe('dawn');
    expect(skyAt(at(12))).toBe('day');
    expect(skyAt(at(19))).toBe('dusk');
    expect(skyAt(at(21, 30))).toBe('night');
  });
});

describe('office in Chromium', () => {
  let srv: FakeOllama;
  let stage: StageHarness;
  let page: Page;

  const states = async (): Promise<Record<string, string>> =>
    JSON.parse((await page.getByTestId('office-canvas').getAttribute('data-agents')) ?? '{}') as Record<string, string>;
  const stateOf = async (id: string): Promise<string | undefined> => (await states())[id];
  const call = async (name: string, input: unknown): Promise<unknown> => {
    const r = await dispatchCall(stage.engine.handlers, name, input);
    if (!r.ok) throw new Error(`${name}: ${r.error.message}`);
    return r.value;
  };

  beforeAll(async () => {
    await mkdir(SHOTS, { recursive: true });
    // The conversation's turns wait at a gate the test opens once it has seen the participants
    // chatting, so the conversation lasts as long as the test watches it.
    srv = await startOllamaServer({
      responder: async (c) => {
        if (c.body.format) return { json: { memories: [], pairwise_drift: [], action_items: [] } };
        if (JSON.stringify(c.body.messages ?? []).includes(CHAT_TOPIC)) await turns.pass();
        return 'Let us try the small experiment first.';
      },
    });
    stage = await openStage({
      llm: (clock) => ollamaWiring({ clock, log: silentLog, env: { PATH: '' } }),
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
        // No scheduled conversations: the only one is the test's own.
        roundtable_policy: { enabled: false, max_daily_conversations: 5, max_action_items_per_day: 3, stale_minutes: 10 },
      },
    });
    page = stage.page;
  });

  afterAll(async () => {
    turns.open();
    await stage?.close();
    await srv?.close();
  });

  it('draws the six agents, idle at the coffee corner', async () => {
    const canvas = page.getByTestId('office-canvas');
    await expect.poll(() => canvas.getAttribute('data-drawn'), { timeout: 20_000 }).toBe('6');
    await expect.poll(async () => Object.keys(await states()).length).toBe(6);
    expect(new Set(Object.values(await states()))).toEqual(new Set(['coffee']));
    // Integer scaling of the 288×160 room.
    const size = await canvas.evaluate((c: HTMLCanvasElement) => [c.width, c.height]);
    const [w = 0, h = 0] = size;
    expect(w % 288).toBe(0);
    expect(w / 288).toBe(h / 160);
    // Something is really painted: the pixels are not one colour.
    const colours = await canvas.evaluate((c: HTMLCanvasElement) => {
      const d = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? new Uint8ClampedArray();
      const seen = new Set<number>();
      for (let i = 0; i < d.length; i += 4 * 97) seen.add((d[i]! << 16) | (d[i + 1]! << 8) | d[i + 2]!);
      return seen.size;
    });
    expect(colours).toBeGreaterThan(40);
    await page.screenshot({ path: path.join(SHOTS, 'office-stage.png') });
    // The trends under the team are uPlot charts.
    await expect.poll(() => page.getByTestId('trends').locator('.uplot').count(), { timeout: 20_000 }).toBeGreaterThan(0);
  });

  it('sets an agent working when its step starts, then celebrating when its mission succeeds', async () => {
    const before = await stateOf('brain');
    expect(before).toBe('coffee');
    const created = (await call('proposals.create', { agentId: 'brain', title: 'Hold for a moment', steps: [{ kind: 'wait', payload: { seconds: 3 } }] })) as {
      mission?: { id: number };
    };
    expect(created.mission?.id).toBeGreaterThan(0);
    await expect.poll(() => stateOf('brain'), { timeout: 10_000 }).toBe('working');
    // It walks from the coffee corner to its desk.
    await expect.poll(async () => (await page.getByTestId('office-canvas').getAttribute('data-walking'))?.includes('brain')).toBe(true);
    await page.getByTestId('office-canvas').screenshot({ path: path.join(SHOTS, 'office-working.png') });
    await expect.poll(() => stateOf('brain'), { timeout: 15_000 }).toBe('celebrating');
    await page.getByTestId('office-canvas').screenshot({ path: path.join(SHOTS, 'office-celebrating.png') });
    // Others stayed where they were.
    expect(await stateOf('growth')).toBe('coffee');
    // The swimlane moved it to Done, with a card that links to the mission.
    const done = page.getByTestId('lane-done');
    await expect.poll(() => done.getAttribute('data-count'), { timeout: 15_000 }).toBe('1');
    expect(await done.getByRole('link', { name: /Hold for a moment/ }).getAttribute('href')).toBe(`#/missions/${created.mission?.id}`);
  });

  it('writes today’s numbers from stats.today on the whiteboard', async () => {
    // Known work today: Brain's mission succeeded (above); one more fails at once (a payload no executor takes); 12,345 tokens.
    const failed = (await call('proposals.create', { agentId: 'growth', title: 'A broken wait', steps: [{ kind: 'wait', payload: { seconds: 'soon' } }] })) as { mission?: { id: number } };
    await expect.poll(async () => ((await call('missions.get', { id: failed.mission?.id })) as { mission: { status: string } }).mission.status, { timeout: 15_000 }).toBe('failed');
    await recordLlmCall(stage.engine.ctx.db, { agentId: 'opus', purpose: 'chat', model: 'llama3.2:3b', host: srv.url, promptTokens: 12_000, completionTokens: 345, durationMs: 900, outcome: 'ok', at: new Date(stage.clock.now()).toISOString() });
    type Today = { missionsToday: number; succeededToday: number; failedToday: number; queuedSteps: number; tokensToday: number };
    const today = (await call('stats.today', {})) as Today;
    expect(today).toMatchObject({ missionsToday: 2, succeededToday: 1, failedToday: 1, queuedSteps: 0, tokensToday: 12_345 });
    expect(formatTokens(12_345)).toBe('12k');
    // The board says what stats.today says, read again until the page has caught up (it looks again after mission and step events).
    const board = page.getByTestId('office-canvas');
    const expected = (t: Today) => ({
      missions: String(t.missionsToday),
      success: t.succeededToday + t.failedToday ? `${Math.round((t.succeededToday / (t.succeededToday + t.failedToday)) * 100)}%` : '—',
      queued: String(t.queuedSteps),
      tokens: formatTokens(t.tokensToday),
    });
    await call('proposals.create', { agentId: 'opus', title: 'A nudge for the board', steps: [{ kind: 'wait', payload: { seconds: 0 } }] });
    await expect
      .poll(async () => {
        const shown = JSON.parse((await board.getAttribute('data-board')) || '{}') as Record<string, string>;
        return JSON.stringify(shown) === JSON.stringify(expected((await call('stats.today', {})) as Today)) ? shown : null;
      }, { timeout: 20_000 })
      .toEqual({ missions: '3', success: '67%', queued: '0', tokens: '12k' });
    // The same, in words, for screen readers.
    expect(await page.getByTestId('office-board').textContent()).toBe('Today: missions 3, success 67%, queued 0, tokens 12k.');
    await board.screenshot({ path: path.join(SHOTS, 'office-board.png') });
  });

  it('sets the participants chatting when their conversation starts', async () => {
    // Turned on only now: the schedule's slot for this hour was already decided (skipped) at start.
    await call('policy.set', { key: 'roundtable_policy', value: { enabled: true, max_daily_conversations: 5, max_action_items_per_day: 3, stale_minutes: 10 } });
    await call('roundtables.enqueue', { format: 'watercooler', topic: CHAT_TOPIC, participants: ['growth', 'creator'] });
    await expect.poll(() => stateOf('growth'), { timeout: 60_000 }).toBe('chatting');
    expect(await stateOf('creator')).toBe('chatting');
    expect(await stateOf('observer')).toBe('coffee');
    // They walk to the table, then sit there.
    await expect.poll(async () => (await page.getByTestId('office-canvas').getAttribute('data-walking'))?.includes('growth'), { timeout: 10_000 }).toBe(false);
    await page.getByTestId('office-canvas').screenshot({ path: path.join(SHOTS, 'office-chatting.png') });
    turns.open();
  });

  it('opens an agent when its sprite is clicked', async () => {
    const canvas = page.getByTestId('office-canvas');
    // Wait until nobody walks, then click on Observer's sprite (its position comes from the scene).
    await expect.poll(() => canvas.getAttribute('data-walking'), { timeout: 15_000 }).toBe('');
    const box = await canvas.boundingBox();
    if (!box) throw new Error('no canvas box');
    const spot = await page.evaluate(() => (window as unknown as { __office?: { where(id: string): { x: number; y: number } | null } }).__office?.where('observer') ?? null);
    expect(spot).not.toBeNull();
    await page.mouse.click(box.x + ((spot!.x) / 288) * box.width, box.y + ((spot!.y - 8) / 160) * box.height);
    await expect.poll(() => page.evaluate(() => location.hash)).toBe('#/agents/observer');
    await page.goto(`${stage.url()}/#/`);
  });

  it('lists the keyboard shortcuts on ?, and goes to a view by its key', async () => {
    await page.locator('body').click({ position: { x: 5, y: 880 } });
    await page.keyboard.press('?');
    await expect.poll(() => page.getByTestId('shortcut-list').count()).toBe(1);
    expect(await page.getByTestId('shortcut-list').innerText()).toMatch(/Give a new task/);
    expect(await page.getByTestId('notification-settings').getByRole('checkbox').count()).toBe(5);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('shortcut-list').count()).toBe(0);
    // Every view has a key, in the header's order, and the sheet lists each.
    const views = ['stage', 'missions', 'proposals', 'autonomy', 'roundtables', 'agents', 'artifacts', 'models', 'settings'];
    await page.keyboard.press('?');
    const sheet = page.getByTestId('shortcut-list');
    await expect.poll(() => sheet.count()).toBe(1);
    const listed = await sheet.locator('.shortcut-row').evaluateAll((rows) => rows.map((r) => `${r.querySelector('kbd')?.textContent} ${r.querySelector('dd')?.textContent}`));
    expect(listed.slice(0, 9)).toEqual(['1 Go to Stage', '2 Go to Missions', '3 Go to Proposals', '4 Go to Autonomy', '5 Go to Roundtables', '6 Go to Agents', '7 Go to Artifacts', '8 Go to Models', '9 Go to Settings']);
    await page.keyboard.press('Escape');
    for (const [i, view] of [...views.entries()].reverse()) {
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      await page.keyboard.press(String(i + 1));
      await expect.poll(() => page.evaluate(() => location.hash)).toBe(`#/${view}`);
      await expect.poll(() => page.locator('.tab.is-active').innerText()).toMatch(new RegExp(`^${view}`, 'i'));
    }
    await page.keyboard.press('2');
    await expect.poll(() => page.evaluate(() => location.hash)).toBe('#/missions');
    await page.keyboard.press('/');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Search signals');
  });

  it('changes the sky with the clock', async () => {
    const canvas = page.getByTestId('office-canvas');
    await page.clock.setSystemTime(new Date('2026-03-02T12:00:00Z'));
    await expect.poll(() => canvas.getAttribute('data-sky')).toBe('day');
    await page.clock.setSystemTime(new Date('2026-03-02T19:00:00Z'));
    await expect.poll(() => canvas.getAttribute('data-sky')).toBe('dusk');
    await page.clock.setSystemTime(new Date('2026-03-02T23:00:00Z'));
    await expect.poll(() => canvas.getAttribute('data-sky')).toBe('night');
    await canvas.screenshot({ path: path.join(SHOTS, 'office-night.png') });
    expect(stage.problems).toEqual([]);
  });
});
