/**
 * A stand-in for the "electron" module (its binary cannot run on these
 * machines): it records what electron/main.ts asks of Electron — windows and
 * their options, IPC handlers, session handlers, the custom protocol, the
 * menu, the tray, notifications — and answers dialogs from a script the test sets. Tests mock
 * "electron" with `electronModule` and read `fx`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

type Fn = (...args: never[]) => unknown;

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
export interface MenuItem {
  id?: string;
  type?: string;
  label?: string;
  role?: string;
  submenu?: MenuItem[];
  click?: () => void;
}

export class FakeWebContents extends Emitter {
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

export class FakeWindow extends Emitter {
  webContents = new FakeWebContents();
  destroyed = false;
  minimized = false;
  /** How often it was shown and focused. */
  shown = 0;
  focused = 0;
  constructor(readonly options: { webPreferences: Record<string, unknown> } & Record<string, unknown>) {
    super();
    fx.windows.push(this);
  }
  static getAllWindows(): FakeWindow[] {
    return fx.windows.filter((w) => !w.destroyed);
  }
  loadURL(url: string): Promise<void> {
    this.webContents.url = url;
    return Promise.resolve();
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  restore(): void {
    this.minimized = false;
  }
  focus(): void {
    this.focused++;
  }
  show(): void {
    this.shown++;
  }
  /** The user closes the window: it is destroyed, and the app hears when it was the last. */
  close(): void {
    this.destroyed = true;
    this.emit('closed');
    if (FakeWindow.getAllWindows().length === 0) app.emit('window-all-closed');
  }
}

/** What nativeImage.createFromPath returns: the path, and the size read from the PNG's header. */
export class FakeImage {
  readonly size: { width: number; height: number } | null;
  constructor(readonly path: string) {
    const png = existsSync(path) ? readFileSync(path) : null;
    this.size = png && png.toString('latin1', 1, 4) === 'PNG' ? { width: png.readUInt32BE(16), height: png.readUInt32BE(20) } : null;
  }
  isEmpty(): boolean {
    return this.size === null;
  }
}

export class FakeTray extends Emitter {
  toolTip = '';
  menu: MenuItem[] = [];
  destroyed = false;
  constructor(readonly image: FakeImage) {
    super();
    fx.trays.push(this);
  }
  setToolTip(text: string): void {
    this.toolTip = text;
  }
  setContextMenu(menu: MenuItem[]): void {
    this.menu = menu;
  }
  destroy(): void {
    this.destroyed = true;
  }
  /** A context menu item by id. */
  item(id: string): MenuItem | undefined {
    return this.menu.find((it) => it.id === id);
  }
}

/** Electron's Notification: records what was shown; `supported` stands for Notification.isSupported(). */
export class FakeNotification extends Emitter {
  static supported = true;
  static isSupported(): boolean {
    return FakeNotification.supported;
  }
  shown = false;
  constructor(readonly options: { title: string; body: string }) {
    super();
  }
  show(): void {
    this.shown = true;
    fx.notifications.push(this);
  }
}

export interface DialogCall {
  kind: 'save' | 'open' | 'message' | 'error';
  opts: Record<string, unknown>;
}

export const fx = {
  appPath: '',
  userData: '',
  ready: false,
  quitted: false,
  exitCode: null as number | null,
  errors: [] as string[],
  opened: [] as string[],
  openedPaths: [] as string[],
  menu: null as MenuItem[] | null,
  ipc: new Map<string, Listener>(),
  /** Every window opened, closed ones too. */
  windows: [] as FakeWindow[],
  trays: [] as FakeTray[],
  /** Notifications shown, in order. */
  notifications: [] as FakeNotification[],
  headersListener: null as null | ((details: { responseHeaders: Record<string, string[]> }, cb: (r: unknown) => void) => void),
  permissionHandler: null as null | ((wc: unknown, permission: string, cb: (ok: boolean) => void) => void),
  permissionCheck: null as null | ((...args: unknown[]) => boolean),
  schemes: [] as { scheme: string; privileges: Record<string, boolean>; beforeReady: boolean }[],
  protocolHandlers: new Map<string, (request: Request) => Response | Promise<Response>>(),
  /** Answers for the next dialogs, in order; a dialog with no answer left is cancelled. */
  dialogAnswers: [] as unknown[],
  dialogs: [] as DialogCall[],
  /** What a preload exposed through contextBridge. */
  exposed: new Map<string, unknown>(),
};

function answer<T>(fallback: T): Promise<T> {
  return Promise.resolve((fx.dialogAnswers.length ? fx.dialogAnswers.shift() : fallback) as T);
}

