/**
 * Settings → Data, the header's Paused indicator and an agent's pause button,
 * end to end: Chromium, the built renderer, the real HTTP transport in front
 * of a real engine on in-memory PGlite.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../../../core/engine.js';
import { openStage, type StageHarness } from '../../stage-harness.js';

describe('Settings → Data and pausing in Chromium', () => {
  let stage: StageHarness;
  let page: Page;
  let engine: Engine;
  /** Page errors and console errors, other than calls the engine refused (an in-memory engine answers data.* with a refusal). */
  const problems = (): string[] => stage.problems.filter((p) => !/Failed to load resource: the server responded with a status of \d+ .*\/api\//.test(p));
  const paused = async (): Promise<boolean> => (await engine.handlers['runtime.status']({})).pause.paused;

  beforeAll(async () => {
    stage = await openStage();
    ({ page, engine } = stage);
    await page.goto(`${stage.url()}/#/settings`);
    await page.getByRole('tab', { name: 'Data' }).click();
    await page.getByTestId('data-pane').waitFor();
  });

  afterAll(async () => stage?.close());

  it('pauses the company from the Data pane; the header says so with the reason; Resume there resumes it', async () => {
    const indicator = page.getByTestId('paused-indicator');
    expect(await indicator.count()).toBe(0);
    await page.getByLabel('Why pause').fill('Quarter close');
    await page.getByRole('button', { name: 'Pause company' }).click();
    await indicator.waitFor();
    expect(await indicator.textContent()).toContain('Quarter close');
    expect(await paused()).toBe(true);
    await page.getByRole('button', { name: 'Resume company' }).waitFor();

    await indicator.getByRole('button', { name: 'Resume' }).click();
    await indicator.waitFor({ state: 'detached' });
    expect(await paused()).toBe(false);
    await page.getByRole('button', { name: 'Pause company' }).waitFor();
  });

  it('shows a pause made elsewhere (another window, the menu) as it happens', async () => {
    await engine.handlers['runtime.pause']({ reason: 'From the tray' });
    const indicator = page.getByTestId('paused-indicator');
    await indicator.waitFor();
    expect(await indicator.textContent()).toContain('From the tray');
    await engine.handlers['runtime.resume']({});
    await indicator.waitFor({ state: 'detached' });
  });

  // A successful export and import, with their confirmation, are in test/renderer/data-pane.test.ts (a real data folder).
  it('an in-memory company says it cannot take an upload, and the page stays', async () => {
    const importSection = page.getByRole('region', { name: 'Import' });
    await importSection.locator('input[type="file"]').setInputFiles({ name: 'junk.emtx', mimeType: 'application/octet-stream', buffer: Buffer.from('not an archive at all') });
    const alert = importSection.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('This server keeps no uploads (it runs in memory).');
    expect(await importSection.getByTestId('import-confirm').count()).toBe(0); // nothing to confirm: refused before any replacement
    expect((await engine.handlers['agents.list']({})).length).toBe(6);
    await page.getByRole('region', { name: 'Backups' }).waitFor();
    expect(problems()).toEqual([]);
  });

  it('pauses one agent from its page: its proposals are refused with the reason, and Resume lets them through', async () => {
    await page.goto(`${stage.url()}/#/agents/opus`);
    await page.getByRole('button', { name: 'Pause Opus' }).click();
    await page.getByTestId('agent-paused').waitFor();
    const refused = await engine.handlers['proposals.create']({ agentId: 'opus', title: 'While paused', steps: [{ kind: 'wait', payload: {} }] });
    expect(refused.proposal).toMatchObject({ status: 'rejected', rejectionReason: 'Opus is paused: Paused from its page' });
    await page.getByRole('button', { name: 'Resume Opus' }).click();
    await page.getByTestId('agent-paused').waitFor({ state: 'detached' });
    expect((await engine.handlers['runtime.status']({})).pause.agents).toEqual([]);
    expect(problems()).toEqual([]);
  });
});
