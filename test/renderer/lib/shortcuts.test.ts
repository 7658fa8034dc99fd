import { describe, expect, it } from 'vitest';
import { shortcutFor } from '../../../renderer/lib/shortcuts.js';

const key = (k: string, extra: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean; target: unknown }> = {}) =>
  ({ key: k, ctrlKey: false, metaKey: false, altKey: false, target: null, ...extra }) as Parameters<typeof shortcutFor>[0];
/** Something that looks like an element inside (or not inside) a field. */
const inside = (field: boolean) => ({ closest: () => (field ? {} : null) });

describe('keyboard shortcuts', () => {
  it('maps keys to views, a new task, search and help', () => {
    expect(shortcutFor(key('1'))).toEqual({ type: 'go', route: { view: 'stage' } });
    expect(shortcutFor(key('2'))).toEqual({ type: 'go', route: { view: 'missions', missionId: null } });
    expect(shortcutFor(key('7'))).toEqual({ type: 'go', route: { view: 'settings' } });
    expect(shortcutFor(key('n'))).toEqual({ type: 'new-task' });
    expect(shortcutFor(key('/'))).toEqual({ type: 'search' });
    expect(shortcutFor(key('?'))).toEqual({ type: 'help' });
    expect(shortcutFor(key('x'))).toBeNull();
  });

  it('leaves keys alone while typing in a field or with a modifier', () => {
    expect(shortcutFor(key('n', { target: inside(true) }))).toBeNull();
    expect(shortcutFor(key('n', { target: inside(false) }))).toEqual({ type: 'new-task' });
    expect(shortcutFor(key('1', { ctrlKey: true }))).toBeNull();
    expect(shortcutFor(key('1', { metaKey: true }))).toBeNull();
    expect(shortcutFor(key('/', { altKey: true }))).toBeNull();
  });
});
