import './bridge-types.js';
import { createHttpTransport } from './http-transport.js';
import { createIpcTransport } from './ipc-transport.js';
import type { Transport } from './transport.js';

const TOKEN_KEY = 'emt.token';

/**
 * The token for a remote `serve`: taken from `?token=` in the page URL, kept
 * for this tab's session, and removed from the address bar so it does not
 * linger in history or screenshots.
 */
function takeToken(win: Window): string | null {
  const url = new URL(win.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    try {
      win.sessionStorage.setItem(TOKEN_KEY, fromUrl);
    } catch {}
    url.searchParams.delete('token');
    win.history.replaceState(win.history.state, '', url.toString());
    return fromUrl;
  }
  try {
    return win.sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

/** Keeps a token typed by hand for this tab's session; the page reloads to use it. */
export function rememberToken(token: string, win: Window = window): void {
  try {
    win.sessionStorage.setItem(TOKEN_KEY, token.trim());
  } catch {}
}

/** IPC inside the desktop app (the preload put `window.emt` there), HTTP in a browser. */
export function pickTransport(win: Window = window): Transport {
  if (win.emt) return createIpcTransport(win.emt);
  const base = new URL('.', win.location.href);
  base.search = '';
  base.hash = '';
  return createHttpTransport({ baseUrl: base.toString(), token: takeToken(win) });
}

export const transport: Transport = pickTransport();