const app = new (class extends Emitter {
  isPackaged = false;
  getAppPath = (): string => fx.appPath;
  getPath = (): string => fx.userData;
  getVersion = (): string => '0.0.0-test';
  whenReady = (): Promise<void> => {
    fx.ready = true;
    return Promise.resolve();
  };
  requestSingleInstanceLock = (): boolean => true;
  exit = (code: number): void => {
    fx.exitCode = code;
  };
  quit = (): void => {
    let prevented = false;
    this.emit('before-quit', { preventDefault: () => (prevented = true) });
    if (!prevented) fx.quitted = true;
  };
})();

export const fakeApp = app;

export const electronModule = {
  app,
  BrowserWindow: FakeWindow,
  ipcMain: { handle: (channel: string, fn: Listener) => fx.ipc.set(channel, fn) },
  protocol: {
    registerSchemesAsPrivileged: (schemes: { scheme: string; privileges: Record<string, boolean> }[]) =>
      fx.schemes.push(...schemes.map((s) => ({ ...s, beforeReady: !fx.ready }))),
    handle: (scheme: string, fn: (request: Request) => Response | Promise<Response>) => fx.protocolHandlers.set(scheme, fn),
  },
  session: {
    defaultSession: {
      webRequest: { onHeadersReceived: (fn: never) => (fx.headersListener = fn) },
      setPermissionRequestHandler: (fn: never) => (fx.permissionHandler = fn),
      setPermissionCheckHandler: (fn: never) => (fx.permissionCheck = fn),
    },
  },
  shell: {
    openExternal: (url: string) => fx.opened.push(url) && Promise.resolve(),
    openPath: (p: string) => fx.openedPaths.push(p) && Promise.resolve(''),
  },
  dialog: {
    showErrorBox: (title: string, body: string) => {
      fx.errors.push(`${title}: ${body}`);
      fx.dialogs.push({ kind: 'error', opts: { title, body } });
    },
    showSaveDialog: (opts: Record<string, unknown>) => {
      fx.dialogs.push({ kind: 'save', opts });
      return answer({ canceled: true });
    },
    showOpenDialog: (opts: Record<string, unknown>) => {
      fx.dialogs.push({ kind: 'open', opts });
      return answer({ canceled: true, filePaths: [] });
    },
    showMessageBox: (opts: Record<string, unknown>) => {
      fx.dialogs.push({ kind: 'message', opts });
      return answer({ response: (opts.cancelId as number | undefined) ?? 0 });
    },
  },
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => fx.exposed.set(key, api) },
  ipcRenderer: { invoke: () => Promise.resolve({ ok: true, value: null }), on: () => {}, removeListener: () => {} },
  webUtils: { getPathForFile: (file: { path?: string }) => file.path ?? '' },
  Tray: FakeTray,
  Notification: FakeNotification,
  nativeImage: { createFromPath: (p: string) => new FakeImage(p) },
  Menu: { buildFromTemplate: (t: MenuItem[]) => t, setApplicationMenu: (m: MenuItem[]) => (fx.menu = m) },
};

/** A menu item by id, searched through the submenus. */
export function menuItem(id: string): MenuItem | undefined {
  const walk = (items: MenuItem[] | undefined): MenuItem | undefined => {
    for (const it of items ?? []) {
      if (it.id === id) return it;
      const found = walk(it.submenu);
      if (found) return found;
    }
    return undefined;
  };
  return walk(fx.menu ?? undefined);
}

export async function until<T>(read: () => T | undefined | null | false | Promise<T | undefined | null | false>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}

export function invoke(call: string, url: string | null, input?: unknown): Promise<{ ok: boolean; value?: unknown; error?: { code: string; message: string } }> {
  const h = fx.ipc.get(`emt:${call}`);
  if (!h) throw new Error(`no handler for ${call}`);
  return h({ senderFrame: url === null ? null : { url } }, input) as never;
}

/**
 * Runs electron/main.ts from `appPath` on a new data folder and waits for its
 * window. The returned function quits the app (unless a test did) and
 * removes the folder.
 */
export async function startMain(appPath: string): Promise<() => Promise<void>> {
  fx.appPath = appPath;
  fx.userData = await mkdtemp(path.join(os.tmpdir(), 'emt-userdata-'));
  const [windows, errors] = [fx.windows.length, fx.errors.length];
  await import('../../../electron/main.js');
  await until(() => fx.windows.length > windows || fx.errors.length > errors, 120_000);
  if (fx.errors.length > errors) throw new Error(`The app did not start: ${fx.errors.slice(errors).join('; ')}`);
  return async () => {
    if (!fx.quitted) {
      app.quit();
      await until(() => fx.quitted);
    }
    await rm(fx.userData, { recursive: true, force: true });
  };
}
