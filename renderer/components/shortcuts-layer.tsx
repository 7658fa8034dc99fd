import { useEffect, useState } from 'react';
import { navigate } from '../lib/router.js';
import { shortcutFor, shortcutList } from '../lib/shortcuts.js';
import { startAlertsSync } from '../store/alerts-sync.js';
import { useUi } from '../store/ui-store.js';
import { Modal } from './modal.js';
import { NotificationSettings } from './notification-settings.js';

/** Listens for the keyboard shortcuts, shows the list on `?`, and turns alerts into notifications. */
export function ShortcutsLayer() {
  const [help, setHelp] = useState(false);
  useEffect(() => startAlertsSync(), []);
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      const a = shortcutFor(e);
      if (!a || useUi.getState().giveTask.open) return;
      e.preventDefault();
      if (a.type === 'go') navigate(a.route);
      else if (a.type === 'new-task') useUi.getState().openGiveTask();
      else if (a.type === 'help') setHelp(true);
      else {
        navigate({ view: 'stage' });
        // The stage may be mounting: focus the search box once it is there.
        const focus = (tries: number): void => {
          const box = document.querySelector<HTMLInputElement>('input[aria-label="Search signals"]');
          if (box) box.focus();
          else if (tries > 0) requestAnimationFrame(() => focus(tries - 1));
        };
        focus(30);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  if (!help) return null;
  return (
    <Modal title="Keyboard shortcuts" onClose={() => setHelp(false)}>
      <dl className="shortcut-list" data-testid="shortcut-list">
        {shortcutList.map((s) => (
          <div key={s.keys} className="shortcut-row">
            <dt>
              <kbd>{s.keys}</kbd>
            </dt>
            <dd>{s.label}</dd>
          </div>
        ))}
      </dl>
      <NotificationSettings />
    </Modal>
  );
}
