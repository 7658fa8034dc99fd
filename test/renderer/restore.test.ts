/**
 * Restoring a backup from Settings → Data, end to end: a real `serve` on a
 * PGlite data folder, Chromium, the built UI. The question is asked in the app
 * (not window.confirm), says what will be replaced, and Keep it changes nothing.
 * An import that finished becomes a notification while that alert is on.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli, type ServeProcess } from '../support/serve-process.ts';
import { builtRenderer } from './renderer-build.ts';
import { CHROMIUM, CHROMIUM_ARGS } from './stage-harness.ts';

describe('restoring a backup in Chromium', () => {
  let dir = '';
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  let nativeDialogs = 0;
  const problems: string[] = [];

  const titles = async (): Promise<string[]> => {
    const r = await serve.call<{ title: string }[]>('proposals.list', {});
    return (r.body.value ?? []).map((p) => p.title);
  };

  beforeAll(async () => {
    const ui = await builtRenderer();
    dir = await mkdtemp(path.join(os.tmpdir(), 'emt-restore-'));
    serve = await startCli('serve', ['--port', '0', '--data-dir', path.join(dir, 'company'), '--static', ui.dir, '--no-heartbeat', '--no-workers', '--log-level', 'warn']);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, timezoneId: 'UTC' });
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('dialog', (d) => {
      nativeDialogs++;
      void d.dismiss();
    });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('asks in the app what will be replaced; Keep it keeps everything, Restore brings the backup back', async () => {
    await serve.call('proposals.create', { agentId: 'brain', title: 'Before the backup', steps: [{ kind: 'wait', payload: {} }] });
    const backup = await serve.call<{ id: string; rows: number }>('backups.create', {});
    expect(backup.status).toBe(200);
    await serve.call('proposals.create', { agentId: 'brain', title: 'After the backup', steps: [{ kind: 'wait', payload: {} }] });
    expect((await titles()).sort()).toEqual(['After the backup', 'Before the backup']);

    await page.goto(`${serve.url}/#/settings/data`);
    const row = page.getByTestId('backup-row').filter({ hasText: 'manual' });
    await expect.poll(() => row.count(), { timeout: 30_000 }).toBe(1);

    // Keep it: nothing happens
    await row.getByRole('button', { name: 'Restore' }).click();
    const dialog = page.getByRole('dialog', { name: 'Restore a backup' });
    await dialog.waitFor();
    expect(await dialog.innerText()).toMatch(/Replace the current company with the backup of .*\(\d[\d,]* rows, .*\)\? The\s+current company is backed up first/);
    await dialog.getByRole('button', { name: 'Keep it' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect((await titles()).sort()).toEqual(['After the backup', 'Before the backup']);

    // Restore: the backup's company is back, and the one it replaced is a backup of its own
    await row.getByRole('button', { name: 'Restore' }).click();
    await dialog.getByRole('button', { name: 'Restore this backup' }).click();
    await expect.poll(() => titles().catch(() => []), { timeout: 60_000 }).toEqual(['Before the backup']);
    const list = await serve.call<{ reason: string }[]>('backups.list', {});
    expect((list.body.value ?? []).map((b) => b.reason)).toContain('before_restore');
    await expect.poll(() => page.getByTestId('backup-row').count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
    expect(nativeDialogs).toBe(0);
    expect(problems).toEqual([]);
  }, 180_000);

  it('notifies when an import has finished (Notification API), and not once that alert is off', async () => {
    await page.context().grantPermissions(['notifications'], { origin: new URL(serve.url).origin });
    // The real Notification, recorded: what the page shows still goes through its constructor.
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
    await page.goto(`${serve.url}/#/settings/data`);
    await page.reload();
    await page.getByTestId('data-pane').waitFor();
    const imports = () => page.evaluate(() => (window as unknown as { __shown: { title: string }[] }).__shown.filter((n) => n.title === 'Import finished').length);
    const exported = await serve.call<{ file: string }>('data.export', {});
    const file = exported.body.value?.file ?? '';
    const archive = path.isAbsolute(file) ? file : path.join(dir, 'company', 'exports', file);
    const importsDone = async (): Promise<number> => ((await serve.call<{ reason: string }[]>('backups.list', {})).body.value ?? []).filter((b) => b.reason === 'before_import').length;

    expect((await serve.call('data.import', { path: archive })).status).toBe(200);
    await expect.poll(imports, { timeout: 60_000 }).toBe(1);

    await page.evaluate(() => (window.location.hash = '#/settings/appearance'));
    await page.getByTestId('notification-settings').getByRole('checkbox', { name: 'An import has finished' }).uncheck();
    await page.evaluate(() => (window.location.hash = '#/settings/data'));
    const before = await importsDone();
    expect((await serve.call('data.import', { path: archive })).status).toBe(200);
    expect(await importsDone()).toBe(before + 1);
    // The page hears of it (its backups list shows the new before_import backup), and makes no notification.
    await expect.poll(() => page.getByTestId('backup-row').filter({ hasText: /before.import/ }).count(), { timeout: 60_000 }).toBe(before + 1);
    expect(await imports()).toBe(1);
    expect(problems).toEqual([]);
  }, 180_000);
});
