/**
 * Which URLs are the app's own page. The window loads the built renderer from
 * the app:// protocol (or, in development, from the Vite dev server), and
 * only that page may navigate the window or make IPC calls.
 */
import { APP_ENTRY_URL } from './app-protocol.js';

export interface AppLocation {
  /** The URL the window loads. */
  entryUrl: string;
  /** Is `url` the app's own page (any hash route of it)? */
  isAppUrl(url: string): boolean;
}

function withoutHash(url: string): string {
  const u = new URL(url);
  u.hash = '';
  u.search = '';
  return u.toString();
}

/** The built renderer on app://emtesseract/ (see app-protocol.ts): its index.html, under any hash route. */
export function appProtocolLocation(): AppLocation {
  return {
    entryUrl: APP_ENTRY_URL,
    isAppUrl(url) {
      try {
        return withoutHash(url) === APP_ENTRY_URL;
      } catch {
        return false;
      }
    },
  };
}

/** The Vite dev server (development only): same origin. */
export function devServerLocation(devUrl: string): AppLocation {
  const origin = new URL(devUrl).origin;
  return {
    entryUrl: devUrl,
    isAppUrl(url) {
      try {
        return new URL(url).origin === origin;
      } catch {
        return false;
      }
    },
  };
}

export function isExternalWebUrl(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}
