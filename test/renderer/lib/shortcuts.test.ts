import { describe, expect, it } from 'vitest';
import { shortcutFor, shortcutList, viewKey, viewKeys } from '../../../renderer/lib/shortcuts.js';

const key = (k: string, extra: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean; target: unknown }> = {}) =>
  ({ key: k, ctrlKey: false, metaKey: false, altKey: false, target: null, ...extra }) as Parameters<typeof shortcutFor>[0];
/** Something that looks like an element inside (or not inside) a field. */
const inside = (field: boolean) => ({ closest: () => (field ? {} : null) });

describe('keyboard shortcuts', () => {
  it('maps keys to views, a new task, search and help', () => {
    expect(shortcutFor(key('1'))).toEqual({ type: 'go', route: { view: 'stage' } });
    expect(shortcutFor(key('2'))).toEqual({ type: 'go', route: { view: 'missions', missionId: null } });
    expect(shortcutFor(key('6'))).toEqual({ type: 'go', route: { view: 'agents', agentId: null } });
    expect(shortcutFor(key('7'))).toEqual({ type: 'go', route: { view: 'artifacts', artifactId: null } });
    expect(shortcutFor(key('8'))).toEqual({ type: 'go', route: { view: 'models' } });
    expect(shortcutFor(key('9'))).toEqual({ type: 'go', route: { view: 'settings' } });
    expect(shortcutFor(key('0'))).toBeNull();
    expect(shortcutFor(key('n'))).toEqual({ type: 'new-task' });
    expect(shortcutFor(key('/'))).toEqual({ type: 'search' });
    expect(shortcutFor(key('?'))).toEqual({ type: 'help' });
    expect(shortcutFor(key('x'))).toBeNull();
  });

  it('gives every view a key of its own, and lists each in the ? sheet', () => {
    const views = ['stage', 'missions', 'proposals', 'autonomy', 'roundtables', 'agents', 'artifacts', 'models', 'settings'] as const;
    expect(views.map((v) => viewKey(v))).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(new Set(viewKeys.map((v) => v.key)).size).toBe(views.length);
    for (const v of viewKeys) expect(shortcutList).toContainEqual({ keys: v.key, label: `Go to ${v.label}` });
  });

  it('leaves keys alone while typing in a field or with a modifier', () => {
    expect(shortcutFor(key('n', { target: inside(true) }))).toBeNull();
    expect(shortcutFor(key('n', { target: inside(false) }))).toEqual({ type: 'new-task' });
    expect(shortcutFor(key('1', { ctrlKey: true }))).toBeNull();
    expect(shortcutFor(key('1', { metaKey: true }))).toBeNull();
    expect(shortcutFor(key('/', { altKey: true }))).toBeNull();
  });
});
