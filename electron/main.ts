/**
 * The desktop app's main process: one instance, one locked-down window, the
 * engine on an embedded database in the user's data folder, the contract
 * over IPC, the stream over webContents.send, a tray icon to come back to
 * once the window is closed. No business rules live here.
 */
import path from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, Notification, protocol } from 'electron';
import type { Handlers } from '../core/api/contract.js';
import { AppError, isAppError } from '../core/api/errors.js';
import { prepareDataDir } from '../core/data/layout.js';
import { setLockOwner } from '../core/db/dir-lock.js';
import { useWasmTier } from '../core/db/wasm-tiers.js';
import { EngineHost, type EngineHostOptions } from '../core/host/engine-host.js';
import { ollamaWiring, type OllamaWiring } from '../core/llm/ollama-wiring.js';
import { SystemClock } from '../core/ports/clock.js';
import { consoleLog } from '../core/ports/log.js';
import { SystemRandom } from '../core/ports/random.js';
import { installAppProtocol, registerAppScheme } from './app-protocol.js';
import { appProtocolLocation, devServerLocation, type AppLocation } from './app-url.js';
import { STREAM_CHANNEL } from './channels.js';
import { registerIpc } from './ipc.js';
import { installMenu } from './menu.js';
import { registerNotify } from './notify.js';
import { installTray, quitsWhenLastWindowCloses, type AppTray } from './tray.js';
import { createMainWindow, hardenSession } from './window.js';

const log = consoleLog(app.isPackaged ? 'info' : 'debug');
let mainWindow: BrowserWindow | null = null;
/** Set once the engine runs: from then on the window may be opened (again). */
let windowLocation: AppLocation | null = null;
let running: { host: EngineHost; ollama: OllamaWiring; tray: AppTray | null; unsubscribe: () => void } | null = null;
let stopping = false;

// app://emtesseract/ serves the built renderer; a privileged scheme must be registered before ready.
registerAppScheme(protocol);

function appLocation(): AppLocation {
  const devUrl = process.env.EMT_RENDERER_URL;
  if (devUrl && !app.isPackaged) return devServerLocation(devUrl);
  return appProtocolLocation();
}

function migrationsDir(): string {
  return app.isPackaged ? path.join(process.resourcesPath, 'migrations') : path.join(app.getAppPath(), 'migrations');
}

function trayIconPath(): string {
  return app.isPackaged ? path.join(process.resourcesPath, 'tray.png') : path.join(app.getAppPath(), 'resources', 'tray.png');
}

/** The tray, or null (logged) where it cannot be shown: the app then quits when its window closes, as it did before. */
function openTray(handlers: Handlers, initial: { paused: boolean; reason: string | null } | null): AppTray | null {
  try {
    const tray = installTray({ iconPath: trayIconPath(), handlers, showWindow, initial });
    if (!tray) log.warn('No tray icon: its image did not load', { path: trayIconPath() });
    return tray;
  } catch (err) {
    log.warn('No tray icon', { error: String(err) });
    return null;
  }
}

/** While quitting, calls get a clear "unavailable" instead of reaching a closed database. */
function whileRunning(handlers: Handlers): Handlers {
  const guarded = Object.entries(handlers).map(([name, fn]) => [
    name,
    (input: never) => (running ? (fn as (i: never) => Promise<unknown>)(input) : Promise.reject(new AppError('unavailable', 'emtesseract is shutting down.'))),
  ]);
  return Object.fromEntries(guarded) as Handlers;
}

/**
 * Opens the company through the engine host (which locks the data folder and
 * survives imports and restores). A database folder that does not open is
 * never replaced by an empty company: the user chooses between restoring the
 * newest backup (the broken folder is kept aside as db.broken-<time>) and quitting.
 */
async function openHost(opts: Omit<EngineHostOptions, 'recovery'>): Promise<EngineHost> {
  try {
    return await EngineHost.open({ ...opts, recovery: 'refuse' });
  } catch (err) {
    if (!isAppError(err) || err.code !== 'unavailable' || !err.details?.newestBackup) throw err;
    const choice = await dialog.showMessageBox({
      type: 'warning',
      message: 'The company’s database could not be opened.',
      detail: `${err.message}\n\nRestoring sets the broken folder aside (nothing is deleted) and loads the newest backup.`,
      buttons: ['Restore newest backup', 'Quit'],
      defaultId: 0,
      cancelId: 1,
    });
    if (choice.response !== 0) throw err;
    return EngineHost.open({ ...opts, recovery: 'restore-latest' });
  }
}

