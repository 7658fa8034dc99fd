import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PgliteDb } from '../../core/db/pglite.ts';
import { simulate } from '../../core/sim/simulate.ts';
import type { SimReport } from '../../core/sim/report.ts';

const DAYS = 30;

/**
 * The seed's own verification list, after 30 simulated days: heartbeats
 * recorded every 5 minutes, triggers firing, roundtables succeeding, events
 * flowing, memories written. The simulated company is kept in a data dir and
 * reopened, as a user would open it in the app.
 */
describe(`after a ${DAYS}-day simulation`, () => {
  let dir: string;
  let report: SimReport;
  let db: PgliteDb;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'emt-sim-'));
    report = (await simulate({ days: DAYS, seed: 1, dataDir: path.join(dir, 'company') })).report;
    db = await PgliteDb.open({ dataDir: path.join(dir, 'company') });
  }, 900_000);
  afterAll(async () => {
    await db?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('recorded a heartbeat every 5 minutes, all succeeded', async () => {
    expect(report.heartbeats).toEqual({ runs: DAYS * 288 + 1, partial: 0, failed: 0 });
    const gaps = await db.query<{ gap: number; n: number }>(
      `SELECT extract(epoch FROM started_at - lag(started_at) OVER (ORDER BY id))::int AS gap, 1 AS n FROM ops_action_runs WHERE action = 'heartbeat'`,
    );
    const distinct = new Set(gaps.rows.slice(1).map((r) => r.gap));
    expect([...distinct]).toEqual([300]);
  });

  it('ran the learning loop on the offline social platform: posts, engagement, lessons from them, the reactive rules they feed', async () => {
    expect(report.posts.published).toBeGreaterThan(DAYS);
    expect(report.posts.measured).toBeGreaterThan(0);
    expect(report.posts.lessons).toBeGreaterThan(0);
    const rules = await db.query<{ name: string; fire_count: number }>(
      `SELECT name, fire_count FROM ops_trigger_rules WHERE name IN ('tweet_high_engagement', 'content_published') ORDER BY name`,
    );
    expect(rules.rows.map((r) => [r.name, r.fire_count > 0])).toEqual([
      ['content_published', true],
      ['tweet_high_engagement', true],
    ]);
  });

  it('fired the trigger rules: every proactive rule, and fire counts > 0', async () => {
    const rules = await db.query<{ name: string; kind: string; fire_count: number }>('SELECT name, kind, fire_count FROM ops_trigger_rules');
    for (const r of rules.rows.filter((x) => x.kind === 'proactive')) expect(r.fire_count, r.name).toBeGreaterThan(0);
    expect(rules.rows.reduce((n, r) => n + r.fire_count, 0)).toBeGreaterThan(100);
  });

  it('held roundtables that succeeded, the standup every day, within the daily cap', async () => {
    const byDay = await db.query<{ day: string; total: number; standups: number; ok: number }>(
      `SELECT to_char(created_at, 'YYYY-MM-DD') AS day, count(*)::int AS total,
              count(*) FILTER (WHERE format = 'standup')::int AS standups, count(*) FILTER (WHERE status = 'succeeded')::int AS ok
       FROM ops_roundtable_queue GROUP BY 1 ORDER BY 1`,
    );
    expect(byDay.rows).toHaveLength(DAYS);
    for (const d of byDay.rows) {
      expect(d.standups, d.day).toBeGreaterThanOrEqual(1);
      expect(d.total, d.day).toBeLessThanOrEqual(5); // roundtable_policy.max_daily_conversations
    }
    expect(byDay.rows.reduce((n, d) => n + d.ok, 0)).toBeGreaterThan(DAYS);
  });

  it('kept events flowing every day and wrote memories of several types', async () => {
    const days = await db.query<{ n: number }>(`SELECT count(DISTINCT to_char(created_at, 'YYYY-MM-DD'))::int AS n FROM ops_agent_events`);
    // every one of the 30 days (the last instant of the run may open a 31st date)
    expect(days.rows[0]!.n).toBeGreaterThanOrEqual(DAYS);
    expect(days.rows[0]!.n).toBeLessThanOrEqual(DAYS + 1);
    expect(report.events).toBeGreaterThan(DAYS * 50);
    expect(Object.keys(report.memories).length).toBeGreaterThanOrEqual(3);
    expect(Object.values(report.memories).reduce((a, b) => a + b, 0)).toBeGreaterThan(DAYS);
  });

  it('kept relationships within bounds with at most 20 drift-log entries', async () => {
    const rel = await db.query<{ affinity: number; log: number }>('SELECT affinity, jsonb_array_length(drift_log)::int AS log FROM ops_agent_relationships');
    expect(rel.rows).toHaveLength(15);
    for (const r of rel.rows) {
      expect(r.affinity).toBeGreaterThanOrEqual(0.1);
      expect(r.affinity).toBeLessThanOrEqual(0.95);
      expect(r.log).toBeLessThanOrEqual(20);
    }
  });
});
