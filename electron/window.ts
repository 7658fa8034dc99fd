/**
 * The main window, locked down: context isolation, sandbox, no Node in the
 * page, web security on; no new windows (http(s) links open in the system
 * browser); no navigation away from the app's own page; no webviews; no
 * permission prompts (notifications are shown by the main process, see
 * notify.ts, so the page needs none); the app's one CSP as a header on everything loaded (the
 * app:// protocol sends it itself; this covers the dev server too).
 */
import { BrowserWindow, session, shell, type Session } from 'electron';
import { CSP } from '../core/api/csp.js';
import { isExternalWebUrl, type AppLocation } from './app-url.js';

/** Session-wide rules; call once, before the first window. */
export function hardenSession(ses: Session = session.defaultSession): void {
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
  });
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
}

export function createMainWindow(location: AppLocation, preloadPath: string): BrowserWindow {
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    show: false,
    backgroundColor: '#0a0c11',
    title: 'emtesseract',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  const wc = win.webContents;
  wc.setWindowOpenHandler(({ url }) => {
    if (isExternalWebUrl(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  wc.on('will-navigate', (event, url) => {
    if (location.isAppUrl(url)) return;
    event.preventDefault();
    if (isExternalWebUrl(url)) void shell.openExternal(url);
  });
  wc.on('will-redirect', (event, url) => {
    if (!location.isAppUrl(url)) event.preventDefault();
  });
  wc.on('will-attach-webview', (event) => event.preventDefault());
  win.once('ready-to-show', () => win.show());
  void win.loadURL(location.entryUrl);
  return win;
}
