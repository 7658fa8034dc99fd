/**
 * Settings → Data in Chromium against a real `serve` on a PGlite data folder
 * (the built UI, the HTTP transport with its upload and download routes):
 * an export that succeeds and downloads, an import of that archive through
 * its confirmation, a junk file refused with its sentence, and a backup
 * deleted only after the in-app question.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli, type ServeProcess } from '../support/serve-process.ts';
import { builtRenderer } from './renderer-build.ts';
import { CHROMIUM, CHROMIUM_ARGS } from './stage-harness.ts';

describe('Settings → Data on a real data folder in Chromium', () => {
  let dir = '';
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  let nativeDialogs = 0;
  const problems: string[] = [];
  let archive: Buffer;

  const titles = async (): Promise<string[]> => {
    const r = await serve.call<{ title: string }[]>('proposals.list', {});
    return (r.body.value ?? []).map((p) => p.title).sort();
  };
  const propose = (title: string) => serve.call('proposals.create', { agentId: 'brain', title, steps: [{ kind: 'wait', payload: {} }] });

  beforeAll(async () => {
    const ui = await builtRenderer();
    dir = await mkdtemp(path.join(os.tmpdir(), 'emt-data-pane-'));
    serve = await startCli('serve', ['--port', '0', '--data-dir', path.join(dir, 'company'), '--static', ui.dir, '--no-heartbeat', '--no-workers', '--log-level', 'warn']);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, timezoneId: 'UTC', acceptDownloads: true });
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('dialog', (d) => {
      nativeDialogs++;
      void d.dismiss();
    });
    await page.goto(`${serve.url}/#/settings/data`);
    await page.getByTestId('data-pane').waitFor();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('exports the company: the result says how many rows, and its link downloads the archive', async () => {
    expect((await propose('In the export')).status).toBe(200);
    const section = page.getByRole('region', { name: 'Export' });
    await section.getByRole('button', { name: 'Export company' }).click();
    const result = section.getByTestId('export-result');
    await section.locator('[data-testid="export-result"], [role="alert"]').first().waitFor({ timeout: 60_000 });
    expect(await section.getByRole('alert').count(), (await section.getByRole('alert').allTextContents()).join(' ')).toBe(0);
    expect(await result.innerText()).toMatch(/^\d[\d,]* rows, \d+(\.\d)? (KB|MB): download \d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z-export\.emtx$/);
    const [download] = await Promise.all([page.waitForEvent('download'), result.getByRole('link').click()]);
    expect(download.suggestedFilename()).toMatch(/-export\.emtx$/);
    const saved = path.join(dir, 'downloaded.emtx');
    await download.saveAs(saved);
    archive = readFileSync(saved);
    expect(archive.subarray(0, 2).equals(Buffer.from([0x1f, 0x8b]))).toBe(true); // gzip
  }, 120_000);

  it('imports that archive after its confirmation says what will be replaced; the company is the exported one again', async () => {
    expect((await propose('After the export')).status).toBe(200);
    expect(await titles()).toEqual(['After the export', 'In the export']);
    const section = page.getByRole('region', { name: 'Import' });
    await section.locator('input[type="file"]').setInputFiles({ name: 'company.emtx', mimeType: 'application/octet-stream', buffer: archive });
    const confirm = section.getByTestId('import-confirm');
    await confirm.waitFor({ timeout: 60_000 });
    expect(await confirm.innerText()).toMatch(/Importing replaces everything in the current company \(\d[\d,]* rows\) with this archive/);
    expect(await titles()).toEqual(['After the export', 'In the export']); // nothing happens before the confirmation
    await section.getByRole('button', { name: 'Replace the company' }).click();
    await section.getByText(/^\d[\d,]* rows imported\. The previous company was saved as backup .*-before_import\.emtx\.$/).waitFor({ timeout: 120_000 });
    expect(await section.getByRole('alert').count()).toBe(0);
    expect(await titles()).toEqual(['In the export']);
  }, 180_000);

  it('refuses a file that is not an archive with its sentence, and replaces nothing', async () => {
    const section = page.getByRole('region', { name: 'Import' });
    await section.locator('input[type="file"]').setInputFiles({ name: 'junk.emtx', mimeType: 'application/octet-stream', buffer: Buffer.from('not an archive at all') });
    const alert = section.getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(/not an emtesseract archive/);
    expect(await section.getByTestId('import-confirm').count()).toBe(0);
    expect(await titles()).toEqual(['In the export']);
  }, 60_000);

  it('deletes a backup only after asking in the app; Keep it keeps it', async () => {
    const list = async (): Promise<string[]> => ((await serve.call<{ id: string }[]>('backups.list', {})).body.value ?? []).map((b) => b.id);
    const before = await list();
    const id = before.find((b) => b.endsWith('-before_import.emtx'));
    expect(id).toBeTruthy();
    const row = page.getByTestId('backup-row').filter({ hasText: 'before import' });
    await expect.poll(() => row.count(), { timeout: 30_000 }).toBe(1);

    await row.getByRole('button', { name: 'Delete' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete a backup' });
    await dialog.waitFor();
    expect(await dialog.innerText()).toMatch(/Delete the backup of .* \(before import, \d[\d,]* rows, .*\)\? Its file is removed\s+and cannot be brought back\./);
    await dialog.getByRole('button', { name: 'Keep it' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await list()).toEqual(before);

    await row.getByRole('button', { name: 'Delete' }).click();
    await dialog.getByRole('button', { name: 'Delete this backup' }).click();
    await expect.poll(() => list(), { timeout: 30_000 }).toEqual(before.filter((b) => b !== id));
    await expect.poll(() => row.count(), { timeout: 30_000 }).toBe(0);
    expect(nativeDialogs).toBe(0);
    expect(problems).toEqual([]);
  }, 120_000);
});