async function startEngine(location: AppLocation): Promise<void> {
  setLockOwner('the emtesseract desktop app');
  const layout = await prepareDataDir(app.getPath('userData'));
  const clock = new SystemClock();
  // The LLM: Ollama hosts from llm_policy, and the local `ollama serve` this app may start and must stop.
  const ollama = ollamaWiring({ clock, log });
  const host = await openHost({
    place: { kind: 'folder', layout },
    appVersion: app.getVersion(),
    engine: {
      clock,
      random: new SystemRandom(),
      log,
      location: layout.db,
      processId: `desktop-${process.pid}`,
      version: app.getVersion(),
      migrationsDir: migrationsDir(),
      initialPolicy: { timezone: { name: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC' } },
      llm: ollama,
    },
  });
  const handlers = whileRunning(host.handlers);
  registerIpc(ipcMain, handlers, (url) => location.isAppUrl(url), {
    onInvalidInput: (call, message) => log.warn(`Refused input for ${call}`, { message }),
    onInternalError: (call, err) => log.error(`Call ${call} failed`, { error: err instanceof Error ? err.stack : String(err) }),
  });
  registerNotify(ipcMain, Notification, (url) => location.isAppUrl(url), { onClick: showWindow, onRefused: (message) => log.warn(message) });
  const pause = await handlers['runtime.status']({}).then((s) => s.pause, () => null);
  const menu = installMenu(app.getPath('userData'), handlers, pause?.paused ?? false);
  const tray = openTray(handlers, pause);
  const unsubscribe = host.bus.subscribe((msg) => {
    if (msg.type === 'runtime') {
      menu.setPaused(msg.state.paused);
      tray?.setPaused(msg.state.paused, msg.state.reason);
    }
    const wc = mainWindow && !mainWindow.isDestroyed() ? mainWindow.webContents : null;
    if (wc && !wc.isDestroyed() && location.isAppUrl(wc.getURL())) wc.send(STREAM_CHANNEL, msg);
  });
  running = { host, ollama, tray, unsubscribe };
  await host.start();
}

async function stopEngine(): Promise<void> {
  const r = running;
  running = null;
  if (!r) return;
  r.tray?.destroy();
  r.unsubscribe();
  await r.host.stop().catch((err: unknown) => log.error('Engine did not stop cleanly', { error: String(err) }));
  await r.ollama.localOllama.stop().catch((err: unknown) => log.warn('The local Ollama did not stop cleanly', { error: String(err) }));
}

function openWindow(location: AppLocation): void {
  mainWindow = createMainWindow(location, path.join(app.getAppPath(), 'dist-electron', 'preload.cjs'));
  mainWindow.on('closed', () => {
    mainWindow = null;
  });
}

/** Brings the window forward, or opens it again if it was closed (tray, a second launch). */
function showWindow(): void {
  if (!windowLocation) return;
  if (!mainWindow || mainWindow.isDestroyed()) return openWindow(windowLocation);
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.show();
  mainWindow.focus();
}

async function main(): Promise<void> {
  useWasmTier('baseline');
  if (!app.requestSingleInstanceLock()) {
    // Another instance owns the database folder; it shows its window instead.
    app.quit();
    return;
  }
  app.on('second-instance', showWindow);
  await app.whenReady();
  const location = appLocation();
  installAppProtocol(protocol, path.join(app.getAppPath(), 'dist', 'renderer'));
  hardenSession();
  try {
    await startEngine(location);
  } catch (err) {
    dialog.showErrorBox('emtesseract could not start', err instanceof Error ? err.message : String(err));
    app.exit(1);
    return;
  }
  windowLocation = location;
  showWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) openWindow(location);
  });
}

app.on('web-contents-created', (_event, contents) => {
  contents.on('will-attach-webview', (e) => e.preventDefault());
});

// With a tray the company keeps working with no window; tray → Quit and File → Quit still quit.
app.on('window-all-closed', () => {
  if (quitsWhenLastWindowCloses(process.platform, Boolean(running?.tray))) app.quit();
});

app.on('before-quit', (event) => {
  if (!running || stopping) return;
  // Stop the workers and heartbeat and close the database before the process exits.
  event.preventDefault();
  stopping = true;
  void stopEngine().finally(() => app.quit());
});

void main();
