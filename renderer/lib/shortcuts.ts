/**
 * Keyboard shortcuts: a key per view (1–9, the header's order), N for a new task, / to search the feed,
 * ? to list them. Ignored while typing in a field or with a modifier held.
 */
import type { Route } from './router.js';

export interface Shortcut {
  keys: string;
  label: string;
}

export const viewKeys: { key: string; route: Route; label: string }[] = [
  { key: '1', route: { view: 'stage' }, label: 'Stage' },
  { key: '2', route: { view: 'missions', missionId: null }, label: 'Missions' },
  { key: '3', route: { view: 'proposals' }, label: 'Proposals' },
  { key: '4', route: { view: 'autonomy' }, label: 'Autonomy' },
  { key: '5', route: { view: 'roundtables', conversationId: null }, label: 'Roundtables' },
  { key: '6', route: { view: 'agents', agentId: null }, label: 'Agents' },
  { key: '7', route: { view: 'artifacts', artifactId: null }, label: 'Artifacts' },
  { key: '8', route: { view: 'models' }, label: 'Models' },
  { key: '9', route: { view: 'settings' }, label: 'Settings' },
];

/** The key that goes to a view (every view has one, in the order of the header's tabs). */
export function viewKey(view: Route['view']): string | undefined {
  return viewKeys.find((v) => v.route.view === view)?.key;
}

export const shortcutList: Shortcut[] = [
  ...viewKeys.map((v) => ({ keys: v.key, label: `Go to ${v.label}` })),
  { keys: 'N', label: 'Give a new task' },
  { keys: '/', label: 'Search the signal feed' },
  { keys: '?', label: 'Show these shortcuts' },
  { keys: 'Esc', label: 'Close a dialog' },
];

export type ShortcutAction = { type: 'go'; route: Route } | { type: 'new-task' } | { type: 'search' } | { type: 'help' };

/** Is the key meant for a field (or a widget that handles its own keys)? */
function typing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || typeof el.closest !== 'function') return false;
  return !!el.closest('input, textarea, select, [contenteditable=""], [contenteditable="true"], [role=dialog]');
}

/** The action for a keydown, or null. */
export function shortcutFor(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'target'>): ShortcutAction | null {
  if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return null;
  const view = viewKeys.find((v) => v.key === e.key);
  if (view) return { type: 'go', route: view.route };
  if (e.key === 'n' || e.key === 'N') return { type: 'new-task' };
  if (e.key === '/') return { type: 'search' };
  if (e.key === '?') return { type: 'help' };
  return null;
}
