/**
 * electron/main.ts with a stand-in for the "electron" module (its binary
 * cannot run on these machines): the real engine on a PGlite folder, the real
 * IPC wiring, and the window's security settings and handlers as main sets them.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { callNames } from '../../core/api/contract.js';
import { fakeApp, fx, invoke, menuItem, until } from './support/fake-electron.ts';

vi.mock('electron', async () => (await import('./support/fake-electron.ts')).electronModule);

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const entryUrl = 'app://emtesseract/index.html';

describe('electron main', () => {
  beforeAll(async () => {
    fx.appPath = root;
    fx.userData = await mkdtemp(path.join(os.tmpdir(), 'emt-userdata-'));
    await import('../../electron/main.js');
    await until(() => fx.windows.length === 1 || fx.errors.length > 0, 120_000);
    expect(fx.errors).toEqual([]);
  });

  afterAll(async () => {
    if (!fx.quitted) {
      fakeApp.quit();
      await until(() => fx.quitted);
    }
    await rm(fx.userData, { recursive: true, force: true });
  });

  it('opens one locked-down window on the built renderer', () => {
    const win = fx.windows[0];
    expect(win?.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false });
    expect(win?.options.webPreferences.preload).toBe(path.join(root, 'dist-electron', 'preload.cjs'));
    expect(win?.webContents.url).toBe(entryUrl);
    expect(fx.menu).toBeTruthy();
  });

  it('answers every contract call over IPC, for its own page only', async () => {
    expect([...fx.ipc.keys()].sort()).toEqual([...callNames.map((n) => `emt:${n}`), 'emt:desktop.notify'].sort());
    const agents = await invoke('agents.list', `${entryUrl}#/stage`, {});
    expect(agents.ok && (agents.value as unknown[]).length).toBe(6);
    expect(await invoke('agents.list', 'https://evil.example/', {})).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    const status = await invoke('runtime.status', entryUrl, {});
    expect(status).toMatchObject({ ok: true, value: { database: { kind: 'pglite', location: path.join(fx.userData, 'db') } } });
  });

  it('forwards the engine stream to the window', async () => {
    const wc = fx.windows[0]?.webContents;
    const created = await invoke('proposals.create', entryUrl, { agentId: 'opus', title: 'Stream check', steps: [{ kind: 'wait', payload: {} }] });
    expect(created.ok).toBe(true);
    const missionId = created.ok ? (created.value as { mission: { id: number } }).mission.id : 0;
    await until(() =>
      wc?.sent.some((s) => s.channel === 'emt:stream' && (s.msg as { type: string; mission?: { id: number; status: string } }).mission?.status === 'succeeded'),
    );
    expect(wc?.sent.some((s) => (s.msg as { event?: { missionId: number } }).event?.missionId === missionId)).toBe(true);
  });

  it('shows a notification asked for by its own page (title and body only), refuses other pages, and a click shows the window', async () => {
    const before = fx.notifications.length;
    expect(await invoke('desktop.notify', `${entryUrl}#/stage`, { title: 'Worker crawl turned off', body: 'Last error: site down.' })).toEqual({ ok: true, value: { shown: true } });
    expect(fx.notifications.slice(before).map((n) => n.options)).toEqual([{ title: 'Worker crawl turned off', body: 'Last error: site down.' }]);
    expect(await invoke('desktop.notify', 'https://evil.example/', { title: 'Hi', body: 'there' })).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(await invoke('desktop.notify', entryUrl, { title: 'Hi', body: 'there', sound: 'loud' })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(fx.notifications.length).toBe(before + 1);
    const shown = fx.windows[0]?.shown ?? 0;
    fx.notifications[before]?.emit('click');
    expect(fx.windows[0]?.shown).toBe(shown + 1);
  });

  it('denies new windows and sends web links to the system browser', () => {
    const wc = fx.windows[0]?.webContents;
    expect(wc?.openHandler?.({ url: 'https://bsky.app/profile/x' })).toEqual({ action: 'deny' });
    expect(wc?.openHandler?.({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(fx.opened).toEqual(['https://bsky.app/profile/x']);
  });

  it('keeps the window on the app', () => {
    const wc = fx.windows[0]?.webContents;
    const navigate = (url: string): boolean => {
      let prevented = false;
      wc?.emit('will-navigate', { preventDefault: () => (prevented = true) }, url);
      return prevented;
    };
    expect(navigate(`${entryUrl}#/missions/3`)).toBe(false);
    expect(navigate('https://evil.example/')).toBe(true);
    expect(navigate('file:///etc/passwd')).toBe(true);
    expect(fx.opened).toContain('https://evil.example/');
  });

  it('sends a CSP header and grants no permissions', () => {
    let headers: unknown;
    fx.headersListener?.({ responseHeaders: { 'X-Other': ['1'] } }, (r) => (headers = r));
    expect(headers).toMatchObject({ responseHeaders: { 'X-Other': ['1'], 'Content-Security-Policy': [expect.stringContaining("script-src 'self'")] } });
    let granted: boolean | null = null;
    fx.permissionHandler?.(null, 'media', (ok) => (granted = ok));
    expect(granted).toBe(false);
  });

  it('serves the renderer from app://, a privileged scheme registered before ready', () => {
    expect(fx.schemes).toEqual([
      { scheme: 'app', beforeReady: true, privileges: expect.objectContaining({ standard: true, secure: true, supportFetchAPI: true, bypassCSP: false, corsEnabled: false }) },
    ]);
    expect(fx.protocolHandlers.has('app')).toBe(true);
  });

  it('File menu: export writes the archive, back up makes a backup, and a refused import shows its sentence', async () => {
    const before = fx.errors.length;
    const out = path.join(fx.userData, 'out.emtx');
    fx.dialogAnswers.push({ canceled: false, filePath: out });
    menuItem('export')?.click?.();
    await until(() => (existsSync(out) ? true : null));
    expect(fx.dialogs.find((d) => d.kind === 'save')?.opts).toMatchObject({ defaultPath: expect.stringMatching(/^emtesseract-\d{4}-\d{2}-\d{2}\.emtx$/) });
    menuItem('backup')?.click?.();
    await until(async () => {
      const r = (await invoke('backups.list', entryUrl, {})) as { ok: boolean; value?: { reason: string }[] };
      return r.ok && r.value?.some((b) => b.reason === 'manual') ? true : null;
    });
    // an archive that is not there: the refusal's sentence reaches the user, nothing is replaced
    fx.dialogAnswers.push({ canceled: false, filePaths: [path.join(fx.userData, 'in.emtx')] });
    menuItem('import')?.click?.();
    const errors = await until(() => (fx.errors.length >= before + 1 ? fx.errors.slice(before) : null));
    expect(errors).toEqual([expect.stringMatching(/^This archive cannot be imported: /)]);
    menuItem('open-data-folder')?.click?.();
    expect(fx.openedPaths).toEqual([fx.userData]);
  });

  it('Company menu pauses and resumes the company, and its label follows the state', async () => {
    const wc = fx.windows[0]?.webContents;
    expect(menuItem('pause')?.label).toBe('Pause Company');
    menuItem('pause')?.click?.();
    await until(() => menuItem('pause')?.label === 'Resume Company');
    expect(await invoke('runtime.status', entryUrl, {})).toMatchObject({ ok: true, value: { pause: { paused: true, reason: 'Paused from the menu' } } });
    expect(wc?.sent.some((s) => (s.msg as { type: string; state?: { paused: boolean } }).type === 'runtime' && (s.msg as { state: { paused: boolean } }).state.paused)).toBe(true);
    // Paused from the UI (another transport): the menu follows the stream.
    await invoke('runtime.resume', entryUrl, {});
    await until(() => menuItem('pause')?.label === 'Pause Company');
    menuItem('pause')?.click?.();
    await until(() => menuItem('pause')?.label === 'Resume Company');
    menuItem('pause')?.click?.();
    await until(() => menuItem('pause')?.label === 'Pause Company');
    expect(await invoke('runtime.status', entryUrl, {})).toMatchObject({ ok: true, value: { pause: { paused: false } } });
  });

  it('stops the engine before quitting', async () => {
    fakeApp.quit();
    expect(fx.quitted).toBe(false); // held until the engine and database are closed
    await until(() => fx.quitted);
    expect(await invoke('agents.list', entryUrl, {})).toMatchObject({ ok: false, error: { code: 'unavailable' } });
  });
});
