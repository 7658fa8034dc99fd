import { afterEach, describe, expect, it } from 'vitest';
import { cachedPolicy, forget, upsertPolicy } from '../../../core/ops/policy.ts';
import { policyDefaults } from '../../../core/ops/policy-schemas.ts';
import { FakeClock } from '../../../core/ports/clock.ts';
import { eventually, testEngine, type TestEngine } from '../../support/engine.ts';

describe('a stored policy that no longer fits its schema', () => {
  let e: TestEngine;
  afterEach(async () => e?.close());

  it('is reported as an event once (not on every read), listed as not valid, and the default is used meanwhile', async () => {
    const clock = new FakeClock('2026-03-02T09:00:00Z');
    e = await testEngine('pglite', { clock, workers: false, heartbeat: false });
    await upsertPolicy(e.db, 'x_daily_quota', { limit: 'lots' }, '2026-03-02T09:00:00Z');
    forget(e.ctx, 'x_daily_quota');
    expect(await cachedPolicy(e.ctx, 'x_daily_quota')).toEqual(policyDefaults.x_daily_quota);
    await clock.advance(5_000); // past the cache: read again, and again
    await cachedPolicy(e.ctx, 'x_daily_quota');
    await clock.advance(5_000);
    await cachedPolicy(e.ctx, 'x_daily_quota');
    const events = await eventually(async () => {
      const r = await e.handlers['events.page']({ kind: 'policy_invalid' });
      return r.items.length ? r.items : null;
    });
    await clock.advance(5_000);
    await cachedPolicy(e.ctx, 'x_daily_quota');
    const again = await e.handlers['events.page']({ kind: 'policy_invalid' });
    expect(again.items).toHaveLength(1);
    expect(events[0]).toMatchObject({ title: 'Policy x_daily_quota no longer fits its schema', tags: expect.arrayContaining(['policy', 'error', 'x_daily_quota']) });
    expect(events[0]!.summary).toMatch(/^The stored value is not valid \(limit: .*\); the default is used until it is fixed in Settings\.$/);
    const listed = (await e.handlers['policy.list']({})).find((p) => p.key === 'x_daily_quota');
    expect(listed).toMatchObject({ valid: false, value: { limit: 'lots' } });
  });
});
