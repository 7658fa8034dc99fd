/**
 * A mission's page in Chromium against a real engine and the scripted Ollama
 * server: what a step produced (a link to the analysis it wrote, the whole
 * result on demand), what a queued step waits for while no host answers, and
 * the playback (speed, space and the arrows, the note when a mission has more
 * events than the page loads).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../core/engine.js';
import { ollamaWiring } from '../../core/llm/ollama-wiring.js';
import { silentLog } from '../../core/ports/log.js';
import { startOllamaServer, type FakeOllama } from '../support/ollama-server.js';
import { ShiftedClock } from '../support/shifted-clock.js';
import { openStage, STAGE_START, type StageHarness } from './stage-harness.js';

/** An analysis whose first line alone makes the step's result longer than the 160 characters shown at first. */
const HEADLINE = 'Churn rose in March because trials fell after the price change, replies slowed down, and the onboarding emails stopped reaching the people who signed up on mobile';
const ANALYSIS = `${HEADLINE}\n\n- fewer trials\n- slower replies\n\nFix onboarding first.`;

describe('missions in Chromium', () => {
  let srv: FakeOllama;
  let stage: StageHarness;
  let page: Page;
  let engine: Engine;

  async function missionOf(agentId: string, title: string, steps: { kind: string; payload: Record<string, unknown> }[]): Promise<number> {
    const made = await engine.handlers['proposals.create']({ agentId, title, steps });
    if (!made.mission) throw new Error(`${title}: no mission (${made.proposal.status}: ${made.proposal.rejectionReason ?? ''})`);
    return made.mission.id;
  }
  const statusOf = async (id: number): Promise<string> => (await engine.handlers['missions.get']({ id })).mission.status;

  beforeAll(async () => {
    const clock = new ShiftedClock(STAGE_START);
    srv = await startOllamaServer({ now: () => clock.now(), responder: () => ANALYSIS });
    stage = await openStage({
      clock,
      llm: (c) => ollamaWiring({ clock: c, log: silentLog, env: { PATH: '' } }),
      initialPolicy: {
        llm_policy: { hosts: [srv.url], default_model: 'llama3.2:3b', fallback_model: null, per_agent: {}, per_step_kind: {}, keep_alive: '5m', num_ctx: null, health_check_seconds: 1 },
        roundtable_policy: { enabled: false, max_daily_conversations: 0, max_action_items_per_day: 0, stale_minutes: 10 },
      },
    });
    ({ page, engine } = stage);
  });

  afterAll(async () => {
    await stage?.close();
    await srv?.close();
  });

  it('links an analysis step to what it wrote, and reads its whole result', async () => {
    const id = await missionOf('brain', 'Why churn rose', [{ kind: 'analyze', payload: { topic: 'churn in March' } }]);
    await expect.poll(() => statusOf(id), { timeout: 30_000 }).toBe('succeeded');
    const step = (await engine.handlers['missions.get']({ id })).steps[0];
    const result = step?.result as { artifactId: number; summary: string };
    expect(JSON.stringify(result).length).toBeGreaterThan(160);

    await page.goto(`${stage.url()}/#/missions/${id}`);
    const shown = page.getByTestId('step-result');
    await expect.poll(() => shown.count()).toBe(1);
    const link = shown.getByTestId('step-artifact');
    expect(await link.getAttribute('href')).toBe(`#/artifacts/${result.artifactId}`);
    expect(await link.innerText()).toMatch(/^→ Churn rose in March because .*…? · read it in full$/);
    // The JSON is cut at first; opened, all of it is there.
    const full = shown.getByTestId('step-result-full');
    expect(await full.isVisible()).toBe(false);
    await shown.getByText('whole result').click();
    await expect.poll(() => full.isVisible()).toBe(true);
    expect(JSON.parse(await full.innerText())).toEqual(result);
    await link.click();
    // the analysis itself, whole: its first line uncut, and the rest
    await expect.poll(() => page.getByTestId('artifact-detail').innerText()).toContain('Fix onboarding first.');
    expect(await page.getByTestId('artifact-detail').innerText()).toContain(HEADLINE);
  });

  it('says a queued step waits for the LLM, and why, while no host answers; not "waiting for a worker"', async () => {
    await srv.refuse();
    await expect.poll(async () => (await engine.handlers['runtime.status']({})).llm?.status, { timeout: 15_000 }).toBe('unreachable');
    const id = await missionOf('brain', 'Study the competition', [{ kind: 'analyze', payload: { topic: 'the competition' } }]);
    await page.goto(`${stage.url()}/#/missions/${id}`);
    const wait = page.getByTestId('step-wait');
    await expect.poll(() => wait.innerText(), { timeout: 20_000 }).toMatch(/^waits for the LLM: No Ollama host answers \(/);
    expect(await wait.innerText()).toContain(srv.url);
    expect(await wait.getByRole('link', { name: 'Check the Ollama hosts' }).getAttribute('href')).toBe('#/settings/hosts');
    expect(await page.getByTestId('mission-detail').innerText()).not.toContain('waiting for a worker');
    await page.screenshot({ path: '/tmp/mission-waits-for-llm.png' });

    // The host is back: the step runs, and says nothing about waiting any more.
    await srv.accept();
    await expect.poll(() => statusOf(id), { timeout: 60_000 }).toBe('succeeded');
    await expect.poll(() => wait.count(), { timeout: 15_000 }).toBe(0);
  });

  it('plays back at the speed chosen, with space and the arrow keys', async () => {
    const id = await missionOf('growth', 'Three short waits', [
      { kind: 'wait', payload: { seconds: 0 } },
      { kind: 'wait', payload: { seconds: 0 } },
      { kind: 'wait', payload: { seconds: 0 } },
    ]);
    await expect.poll(() => statusOf(id), { timeout: 20_000 }).toBe('succeeded');
    const events = (await engine.handlers['missions.get']({ id })).events.length;
    expect(events).toBeGreaterThanOrEqual(5);
    await page.goto(`${stage.url()}/#/missions/${id}`);
    const playback = page.getByTestId('mission-playback');
    const pos = playback.getByTestId('playback-pos');
    await expect.poll(() => pos.innerText()).toBe(`Event 1 of ${events}`);
    expect(await playback.getByTestId('playback-more').count()).toBe(0);

    // The keyboard, once the playback has focus.
    await playback.focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => pos.innerText()).toBe(`Event 2 of ${events}`);
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => pos.innerText()).toBe(`Event 1 of ${events}`);
    await page.keyboard.press('End');
    await expect.poll(() => pos.innerText()).toBe(`Event ${events} of ${events}`);
    await page.keyboard.press('Home');
    await expect.poll(() => pos.innerText()).toBe(`Event 1 of ${events}`);

    // Speed: 2 s an event at 1×, so 4 s at 0.5× and 250 ms at 8×, on the page's clock (held still, moved by hand).
    const speed = playback.getByLabel('Playback speed');
    expect(await speed.locator('option').allInnerTexts()).toEqual(['0.5×', '1×', '2×', '4×', '8×']);
    await speed.selectOption('0.5');
    await page.clock.pauseAt((await page.evaluate(() => Date.now())) + 1000);
    await playback.focus();
    await page.keyboard.press(' ');
    await expect.poll(() => playback.getByRole('button', { name: 'Pause' }).count()).toBe(1);
    await page.clock.runFor(3900);
    expect(await pos.innerText()).toBe(`Event 1 of ${events}`);
    await page.clock.runFor(100);
    await expect.poll(() => pos.innerText()).toBe(`Event 2 of ${events}`);
    await speed.selectOption('8');
    await playback.focus();
    await page.clock.runFor(250);
    await expect.poll(() => pos.innerText()).toBe(`Event 3 of ${events}`);
    await page.clock.runFor(250);
    await expect.poll(() => pos.innerText()).toBe(`Event 4 of ${events}`);
    // Space pauses: time goes on, the playback stays where it is.
    await page.keyboard.press(' ');
    await expect.poll(() => playback.getByRole('button', { name: 'Play' }).count()).toBe(1);
    await page.clock.runFor(5000);
    expect(await pos.innerText()).toBe(`Event 4 of ${events}`);
    await page.clock.resume();
  });

  it('says when a mission has more events than the page loads, and how many', async () => {
    const id = await missionOf('observer', 'A very long watch', [{ kind: 'wait', payload: { seconds: 0 } }]);
    await expect.poll(() => statusOf(id), { timeout: 20_000 }).toBe('succeeded');
    await engine.ctx.db.query(
      `INSERT INTO ops_agent_events (agent_id, kind, title, tags, mission_id, created_at)
       SELECT 'observer', 'observation', 'Looked again #' || g, ARRAY['watch']::text[], $1, $2::timestamptz + g * interval '1 second'
       FROM generate_series(1, 1100) AS g`,
      [id, new Date(stage.clock.now()).toISOString()],
    );
    const total = (await engine.handlers['events.page']({ missionId: id, limit: 1, withTotal: true })).total ?? 0;
    expect(total).toBeGreaterThan(1100);
    await page.goto(`${stage.url()}/#/missions/${id}`);
    const playback = page.getByTestId('mission-playback');
    await expect.poll(() => playback.getByTestId('playback-pos').innerText(), { timeout: 20_000 }).toBe('Event 1 of 1000');
    const note = playback.getByTestId('playback-more');
    await expect
      .poll(() => note.innerText())
      .toBe(`This mission has ${total.toLocaleString('en')} events; the first 1,000 are loaded here. The rest are in the signal feed.`);
    expect(stage.problems).toEqual([]);
  });
});
