/**
 * electron/main.ts with a stand-in for the "electron" module (its binary
 * cannot run on these machines): the real engine on a PGlite folder, the real
 * IPC wiring, and the window's security settings and handlers as main sets them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { callNames, type Envelope } from '../../core/api/contract.js';

type Fn = (...args: never[]) => unknown;

const fx = vi.hoisted(() => {
  class Emitter {
    private handlers = new Map<string, Fn[]>();
    on(event: string, fn: Fn): this {
      this.handlers.set(event, [...(this.handlers.get(event) ?? []), fn]);
      return this;
    }
    once(event: string, fn: Fn): this {
      return this.on(event, fn);
    }
    emit(event: string, ...args: unknown[]): void {
      for (const fn of this.handlers.get(event) ?? []) (fn as (...a: unknown[]) => unknown)(...args);
    }
  }
  type Listener = (event: { senderFrame: { url: string } | null }, input?: unknown) => Promise<unknown>;
  const state = {
    appPath: '',
    userData: '',
    quitted: false,
    exitCode: null as number | null,
    errors: [] as string[],
    opened: [] as string[],
    menu: null as unknown,
    ipc: new Map<string, Listener>(),
    windows: [] as FakeWindow[],
    headersListener: null as null | ((details: { responseHeaders: Record<string, string[]> }, cb: (r: unknown) => void) => void),
    permissionHandler: null as null | ((wc: unknown, permission: string, cb: (ok: boolean) => void) => void),
  };
  class FakeWebContents extends Emitter {
    url = '';
    sent: { channel: string; msg: unknown }[] = [];
    openHandler: null | ((d: { url: string }) => { action: string }) = null;
    setWindowOpenHandler(fn: (d: { url: string }) => { action: string }): void {
      this.openHandler = fn;
    }
    send(channel: string, msg: unknown): void {
      this.sent.push({ channel, msg });
    }
    getURL(): string {
      return this.url;
    }
    isDestroyed(): boolean {
      return false;
    }
  }
  class FakeWindow extends Emitter {
    webContents = new FakeWebContents();
    constructor(readonly options: { webPreferences: Record<string, unknown> }) {
      super();
      state.windows.push(this);
    }
    static getAllWindows(): FakeWindow[] {
      return state.windows;
    }
    loadURL(url: string): Promise<void> {
      this.webContents.url = url;
      return Promise.resolve();
    }
    isDestroyed(): boolean {
      return false;
    }
    isMinimized(): boolean {
      return false;
    }
    restore(): void {}
    focus(): void {}
    show(): void {}
  }
  const app = new (class extends Emitter {
    isPackaged = false;
    getAppPath = (): string => state.appPath;
    getPath = (): string => state.userData;
    getVersion = (): string => '0.0.0-test';
    whenReady = (): Promise<void> => Promise.resolve();
    requestSingleInstanceLock = (): boolean => true;
    exit = (code: number): void => {
      state.exitCode = code;
    };
    quit = (): void => {
      let prevented = false;
      this.emit('before-quit', { preventDefault: () => (prevented = true) });
      if (!prevented) state.quitted = true;
    };
  })();
  return { state, app, FakeWindow };
});

vi.mock('electron', () => ({
  app: fx.app,
  BrowserWindow: fx.FakeWindow,
  ipcMain: { handle: (channel: string, fn: never) => fx.state.ipc.set(channel, fn) },
  session: {
    defaultSession: {
      webRequest: { onHeadersReceived: (fn: never) => (fx.state.headersListener = fn) },
      setPermissionRequestHandler: (fn: never) => (fx.state.permissionHandler = fn),
      setPermissionCheckHandler: () => {},
    },
  },
  shell: { openExternal: (url: string) => fx.state.opened.push(url) && Promise.resolve(), openPath: () => Promise.resolve('') },
  dialog: { showErrorBox: (title: string, body: string) => fx.state.errors.push(`${title}: ${body}`) },
  Menu: { buildFromTemplate: (t: unknown) => t, setApplicationMenu: (m: unknown) => (fx.state.menu = m) },
}));

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const entryUrl = pathToFileURL(path.join(root, 'dist', 'renderer', 'index.html')).toString();

async function until<T>(read: () => T | undefined | null | false, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = read();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}

function invoke(call: string, url: string | null, input?: unknown): Promise<Envelope<unknown>> {
  const h = fx.state.ipc.get(`emt:${call}`);
  if (!h) throw new Error(`no handler for ${call}`);
  return h({ senderFrame: url === null ? null : { url } }, input) as Promise<Envelope<unknown>>;
}

describe('electron main', () => {
  beforeAll(async () => {
    fx.state.appPath = root;
    fx.state.userData = await mkdtemp(path.join(os.tmpdir(), 'emt-userdata-'));
    await import('../../electron/main.js');
    await until(() => fx.state.windows.length === 1 || fx.state.errors.length > 0);
    expect(fx.state.errors).toEqual([]);
  });

  afterAll(async () => {
    if (!fx.state.quitted) {
      fx.app.quit();
      await until(() => fx.state.quitted);
    }
    await rm(fx.state.userData, { recursive: true, force: true });
  });

  it('opens one locked-down window on the built renderer', () => {
    const win = fx.state.windows[0];
    expect(win?.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false });
    expect(win?.options.webPreferences.preload).toBe(path.join(root, 'dist-electron', 'preload.cjs'));
    expect(win?.webContents.url).toBe(entryUrl);
    expect(fx.state.menu).toBeTruthy();
  });

  it('answers every contract call over IPC, for its own page only', async () => {
    expect([...fx.state.ipc.keys()].sort()).toEqual(callNames.map((n) => `emt:${n}`).sort());
    const agents = await invoke('agents.list', `${entryUrl}#/stage`, {});
    expect(agents.ok && (agents.value as unknown[]).length).toBe(6);
    expect(await invoke('agents.list', 'https://evil.example/', {})).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    const status = await invoke('runtime.status', entryUrl, {});
    expect(status).toMatchObject({ ok: true, value: { database: { kind: 'pglite', location: path.join(fx.state.userData, 'db') } } });
  });

  it('forwards the engine stream to the window', async () => {
    const wc = fx.state.windows[0]?.webContents;
    const created = await invoke('proposals.create', entryUrl, { agentId: 'opus', title: 'Stream check', steps: [{ kind: 'wait', payload: {} }] });
    expect(created.ok).toBe(true);
    const missionId = created.ok ? (created.value as { mission: { id: number } }).mission.id : 0;
    await until(() =>
      wc?.sent.some((s) => s.channel === 'emt:stream' && (s.msg as { type: string; mission?: { id: number; status: string } }).mission?.status === 'succeeded'),
    );
    expect(wc?.sent.some((s) => (s.msg as { event?: { missionId: number } }).event?.missionId === missionId)).toBe(true);
  });

  it('denies new windows and sends web links to the system browser', () => {
    const wc = fx.state.windows[0]?.webContents;
    expect(wc?.openHandler?.({ url: 'https://bsky.app/profile/x' })).toEqual({ action: 'deny' });
    expect(wc?.openHandler?.({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(fx.state.opened).toEqual(['https://bsky.app/profile/x']);
  });

  it('keeps the window on the app', () => {
    const wc = fx.state.windows[0]?.webContents;
    const navigate = (url: string): boolean => {
      let prevented = false;
      wc?.emit('will-navigate', { preventDefault: () => (prevented = true) }, url);
      return prevented;
    };
    expect(navigate(`${entryUrl}#/missions/3`)).toBe(false);
    expect(navigate('https://evil.example/')).toBe(true);
    expect(navigate('file:///etc/passwd')).toBe(true);
    expect(fx.state.opened).toContain('https://evil.example/');
  });

  it('sends a CSP header and grants no permissions', () => {
    let headers: unknown;
    fx.state.headersListener?.({ responseHeaders: { 'X-Other': ['1'] } }, (r) => (headers = r));
    expect(headers).toMatchObject({ responseHeaders: { 'X-Other': ['1'], 'Content-Security-Policy': [expect.stringContaining("script-src 'self'")] } });
    let granted: boolean | null = null;
    fx.state.permissionHandler?.(null, 'media', (ok) => (granted = ok));
    expect(granted).toBe(false);
  });

  it('stops the engine before quitting', async () => {
    fx.app.quit();
    expect(fx.state.quitted).toBe(false); // held until the engine and database are closed
    await until(() => fx.state.quitted);
    expect(await invoke('agents.list', entryUrl, {})).toMatchObject({ ok: false, error: { code: 'unavailable' } });
  });
});
