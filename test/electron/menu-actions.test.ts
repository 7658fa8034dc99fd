/**
 * The File and Company menu actions against a real engine's handlers (PGlite
 * in memory), with data.inspect and data.import standing in for the data
 * feature's (they are another branch's work): a scripted dialog plays the user.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallOutput, Handlers } from '../../core/api/contract.js';
import { AppError } from '../../core/api/errors.js';
import { describeReplacement, importData, togglePause, type DialogLike } from '../../electron/menu-actions.js';
import { testEngine, type TestEngine } from '../support/engine.ts';

const manifest: CallOutput<'data.inspect'>['manifest'] = {
  format: 'emtesseract-archive',
  formatVersion: 1,
  appVersion: '0.1.0',
  schemaVersion: 6,
  createdAt: '2026-12-01T10:00:00.000Z',
  source: 'pglite',
  tables: [
    { name: 'ops_agents', rows: 6, sha256: 'a' },
    { name: 'ops_agent_events', rows: 1200, sha256: 'b' },
  ],
};
const inspected: CallOutput<'data.inspect'> = {
  manifest,
  current: [
    { name: 'ops_agents', rows: 6 },
    { name: 'ops_agent_events', rows: 40 },
    { name: 'ops_missions', rows: 3 },
  ],
  compatible: true,
  problem: null,
};

function scriptedDialog(answers: { open?: string | null; confirm?: number }) {
  const seen: { kind: string; opts: unknown }[] = [];
  const dialog: DialogLike = {
    showSaveDialog: async (opts) => (seen.push({ kind: 'save', opts }), { canceled: true }),
    showOpenDialog: async (opts) => (seen.push({ kind: 'open', opts }), answers.open ? { canceled: false, filePaths: [answers.open] } : { canceled: true, filePaths: [] }),
    showMessageBox: async (opts) => (seen.push({ kind: 'message', opts }), { response: answers.confirm ?? 0 }),
    showErrorBox: (title, content) => void seen.push({ kind: 'error', opts: { title, content } }),
  };
  return { dialog, seen };
}

describe('menu actions', () => {
  let e: TestEngine;
  beforeAll(async () => {
    e = await testEngine('pglite', { workers: false, heartbeat: false });
  });
  afterAll(async () => e?.close());

  function handlers(imported: unknown[], importReply: () => Promise<CallOutput<'data.import'>>): Handlers {
    return {
      ...e.handlers,
      'data.inspect': async (input) => (imported.push(['inspect', input]), inspected),
      'data.import': async (input) => (imported.push(['import', input]), importReply()),
    };
  }

  it('says what an import replaces: current rows beside the archive, table by table', () => {
    const text = describeReplacement(inspected);
    expect(text).toContain('(49 rows) is replaced by the archive made 2026-12-01T10:00:00.000Z (1,206 rows, schema 6)');
    expect(text).toContain('ops_agent_events: 40 now → 1,200 from the archive');
    expect(text).toContain('ops_missions: 3 now → 0 from the archive');
  });

  it('imports only after the user confirms the replacement', async () => {
    const calls: unknown[] = [];
    const reply = async (): Promise<CallOutput<'data.import'>> => ({ manifest, backup: null, migratedFrom: null, durationMs: 5 });
    const cancelled = scriptedDialog({ open: '/home/u/company.emtx', confirm: 1 });
    await importData({ handlers: handlers(calls, reply), dialog: cancelled.dialog, today: () => '2026-12-02' });
    expect(calls).toEqual([['inspect', { path: '/home/u/company.emtx' }]]);
    expect(cancelled.seen.map((s) => s.kind)).toEqual(['open', 'message']);
    expect(cancelled.seen[1]?.opts).toMatchObject({ type: 'warning', buttons: ['Replace', 'Cancel'], cancelId: 1, detail: describeReplacement(inspected) });

    const accepted = scriptedDialog({ open: '/home/u/company.emtx', confirm: 0 });
    await importData({ handlers: handlers(calls, reply), dialog: accepted.dialog, today: () => '2026-12-02' });
    expect(calls.at(-1)).toEqual(['import', { path: '/home/u/company.emtx' }]);
    expect(accepted.seen.at(-1)?.opts).toMatchObject({ message: 'Import complete', detail: '1,206 rows imported.' });
  });

  it('shows a refused import as its sentence and says the company was left as it was', async () => {
    const calls: unknown[] = [];
    const refuse = async (): Promise<never> => {
      throw new AppError('invalid_input', 'The archive is truncated: ops_agent_events ends after 17 of 1,200 rows.');
    };
    const d = scriptedDialog({ open: '/home/u/broken.emtx', confirm: 0 });
    await importData({ handlers: handlers(calls, refuse), dialog: d.dialog, today: () => '2026-12-02' });
    expect(d.seen.at(-1)).toEqual({
      kind: 'error',
      opts: { title: 'Import failed', content: 'The archive is truncated: ops_agent_events ends after 17 of 1,200 rows. The current company was left as it was.' },
    });
  });

  it('Pause/Resume flips the real engine state', async () => {
    const d = scriptedDialog({});
    expect(await togglePause({ handlers: e.handlers, dialog: d.dialog, today: () => '' })).toBe(true);
    expect((await e.handlers['runtime.status']({})).pause).toMatchObject({ paused: true, reason: 'Paused from the menu' });
    expect(await togglePause({ handlers: e.handlers, dialog: d.dialog, today: () => '' })).toBe(false);
    expect(d.seen).toEqual([]);
  });
});
