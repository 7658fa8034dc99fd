import { afterEach, describe, expect, it } from 'vitest';
import type { FakeClock } from '../../../core/ports/clock.ts';
import { setPolicy } from '../../../core/ops/policy.ts';
import { dbKinds } from '../../support/db.ts';
import { testEngine, type TestEngine } from '../../support/engine.ts';

describe.each(dbKinds)('scheduler inspector on %s', (kind) => {
  let e: TestEngine;
  afterEach(async () => e?.close());

  it('lists the 11 rules with kind, next eligible time, last result, skip reason and fire count', async () => {
    e = await testEngine(kind, { workers: false });
    const rules = await e.handlers['triggers.list']({});
    expect(rules).toHaveLength(11);
    expect(rules.filter((r) => r.kind === 'reactive').map((r) => r.name).sort()).toEqual(['content_published', 'insight_promoted', 'mission_failed', 'tweet_high_engagement']);
    expect(rules.filter((r) => r.kind === 'proactive')).toHaveLength(7);
    const first = await e.heartbeat.runOnce();
    // on a fresh start no proactive rule is due yet: they are staggered over the first hour or two
    expect(first?.jobs.find((j) => j.name === 'evaluate_triggers')?.result).toMatchObject({ fired: [], cooldown: expect.arrayContaining(['proactive_research']) });
    await (e.clock as FakeClock).advance(3 * 3600_000);
    await e.heartbeat.runOnce();
    const after = await e.handlers['triggers.list']({});
    for (const r of after) expect(r.lastResult).toMatch(/^(fired|skipped|no_match|rejected)/);
    const skipped = after.filter((r) => r.lastResult?.startsWith('skipped'));
    for (const r of skipped) expect(r.skipReason).toMatch(/skipped by chance/);
    const fired = after.filter((r) => r.lastResult?.startsWith('fired'));
    expect(fired.length).toBeGreaterThan(0);
    for (const r of fired) {
      expect(r.fireCount).toBe(1);
      expect(Date.parse(r.nextEligibleAt!)).toBeGreaterThan((e.clock as FakeClock).now());
    }
  });

  it('updates rules with validation; a disabled rule is never evaluated', async () => {
    e = await testEngine(kind, { workers: false });
    const rule = (await e.handlers['triggers.list']({})).find((r) => r.name === 'proactive_research')!;
    await expect(e.handlers['triggers.update']({ id: rule.id, conditions: { skip_probability: 2, topics: [] } })).rejects.toThrow(
      /conditions of "proactive_research" are not valid: skip_probability/,
    );
    const upd = await e.handlers['triggers.update']({ id: rule.id, enabled: false, cooldownMinutes: 90 });
    expect(upd).toMatchObject({ enabled: false, cooldownMinutes: 90 });
    await e.heartbeat.runOnce();
    const after = (await e.handlers['triggers.list']({})).find((r) => r.id === rule.id)!;
    expect(after.lastEvaluatedAt).toBeNull();
  });

  it('honours conditions: outside its active hours a proactive rule does not fire', async () => {
    e = await testEngine(kind, { workers: false }); // the clock starts at 09:00 UTC
    await setPolicy(e.ctx, 'timezone', { name: 'UTC' });
    const rule = (await e.handlers['triggers.list']({})).find((r) => r.name === 'proactive_research')!;
    await e.handlers['triggers.update']({ id: rule.id, conditions: { ...rule.conditions, active_hours: [13, 17], skip_probability: 0 } });
    await e.db.query('UPDATE ops_trigger_rules SET next_eligible_at = NULL WHERE id = $1', [rule.id]);
    await e.heartbeat.runOnce();
    let r = (await e.handlers['triggers.list']({})).find((x) => x.id === rule.id)!;
    expect(r.lastResult).toBe('no_match: outside active hours 13:00–17:00 (now 9:00)');
    expect(r.fireCount).toBe(0);
    await (e.clock as FakeClock).advance(4 * 3600_000);
    await e.heartbeat.runOnce();
    r = (await e.handlers['triggers.list']({})).find((x) => x.id === rule.id)!;
    expect(r.fireCount).toBe(1);
  });

  it('reactive rules honour their conditions: a post below the engagement bar does not fire, one above does, once', async () => {
    e = await testEngine(kind, { workers: false });
    const now = new Date((e.clock as FakeClock).now()).toISOString();
    await e.db.query(
      `INSERT INTO ops_posts (platform, agent_id, text, uri, remote_id, posted_at, likes, reposts, replies, metrics_at)
       VALUES ('bluesky', 'twitter-alt', 'meh', 'at://a/1', '1', $1, 3, 0, 0, $1)`,
      [now],
    );
    const rule = (await e.handlers['triggers.list']({})).find((r) => r.name === 'tweet_high_engagement')!;
    const first = await e.handlers['triggers.runNow']({ id: rule.id });
    expect(first, JSON.stringify(first)).toMatchObject({ decision: 'no_match' });
    await e.db.query(
      `INSERT INTO ops_posts (platform, agent_id, text, uri, remote_id, posted_at, likes, reposts, replies, metrics_at)
       VALUES ('bluesky', 'twitter-alt', 'banger', 'at://a/2', '2', $1, 30, 5, 2, $1)`,
      [now],
    );
    const fired = await e.handlers['triggers.runNow']({ id: rule.id });
    expect(fired.decision).toBe('fired');
    const p = await e.handlers['proposals.list']({ agentId: 'growth' });
    expect(p[0]).toMatchObject({ source: 'trigger', title: 'Analyze high-engagement post #2' });
    expect((await e.handlers['triggers.runNow']({ id: rule.id })).decision).toBe('no_match');
  });
});

describe('a rule that fires (PGlite: one statement stream, so the order below is exact)', () => {
  let e: TestEngine;
  afterEach(async () => e?.close());

  it('has its decision written with the proposal: when the step is queued (a worker may claim it and call the model), the rule of the step is already known to its budget', async () => {
    e = await testEngine('pglite', { workers: false });
    const rule = (await e.handlers['triggers.list']({})).find((r) => r.name === 'proactive_research')!;
    const seen: Promise<{ rows: { name: string }[] }>[] = [];
    // issued the moment the step is announced, ahead of anything the firing does after its transaction
    const off = e.ctx.bus.onWake(() => {
      seen.push(
        e.db.query<{ name: string }>(
          `SELECT r.name FROM ops_mission_steps s
             JOIN ops_missions m ON m.id = s.mission_id
             JOIN ops_trigger_decisions d ON d.proposal_id = m.proposal_id
             JOIN ops_trigger_rules r ON r.id = d.rule_id
           ORDER BY s.id DESC LIMIT 1`,
        ),
      );
    });
    const fired = await e.handlers['triggers.runNow']({ id: rule.id });
    off();
    expect(fired.decision).toBe('fired');
    expect(seen.length).toBeGreaterThan(0);
    expect((await seen[0]!).rows).toEqual([{ name: 'proactive_research' }]);
  });
});
