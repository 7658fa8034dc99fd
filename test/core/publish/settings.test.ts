import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../core/api/errors.ts';
import { deleteSetting, getSetting, redactSetting, setSetting } from '../../../core/publish/settings.ts';
import { dbKinds } from '../../support/db.ts';
import { testEngine, type TestEngine } from '../../support/engine.ts';

describe.each(dbKinds)('publishing settings on %s', (kind) => {
  let e: TestEngine;
  afterEach(async () => e?.close());

  it('stores, validates, reads back, redacts and deletes credentials', async () => {
    e = await testEngine(kind, { workers: false, heartbeat: false });
    expect(await getSetting(e.db, 'bluesky')).toBeNull();
    const saved = await setSetting(e.ctx, 'bluesky', { handle: ' @agents.bsky.social ', appPassword: 'abcd-efgh-ijkl-mnop', service: 'https://bsky.social/' });
    expect(saved).toEqual({ handle: 'agents.bsky.social', appPassword: 'abcd-efgh-ijkl-mnop', service: 'https://bsky.social' });
    expect(await getSetting(e.db, 'bluesky')).toEqual(saved);
    const row = await e.db.query<{ updated_at: string }>("SELECT updated_at FROM ops_settings WHERE key = 'bluesky'");
    expect(row.rows[0]!.updated_at).toBe('2026-03-02T09:00:00.000Z');
    expect(redactSetting('bluesky', saved)).toEqual({ handle: 'agents.bsky.social', appPassword: '••••', service: 'https://bsky.social' });

    const err = await setSetting(e.ctx, 'bluesky', { handle: 'agents.bsky.social', appPassword: '' }).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('invalid_input');
    expect((err as AppError).message).toBe('The bluesky settings are not valid: appPassword: an app password is required.');
    const ftp = await setSetting(e.ctx, 'bluesky', { handle: 'a.b.c', appPassword: 'p', service: 'ftp://x' }).catch((x: unknown) => x);
    expect(ftp).toMatchObject({ code: 'invalid_input' });

    // a stored value that no longer fits reads as "not configured"
    await e.db.query(`UPDATE ops_settings SET value = '{"handle": 42}'::jsonb WHERE key = 'bluesky'`);
    expect(await getSetting(e.db, 'bluesky')).toBeNull();
    expect(await deleteSetting(e.db, 'bluesky')).toBe(true);
    expect(await deleteSetting(e.db, 'bluesky')).toBe(false);
  });
});
