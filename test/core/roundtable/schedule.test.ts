import { afterEach, describe, expect, it } from 'vitest';
import { setPolicy } from '../../../core/ops/policy.ts';
import { dbKinds } from '../../support/db.ts';
import { DrivenClock, rtEngine, type RtEngine } from './harness.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
// Monday 2 March 2026, midnight in Berlin (UTC+1)
const BERLIN_MIDNIGHT = Date.parse('2026-03-01T23:00:00Z');

describe.each(dbKinds)('the daily schedule on %s', (kind) => {
  let e: RtEngine;
  afterEach(async () => e?.close());

  const slots = async () =>
    (await e.db.query<{ local_day: string; slot_hour: number; decision: string; detail: string; conversation_id: number | null }>(
      'SELECT local_day, slot_hour, decision, detail, conversation_id FROM ops_roundtable_slots ORDER BY local_day, slot_hour',
    )).rows;

  it('fires slots in the user time zone, each at most once a day; the standup always happens', async () => {
    const clock = new DrivenClock(BERLIN_MIDNIGHT + 5 * HOUR + 58 * MIN); // 05:58 in Berlin, 04:58 UTC
    e = await rtEngine(kind, { clock, initialPolicy: { timezone: { name: 'Europe/Berlin' } } });
    const first = await e.heartbeat.runOnce();
    expect(first?.jobs.map((j) => j.name)).toEqual(expect.arrayContaining(['recover_stale_roundtables', 'schedule_roundtables', 'queue_initiatives']));
    let rows = await slots();
    // hours 0–3 are past their grace hour: missed, never queued late; 4 and 5 are decided now
    expect(rows.map((r) => [r.slot_hour, r.decision === 'missed'])).toEqual([
      [0, true],
      [1, true],
      [2, true],
      [3, true],
      [4, false],
      [5, false],
    ]);
    expect(rows.every((r) => r.local_day === '2026-03-02')).toBe(true);
    await clock.advance(2 * MIN); // 06:00 Berlin = 05:00 UTC
    await e.heartbeat.runOnce();
    await e.heartbeat.runOnce(); // the same hour again decides nothing new
    rows = await slots();
    expect(rows).toHaveLength(7);
    const standup = rows.find((r) => r.slot_hour === 6)!;
    expect(standup.decision).toBe('queued');
    const conv = await e.handlers['roundtables.get']({ id: standup.conversation_id! });
    expect(conv.conversation).toMatchObject({ format: 'standup', source: 'schedule', slotName: 'Morning Standup', status: 'queued' });
    expect(conv.conversation.participants.slice(0, 2)).toEqual(['opus', 'brain']);
    expect(conv.conversation.participants.length).toBeGreaterThanOrEqual(4);
    expect(conv.conversation.createdAt).toBe('2026-03-02T05:00:00.000Z');

    const sched = await e.handlers['roundtables.schedule']({});
    expect(sched).toMatchObject({ timezone: 'Europe/Berlin', day: '2026-03-02', maxDailyConversations: 5 });
    expect(sched.slots).toHaveLength(24);
    expect(sched.slots[6]).toMatchObject({ name: 'Morning Standup', probability: 1, decision: { decision: 'queued', conversationId: standup.conversation_id } });
    expect(sched.slots[7]!.decision).toBeNull();
  });

  it('a whole day: 24 decisions, rolls and caps recorded, never more conversations than the cap, spread over the day', async () => {
    const clock = new DrivenClock(BERLIN_MIDNIGHT + MIN);
    e = await rtEngine(kind, { clock, initialPolicy: { timezone: { name: 'Europe/Berlin' } } });
    for (let h = 0; h < 24; h++) {
      await clock.advanceTo(BERLIN_MIDNIGHT + h * HOUR + MIN);
      await e.heartbeat.runOnce();
    }
    const rows = await slots();
    expect(rows.map((r) => r.slot_hour)).toEqual([...Array(24).keys()]);
    const queued = rows.filter((r) => r.decision === 'queued');
    expect(queued.length).toBeLessThanOrEqual(5);
    expect(queued.map((r) => r.slot_hour)).toContain(6);
    expect(rows.filter((r) => r.decision === 'skipped_probability').length).toBeGreaterThan(0);
    expect(rows.filter((r) => r.decision === 'skipped_cap').length).toBeGreaterThan(0);
    expect(queued.filter((r) => r.slot_hour < 6).length).toBeLessThanOrEqual(1); // pacing: night chats cannot use up the day
    expect(rows.filter((r) => r.decision === 'skipped_probability').every((r) => /^Rolled 0\.\d\d against a chance of 0\.\d\d\.$/.test(r.detail))).toBe(true);
    const n = await e.db.query<{ n: number }>('SELECT count(*)::int AS n FROM ops_roundtable_queue');
    expect(n.rows[0]!.n).toBe(queued.length);
  });

  it('conversations turned off: every due slot is recorded as skipped_disabled, and asking for one is refused', async () => {
    const clock = new DrivenClock('2026-03-02T06:30:00Z');
    e = await rtEngine(kind, { clock });
    await setPolicy(e.ctx, 'roundtable_policy', { enabled: false, max_daily_conversations: 5 });
    await e.heartbeat.runOnce();
    const rows = await slots();
    expect(rows.filter((r) => r.decision === 'skipped_disabled').map((r) => r.slot_hour)).toEqual([5, 6]);
    await expect(e.handlers['roundtables.enqueue']({ format: 'watercooler' })).rejects.toMatchObject({ code: 'rejected' });
  });

  it('the cap counts every conversation of the day, the user’s included', async () => {
    e = await rtEngine(kind);
    await setPolicy(e.ctx, 'roundtable_policy', { enabled: true, max_daily_conversations: 2 });
    await e.handlers['roundtables.enqueue']({ format: 'watercooler' });
    await e.handlers['roundtables.enqueue']({ format: 'debate' });
    await expect(e.handlers['roundtables.enqueue']({ format: 'watercooler' })).rejects.toMatchObject({
      code: 'rejected',
      message: expect.stringContaining('(2/2)'),
    });
    await e.clock.advance(24 * HOUR);
    expect(await e.handlers['roundtables.enqueue']({ format: 'watercooler' })).toMatchObject({ status: 'queued' });
  });
});
