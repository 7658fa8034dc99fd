/**
 * The tray icon with a stand-in for the "electron" module: installTray on its
 * own (tooltip, platforms, a failing call), then in electron/main.ts with the
 * real engine on a PGlite folder — pause and resume from the tray, the label
 * following the stream, the company working on with the window closed, Show
 * opening it again, Quit.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Handlers } from '../../core/api/contract.js';
import { installTray, quitsWhenLastWindowCloses } from '../../electron/tray.js';
import { FakeImage, FakeWindow, fakeApp, fx, invoke, menuItem, startMain, until, type FakeTray } from './support/fake-electron.ts';

vi.mock('electron', async () => (await import('./support/fake-electron.ts')).electronModule);

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const iconPath = path.join(root, 'resources', 'tray.png');
const entryUrl = 'app://emtesseract/index.html';
const failing = { 'runtime.status': () => Promise.reject(new Error('the database is gone')) } as unknown as Handlers;

describe('installTray', () => {
  function tray(platform: NodeJS.Platform, initial: { paused: boolean; reason: string | null } | null = null) {
    const shown: number[] = [];
    const before = fx.trays.length;
    const appTray = installTray({ iconPath, handlers: failing, showWindow: () => shown.push(1), initial, platform });
    return { appTray, fake: fx.trays[before] as FakeTray, shown };
  }

  it('starts from the state it is given, and its tooltip keeps the reason until told another', () => {
    const { appTray, fake } = tray('linux', { paused: true, reason: 'Lunch' });
    expect(fake.toolTip).toBe('emtesseract — paused: Lunch');
    expect(fake.item('pause')?.label).toBe('Resume Company');
    appTray?.setPaused(true); // the menu's click knows only paused or not
    expect(fake.toolTip).toBe('emtesseract — paused: Lunch');
    appTray?.setPaused(false);
    expect(fake.toolTip).toBe('emtesseract — running');
    expect(fake.item('pause')?.label).toBe('Pause Company');
    appTray?.setPaused(true, null);
    expect(fake.toolTip).toBe('emtesseract — paused');
  });

  it('shows the window on a click on Windows and Linux; on macOS a click is the menu’s', () => {
    for (const [platform, clicks] of [['linux', 1], ['win32', 1], ['darwin', 0]] as const) {
      const { fake, shown } = tray(platform);
      fake.emit('click');
      expect(shown.length, platform).toBe(clicks);
      fake.item('show')?.click?.();
      expect(shown.length, platform).toBe(clicks + 1);
    }
  });

  it('shows a failing pause in an error box and keeps its label', async () => {
    const { fake } = tray('linux');
    const before = fx.errors.length;
    fake.item('pause')?.click?.();
    const errors = await until(() => (fx.errors.length > before ? fx.errors.slice(before) : null));
    expect(errors).toEqual([expect.stringMatching(/^Could not pause or resume: /)]);
    expect(fake.item('pause')?.label).toBe('Pause Company');
  });

  it('is not installed without its image, so closing the window still quits', () => {
    const before = fx.trays.length;
    expect(installTray({ iconPath: path.join(root, 'resources', 'no-such-tray.png'), handlers: failing, showWindow: () => {} })).toBeNull();
    expect(fx.trays.length).toBe(before);
    expect(quitsWhenLastWindowCloses('linux', false)).toBe(true);
    expect(quitsWhenLastWindowCloses('win32', false)).toBe(true);
    expect(quitsWhenLastWindowCloses('linux', true)).toBe(false);
    expect(quitsWhenLastWindowCloses('win32', true)).toBe(false);
    expect(quitsWhenLastWindowCloses('darwin', false)).toBe(false);
  });
});

describe('the tray in the desktop app', () => {
  let first = 0;
  const appTray = (): FakeTray | undefined => fx.trays[first];
  const pause = async () => ((await invoke('runtime.status', entryUrl, {})) as { value: { pause: { paused: boolean; reason: string | null } } }).value.pause;

  let stop = async (): Promise<void> => {};
  beforeAll(async () => {
    first = fx.trays.length;
    stop = await startMain(root);
  });
  afterAll(() => stop());

  it('is created with its 16 px image (and the @2x beside it) and says the company is running', () => {
    const tray = appTray();
    expect(tray?.image.path).toBe(iconPath);
    expect(tray?.image.size).toEqual({ width: 16, height: 16 });
    expect(new FakeImage(path.join(root, 'resources', 'tray@2x.png')).size).toEqual({ width: 32, height: 32 });
    expect(tray?.toolTip).toBe('emtesseract — running');
    expect(tray?.menu.map((it) => it.label ?? it.type)).toEqual(['Show emtesseract', 'Pause Company', 'separator', 'Quit']);
  });

  it('pauses and resumes the company; its label, its tooltip and the app menu follow', async () => {
    appTray()?.item('pause')?.click?.();
    await until(() => appTray()?.item('pause')?.label === 'Resume Company');
    expect(await pause()).toMatchObject({ paused: true, reason: 'Paused from the tray' });
    expect(appTray()?.toolTip).toBe('emtesseract — paused: Paused from the tray');
    expect(menuItem('pause')?.label).toBe('Resume Company');
    appTray()?.item('pause')?.click?.();
    await until(() => appTray()?.item('pause')?.label === 'Pause Company');
    expect(await pause()).toMatchObject({ paused: false });
    expect(appTray()?.toolTip).toBe('emtesseract — running');
  });

  it('follows a pause made elsewhere (the stream’s runtime message)', async () => {
    await invoke('runtime.pause', entryUrl, { reason: 'Lunch break' });
    await until(() => appTray()?.toolTip === 'emtesseract — paused: Lunch break');
    expect(appTray()?.item('pause')?.label).toBe('Resume Company');
    await invoke('runtime.resume', entryUrl, {});
    await until(() => appTray()?.toolTip === 'emtesseract — running');
    expect(appTray()?.item('pause')?.label).toBe('Pause Company');
  });

  it('keeps the company working with the window closed; Show, a click or a second launch brings it back', async () => {
    fx.windows[0]?.close();
    expect(FakeWindow.getAllWindows()).toEqual([]);
    expect(fx.quitted).toBe(false);
    expect(await invoke('agents.list', entryUrl, {})).toMatchObject({ ok: true });

    appTray()?.item('show')?.click?.();
    expect(fx.windows.length).toBe(2);
    const win = fx.windows[1];
    expect(win?.webContents.url).toBe(entryUrl);
    // open: brought forward, not opened twice
    const focused = win?.focused ?? 0;
    if (win) win.minimized = true;
    appTray()?.emit('click');
    expect(fx.windows.length).toBe(2);
    expect(win?.minimized).toBe(false);
    expect(win?.focused).toBe(focused + 1);
    // the stream reaches the new window
    await invoke('runtime.pause', entryUrl, {});
    await until(() => win?.webContents.sent.some((s) => (s.msg as { type: string }).type === 'runtime'));
    await invoke('runtime.resume', entryUrl, {});

    win?.close();
    fakeApp.emit('second-instance');
    expect(fx.windows.length).toBe(3);
    expect(FakeWindow.getAllWindows()).toEqual([fx.windows[2]]);
  });

  it('Quit stops the engine, removes the tray and quits', async () => {
    appTray()?.item('quit')?.click?.();
    expect(fx.quitted).toBe(false); // held until the engine and database are closed
    expect(appTray()?.destroyed).toBe(true);
    await until(() => fx.quitted);
    expect(await invoke('agents.list', entryUrl, {})).toMatchObject({ ok: false, error: { code: 'unavailable' } });
  });
});
