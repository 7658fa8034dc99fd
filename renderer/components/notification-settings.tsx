import { useState } from 'react';
import { alertKinds, askPermission, notifySupport, readPrefs, writePrefs, type NotifyPrefs } from '../lib/notify.js';

const support: Record<ReturnType<typeof notifySupport>, string> = {
  desktop: 'Shown by your desktop.',
  granted: 'This browser may show them.',
  default: 'This browser shows none until you allow them.',
  denied: 'This browser blocks notifications for this page; allow them in its site settings.',
  unsupported: 'This browser cannot show notifications.',
};

/** One checkbox per kind of alert, kept in this browser. */
export function NotificationSettings() {
  const [prefs, setPrefs] = useState<NotifyPrefs>(readPrefs);
  const [state, setState] = useState(notifySupport);
  const toggle = (kind: keyof NotifyPrefs, on: boolean): void => {
    const next = { ...prefs, [kind]: on };
    setPrefs(next);
    writePrefs(next);
    if (on) void askPermission().then(() => setState(notifySupport()));
  };
  return (
    <fieldset className="notify-settings" data-testid="notification-settings">
      <legend>Notifications</legend>
      {alertKinds.map((k) => (
        <label key={k.kind} className="notify-row">
          <input type="checkbox" checked={prefs[k.kind]} onChange={(e) => toggle(k.kind, e.target.checked)} />
          {k.label}
        </label>
      ))}
      <p className="notify-note">
        {support[state]}
        {state === 'default' && (
          <>
            {' '}
            <button type="button" className="btn btn-ghost btn-small" onClick={() => void askPermission().then(() => setState(notifySupport()))}>
              Allow notifications
            </button>
          </>
        )}
      </p>
    </fieldset>
  );
}
