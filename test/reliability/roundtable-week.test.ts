import { afterEach, describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../core/llm/port.ts';
import { localDate } from '../../core/ops/time.ts';
import { runNextConversation } from '../../core/roundtable/worker.ts';
import { DrivenClock, drive, participantsOf, rtEngine, speakerOf, type Answer, type RtEngine } from '../core/roundtable/harness.ts';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const TZ = 'Europe/Berlin';
const START = Date.parse('2026-03-01T23:00:00Z'); // Monday 2 March, 00:00 in Berlin
const CAP = 10;

/**
 * The scripted company: turns are short lines (now and then with a link or
 * too long), and every distillation pushes affinities hard — pairs with the
 * wildcard down by 0.2, everyone else up by 0.2 — so the bounds and the
 * drift log's length are really tested. Formal formats always propose work.
 */
function responder(req: ChatRequest): Answer {
  if (!req.format) {
    const n = req.messages.at(-1)!.content.length;
    return n % 3 === 0 ? `${speakerOf(req)}: see www.example.com for the numbers we discussed` : `Point ${n} from ${speakerOf(req)}, and that is my view on it.`;
  }
  const ids = participantsOf(req);
  const drifts = [];
  for (let i = 0; i < ids.length; i++)
    for (let j = i + 1; j < ids.length; j++) {
      const wild = ids[i] === 'twitter-alt' || ids[j] === 'twitter-alt';
      drifts.push({ agent_a: ids[i], agent_b: ids[j], drift: wild ? -0.2 : 0.2, reason: wild ? 'clashed again' : 'worked well together' });
    }
  return {
    json: {
      memories: ids.map((a, i) => ({ agent_id: a, type: ['insight', 'pattern', 'strategy', 'lesson', 'preference'][i % 5], content: `Learned ${req.messages[0]!.content.length}-${i}`, confidence: 0.5 + i * 0.1, tags: ['engagement'] })),
      pairwise_drift: drifts,
      action_items: [
        { title: `Follow up ${req.messages[0]!.content.length}`, agent_id: ids[0], step_kind: 'analyze' },
        { title: `Write it up ${req.messages[0]!.content.length}`, agent_id: ids[1], step_kind: 'write_content' },
      ],
    },
  };
}

// On PostgreSQL: the seed's 30-day verification (test/reliability/seed-verification.test.ts) checks the
// same for a month on PGlite, and every shorter roundtable test runs on both.
describe.each(['postgres'] as const)('a simulated week on %s', (kind) => {
  let e: RtEngine;
  afterEach(async () => e?.close());

  it('holds the standup every day, never exceeds the daily cap, keeps affinities in 0.10–0.95 and drift logs at most 20', async () => {
    const clock = new DrivenClock(START);
    e = await rtEngine(kind, {
      clock,
      heartbeat: true,
      responder,
      initialPolicy: {
        timezone: { name: TZ },
        roundtable_policy: { enabled: true, max_daily_conversations: CAP, max_action_items_per_day: 3, stale_minutes: 10 },
      },
    });
    await e.start(); // first heartbeat now, then every 5 minutes on the clock
    const deps = { ctx: e.ctx, llm: e.llm!, seed: 7, workerId: 'sim-worker' };
    const signal = new AbortController().signal;
    while (clock.now() < START + 7 * DAY) {
      await clock.advance(5 * MIN); // fires the heartbeat (schedule, recovery, initiative)
      for (;;) {
        const out = await drive(clock, runNextConversation(deps, signal));
        if (out.next === 'idle') break;
      }
    }

    const convs = await e.db.query<{ id: number; format: string; slot_name: string | null; status: string; distill_status: string; created_at: string }>(
      'SELECT id, format, slot_name, status, distill_status, created_at FROM ops_roundtable_queue ORDER BY id',
    );
    const days = [...Array(7).keys()].map((d) => localDate(START + d * DAY + 12 * 60 * MIN, TZ));
    const byDay = new Map(days.map((d) => [d, convs.rows.filter((c) => localDate(Date.parse(c.created_at), TZ) === d)]));
    for (const d of days) {
      const today = byDay.get(d)!;
      expect(today.filter((c) => c.slot_name === 'Morning Standup' && c.format === 'standup'), d).toHaveLength(1);
      expect(today.length, d).toBeLessThanOrEqual(CAP);
      expect(today.length, d).toBeGreaterThanOrEqual(2);
    }
    expect(convs.rows.every((c) => c.status === 'succeeded' && c.distill_status === 'done')).toBe(true);

    const decisions = await e.db.query<{ local_day: string; n: number }>('SELECT local_day, count(*)::int AS n FROM ops_roundtable_slots GROUP BY local_day ORDER BY local_day');
    expect(decisions.rows.slice(0, 7)).toEqual(days.map((d) => ({ local_day: d, n: 24 })));

    const rel = await e.handlers['relationships.list']({});
    expect(rel).toHaveLength(15);
    for (const r of rel) {
      expect(r.affinity).toBeGreaterThanOrEqual(0.1);
      expect(r.affinity).toBeLessThanOrEqual(0.95);
      expect(r.driftLog.length).toBeLessThanOrEqual(20);
      expect(r.totalInteractions).toBe(r.positiveInteractions + r.negativeInteractions);
      for (const x of r.driftLog) expect(Math.abs(x.drift)).toBeLessThanOrEqual(0.03);
    }
    expect(rel.find((r) => r.agentA === 'brain' && r.agentB === 'opus')).toMatchObject({ affinity: 0.95 });
    expect(rel.some((r) => r.affinity === 0.1)).toBe(true);
    expect(rel.some((r) => r.driftLog.length === 20)).toBe(true);

    const turns = await e.db.query<{ text: string }>('SELECT text FROM ops_roundtable_turns');
    expect(turns.rows.length).toBeGreaterThan(convs.rows.length * 2);
    for (const t of turns.rows) {
      expect(t.text.length).toBeGreaterThan(0);
      expect(t.text.length).toBeLessThanOrEqual(120);
      expect(t.text).not.toMatch(/www\.|https?:/);
    }

    const actions = await e.db.query<{ created_at: string }>("SELECT created_at FROM ops_mission_proposals WHERE source = 'roundtable'");
    for (const d of days) expect(actions.rows.filter((a) => localDate(Date.parse(a.created_at), TZ) === d).length, d).toBeLessThanOrEqual(3);
    expect(actions.rows.length).toBeGreaterThanOrEqual(7 * 2);

    const live = await e.db.query<{ agent_id: string; n: number }>('SELECT agent_id, count(*)::int AS n FROM ops_agent_memory WHERE superseded_at IS NULL GROUP BY agent_id');
    for (const r of live.rows) expect(r.n).toBeLessThanOrEqual(200);
  }, 300_000);
});
