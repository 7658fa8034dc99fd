/**
 * OS notifications for alerts: through the desktop app's hook when the
 * preload provides one (window.emtDesktop.notify), else the browser's
 * Notification API. Each kind has its own setting, kept in this browser.
 */
export type AlertKind = 'breaker' | 'llm' | 'import' | 'budget' | 'approval';

export const alertKinds: { kind: AlertKind; label: string }[] = [
  { kind: 'breaker', label: 'A worker is turned off by its circuit breaker' },
  { kind: 'llm', label: 'No Ollama host answers' },
  { kind: 'import', label: 'An import has finished' },
  { kind: 'budget', label: 'A token budget is nearly or fully used' },
  { kind: 'approval', label: 'A proposal waits for your approval' },
];

export type NotifyPrefs = Record<AlertKind, boolean>;

declare global {
  interface Window {
    /** Provided by the desktop preload (electron/preload.ts): native notifications shown by Electron's main process; resolves to whether one was shown. */
    emtDesktop?: { notify?(title: string, body: string): Promise<boolean> | void };
  }
}

const KEY = 'emt.notifications';
/** Every kind notifies until turned off. */
const defaults = Object.fromEntries(alertKinds.map(({ kind }) => [kind, true])) as NotifyPrefs;

export function readPrefs(): NotifyPrefs {
  try {
    const raw = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<Record<string, unknown>>;
    const out = { ...defaults };
    for (const { kind } of alertKinds) {
      const v = raw[kind];
      if (typeof v === 'boolean') out[kind] = v;
    }
    return out;
  } catch {
    return { ...defaults };
  }
}

export function writePrefs(p: NotifyPrefs): void {
  localStorage.setItem(KEY, JSON.stringify(p));
}

/** Whether notifications can be shown at all here, and why not. */
export function notifySupport(): 'desktop' | 'granted' | 'default' | 'denied' | 'unsupported' {
  if (window.emtDesktop?.notify) return 'desktop';
  if (typeof Notification === 'undefined') return 'unsupported';
  return Notification.permission;
}

/** Asks the browser for permission (call from a click: browsers want a gesture). */
export async function askPermission(): Promise<void> {
  if (typeof Notification !== 'undefined' && Notification.permission === 'default') await Notification.requestPermission();
}

/** What was shown, for tests and for not repeating ourselves. */
export const shown: { kind: AlertKind; title: string; body: string }[] = [];

export function notifyAlert(kind: AlertKind, title: string, body: string): boolean {
  if (!readPrefs()[kind]) return false;
  shown.push({ kind, title, body });
  const desktop = window.emtDesktop?.notify;
  if (desktop) {
    void desktop(title, body);
    return true;
  }
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return false;
  new Notification(title, { body, tag: `emt-${kind}` });
  return true;
}
