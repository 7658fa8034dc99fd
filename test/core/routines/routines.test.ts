import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../../core/db/db.ts';
import { createEngine, type Engine } from '../../../core/engine.ts';
import { writeMemory } from '../../../core/memory/store.ts';
import { createProposalAndMaybeAutoApprove } from '../../../core/ops/proposal-service.ts';
import { policyDefaults } from '../../../core/ops/policy-schemas.ts';
import { FakeClock, macrotaskTurns } from '../../../core/ports/clock.ts';
import { memoryLog } from '../../../core/ports/log.ts';
import { SeededRandom } from '../../../core/ports/random.ts';
import { dbKinds, freshDb } from '../../support/db.ts';
import { ARTICLE_SENTENCE, ARTICLE_TITLE, startWebServer } from '../../support/web-server.ts';
import { MODEL, meteredLlm } from '../budget/harness.ts';

const TEN_MIN = 10 * 60_000;
const HOUR = 3_600_000;
const TZ = 'Europe/Berlin'; // UTC+1 in early March

describe.each(dbKinds)('routines on %s', (kind) => {
  let db: Db;
  let e: Engine | null = null;
  let clock: FakeClock;
  const model = meteredLlm((req) => (req.messages.at(-1)?.content.includes('missions were') ? 'A steady day: notes written, research done.' : 'Findings: fine.'));
  afterEach(async () => {
    await e?.stop();
    await db?.close();
  });

  beforeEach(() => {
    clock = new FakeClock('2026-03-02T06:00:00Z'); // Monday 07:00 in Berlin
  });

  async function open(): Promise<Engine> {
    const engine = await createEngine({
      db,
      clock,
      random: new SeededRandom(7),
      log: memoryLog(),
      location: kind,
      processId: 'routines-test',
      heartbeat: false,
      // the routines' own timers, without the rest of the heartbeat
      routines: true,
      workers: { kinds: ['analyze', 'briefing', 'consolidate_memory', 'wait', 'write_content', 'crawl'], pollMs: TEN_MIN },
      queuePollMs: TEN_MIN,
      llm: { service: { llmFor: () => model, probe: async () => ({ ok: true }) } },
      initialPolicy: {
        timezone: { name: TZ },
        llm_policy: { ...policyDefaults.llm_policy, hosts: ['http://127.0.0.1:9'], default_model: MODEL, health_check_seconds: 3600 },
      },
    });
    await engine.start();
    return engine;
  }
  /** Nothing queued that is due, nothing running. */
  const idle = async () => (await db.query<{ n: number }>("SELECT count(*)::int AS n FROM ops_mission_steps WHERE status = 'running' OR (status = 'queued' AND run_after <= $1)", [new Date(clock.now()).toISOString()])).rows[0]!.n === 0;
  /** Waits (on the real clock, up to a minute on a slow machine) for the work that is due to finish. */
  async function settle(): Promise<void> {
    const end = performance.now() + 60_000;
    while (!(await idle()) && performance.now() < end) {
      await macrotaskTurns(2);
      await new Promise((r) => setTimeout(r, 2));
    }
    expect(await idle()).toBe(true);
  }
  /** Lets the app run until `to`, an hour at a time, finishing the work each stretch starts. */
  async function runUntil(to: string): Promise<void> {
    const target = Date.parse(to);
    while (clock.now() < target) {
      await clock.advanceTo(Math.min(target, clock.now() + HOUR));
      await settle();
    }
  }
  const runs = async () =>
    (await db.query<{ name: string; outcome: string; due_at: string | null; created_at: string }>(
      `SELECT r.name, x.outcome, x.due_at, x.created_at FROM ops_routine_runs x JOIN ops_routines r ON r.id = x.routine_id ORDER BY x.id`,
    )).rows.map((x) => ({ name: x.name, outcome: x.outcome, due: x.due_at && new Date(x.due_at).toISOString(), at: new Date(x.created_at).toISOString() }));

  it('over 3 days with the app closed for 30 hours: each routine runs at its time while up, once on wake for the missed window, and every skip says why', { timeout: 240_000 }, async () => {
    db = await freshDb(kind);
    e = await open();
    expect((await e.handlers['routines.list']({})).map((r) => [r.name, r.timeOfDay, r.agentId, r.nextRunAt])).toEqual([
      ['Night consolidation', '03:00', 'observer', '2026-03-03T02:00:00.000Z'],
      ['Morning research', '09:00', 'brain', '2026-03-02T08:00:00.000Z'],
      ['Social scan', '13:00', 'growth', '2026-03-02T12:00:00.000Z'],
      ['Evening briefing', '20:00', 'opus', '2026-03-02T19:00:00.000Z'],
    ]);
    // two posts, one with its engagement read back, before the first social scan
    await db.query(
      `INSERT INTO ops_posts (platform, agent_id, text, uri, remote_id, posted_at, likes, reposts, replies, metrics_at) VALUES
         ('bluesky', 'twitter-alt', 'Our agents shipped the scheduler', 'at://a/1', '1', '2026-03-01T15:00:00Z', 7, 2, 1, '2026-03-01T18:00:00Z'),
         ('bluesky', 'twitter-alt', 'Weekend thoughts on local models', 'at://a/2', '2', '2026-03-01T20:00:00Z', 0, 0, 0, NULL)`,
    );
    await runUntil('2026-03-02T10:00:00Z');
    await createProposalAndMaybeAutoApprove(e.ctx, { agentId: 'creator', title: 'Write launch notes', steps: [{ kind: 'wait', payload: { seconds: 0 } }] }); // a wait of 0 s: one on the fake clock would hang settle() if the step is claimed after an advance
    for (const n of [1, 2]) await writeMemory(db, { agentId: 'brain', type: 'insight', content: `Weekend posts get fewer replies${n === 2 ? '!' : ''}`, confidence: 0.7 + n / 10, provenance: 'conversation' }, new Date(clock.now()).toISOString());
    // day 1 and the morning of day 2, up
    await runUntil('2026-03-03T11:00:00Z'); // Tuesday 12:00 Berlin
    await e.stop();
    e = null;
    // closed (or asleep) for 30 hours
    await clock.advance(30 * 3_600_000); // Wednesday 18:00 Berlin
    e = await open();
    await settle();
    const wake = new Date(clock.now()).toISOString();
    await runUntil('2026-03-05T09:00:00Z'); // Thursday 10:00 Berlin
    const all = await runs();
    const on = (name: string) => all.filter((r) => r.name === name).map((r) => [r.outcome, r.due, r.outcome === 'ran' ? r.at === r.due : r.at === wake]);
    // "ran": at exactly its due time; "caught_up" and its "skipped": at the moment of waking
    expect(on('Morning research')).toEqual([
      ['ran', '2026-03-02T08:00:00.000Z', true],
      ['ran', '2026-03-03T08:00:00.000Z', true],
      ['caught_up', '2026-03-04T08:00:00.000Z', true],
      ['ran', '2026-03-05T08:00:00.000Z', true],
    ]);
    expect(on('Social scan')).toEqual([
      ['ran', '2026-03-02T12:00:00.000Z', true],
      ['skipped', '2026-03-03T12:00:00.000Z', true],
      ['caught_up', '2026-03-04T12:00:00.000Z', true],
    ]);
    expect(on('Evening briefing')).toEqual([
      ['ran', '2026-03-02T19:00:00.000Z', true],
      ['caught_up', '2026-03-03T19:00:00.000Z', true],
      ['ran', '2026-03-04T19:00:00.000Z', true],
    ]);
    expect(on('Night consolidation')).toEqual([
      ['ran', '2026-03-03T02:00:00.000Z', true],
      ['caught_up', '2026-03-04T02:00:00.000Z', true],
      ['ran', '2026-03-05T02:00:00.000Z', true],
    ]);
    const reasons = (await e.handlers['routines.history']({ limit: 100 })).filter((r) => r.outcome !== 'ran').map((r) => r.reason);
    expect(reasons.every((r) => !!r && /closed or asleep/.test(r))).toBe(true);
    // every run went through the proposal service and its mission finished
    const missions = await db.query<{ title: string; status: string }>("SELECT m.title, m.status FROM ops_missions m JOIN ops_mission_proposals p ON p.id = m.proposal_id WHERE p.source_ref LIKE 'routine:%'");
    expect(missions.rows).toHaveLength(12); // research 4, social scan 2, briefing 3, consolidation 3
    expect(missions.rows.every((m) => m.status === 'succeeded')).toBe(true);
    // each briefing is for the day it was due: the one caught up on wake (Wednesday) is Tuesday's, and names Tuesday's missions
    const briefing = await db.query<{ title: string; content: string; meta: { missionIds: number[]; writtenOn: string } }>("SELECT title, content, meta FROM ops_artifacts WHERE title LIKE 'Daily briefing%' ORDER BY id");
    expect(briefing.rows.map((b) => [b.title, b.meta.writtenOn])).toEqual([
      ['Daily briefing — 2026-03-02', '2026-03-02'],
      ['Daily briefing — 2026-03-03', '2026-03-04'],
      ['Daily briefing — 2026-03-04', '2026-03-04'],
    ]);
    const first = briefing.rows[0]!.content;
    for (const t of ['Write launch notes', 'Morning research', 'Social scan']) expect(first).toContain(t);
    expect(first).toContain('A steady day');
    const dayMissions = async (from: string, to: string) =>
      (await db.query<{ id: number; title: string }>('SELECT id::int AS id, title FROM ops_missions WHERE created_at >= $1 AND created_at < $2 ORDER BY id', [from, to])).rows;
    const tuesday = await dayMissions('2026-03-02T23:00:00Z', '2026-03-03T23:00:00Z'); // Tuesday in Berlin
    expect(tuesday.map((m) => m.title)).toEqual(['Night consolidation', 'Morning research']);
    const missed = briefing.rows[1]!;
    expect(missed.meta.missionIds).toEqual(tuesday.map((m) => m.id));
    for (const m of tuesday) expect(missed.content).toContain(`#${m.id} ${m.title}`);
    expect(missed.content).toContain('## Missions on 2026-03-03');
    expect(first).toContain('## Missions today');
    expect(missed.content).toContain('Written on 2026-03-04, when the app woke');
    expect(missed.content).not.toContain('Social scan'); // Tuesday's scan was missed; the one caught up on wake is Wednesday's
    const events = await db.query<{ title: string }>("SELECT title FROM ops_agent_events WHERE kind = 'daily_briefing' ORDER BY id");
    expect(events.rows.map((x) => x.title)).toEqual([
      'Daily briefing — 2026-03-02: 3 mission(s)', // research, the launch notes, the social scan
      'Daily briefing — 2026-03-03 (caught up): 2 mission(s)',
      expect.stringMatching(/^Daily briefing — 2026-03-04: \d+ mission\(s\)$/),
    ]);
    // the social scan reads our posts and their engagement
    const scans = model.requests.filter((r) => r.messages.at(-1)?.content.startsWith('Analyze: Social scan'));
    expect(scans).toHaveLength(2);
    const scan = scans[0]!.messages.at(-1)!.content;
    expect(scan).toContain('"Our agents shipped the scheduler" — 7 likes, 2 reposts, 1 replies (score 14)');
    expect(scan).toContain('"Weekend thoughts on local models" — engagement not read back yet');
    expect(scan).toContain('Measured: 1 of 2; best "Our agents shipped the scheduler" (score 14)');
    // the research cycle analyzes, then writes a note from its analysis
    const research = await db.query<{ kinds: string[]; status: string }>(
      "SELECT array_agg(s.kind ORDER BY s.seq) AS kinds, m.status FROM ops_missions m JOIN ops_mission_steps s ON s.mission_id = m.id WHERE m.title = 'Morning research' GROUP BY m.id, m.status ORDER BY m.id",
    );
    expect(research.rows).toEqual(Array(4).fill({ kinds: ['analyze', 'write_content'], status: 'succeeded' }));
    const notes = await db.query<{ title: string }>("SELECT title FROM ops_artifacts WHERE kind = 'document' AND meta->>'revisedFrom' IS NULL AND mission_id IN (SELECT id FROM ops_missions WHERE title = 'Morning research') ORDER BY id");
    expect(notes.rows).toHaveLength(4);
    const writes = model.requests.filter((r) => r.messages.at(-1)?.content.startsWith('Write: Research note — '));
    expect(writes.map((r) => r.messages.at(-1)!.content.split('\n')[0])).toEqual([
      'Write: Research note — 2026-03-02',
      'Write: Research note — 2026-03-03',
      'Write: Research note — 2026-03-04',
      'Write: Research note — 2026-03-05',
    ]);
    expect(writes[0]!.messages.at(-1)!.content).toContain('What the earlier steps found:\n### Analysis: Research: A deep research cycle');
    // the night consolidation merged the two near-duplicate memories: the more confident one stays
    const mem = await db.query<{ content: string; superseded_by: number | null }>("SELECT content, superseded_by FROM ops_agent_memory WHERE agent_id = 'brain' AND content LIKE 'Weekend%' ORDER BY id");
    expect(mem.rows.map((m) => [m.content, m.superseded_by === null])).toEqual([
      ['Weekend posts get fewer replies', false],
      ['Weekend posts get fewer replies!', true],
    ]);
  });

  it('a research cycle reads the sources in its prompt, analyzes what it read, and writes a note from the analysis, all through the gates', { timeout: 180_000 }, async () => {
    const web = await startWebServer();
    try {
      db = await freshDb(kind);
      e = await open();
      await e.handlers['policy.set']({ key: 'crawl_policy', value: { ...policyDefaults.crawl_policy, allowed_hosts: [web.host] } });
      const research = (await e.handlers['routines.list']({})).find((r) => r.kind === 'research')!;
      await e.handlers['routines.update']({ id: research.id, prompt: `What do lighthouse keepers teach us about counting? Read ${web.url}/article and ${web.url}/plain.` });
      const run = await e.handlers['routines.runNow']({ id: research.id });
      expect(run).toMatchObject({ outcome: 'manual', proposalId: expect.any(Number) });
      await settle();
      const steps = await db.query<{ kind: string; status: string; payload: Record<string, unknown> }>(
        'SELECT s.kind, s.status, s.payload FROM ops_mission_steps s JOIN ops_missions m ON m.id = s.mission_id WHERE m.proposal_id = $1 ORDER BY s.seq',
        [run.proposalId],
      );
      expect(steps.rows.map((x) => [x.kind, x.status])).toEqual([
        ['crawl', 'succeeded'],
        ['crawl', 'succeeded'],
        ['analyze', 'succeeded'],
        ['write_content', 'succeeded'],
      ]);
      expect(steps.rows.slice(0, 2).map((x) => x.payload['url'])).toEqual([`${web.url}/article`, `${web.url}/plain`]);
      // the analysis read the pages; the note read the pages and the analysis
      const asked = model.requests.slice(-2).map((r) => r.messages.at(-1)!.content);
      expect(asked[0]).toMatch(/^Analyze: Research: What do lighthouse keepers/);
      expect(asked[0]).toContain(`### ${ARTICLE_TITLE} (crawl)`);
      expect(asked[0]).toContain(ARTICLE_SENTENCE);
      expect(asked[0]).toContain('High water 06:12');
      expect(asked[1]).toMatch(/^Write: Research note — 2026-03-02/);
      expect(asked[1]).toContain('(analysis)\nFindings: fine.');
      const doc = await db.query<{ kind: string }>("SELECT a.kind FROM ops_artifacts a JOIN ops_missions m ON m.id = a.mission_id WHERE m.proposal_id = $1 ORDER BY a.id", [run.proposalId]);
      expect(doc.rows.map((a) => a.kind)).toEqual(['crawl', 'crawl', 'analysis', 'document']);
      // the crawl quota is a gate: with no crawls left today the run is refused with the reason, and nothing runs
      await e.handlers['policy.set']({ key: 'crawl_policy', value: { ...policyDefaults.crawl_policy, allowed_hosts: [web.host], max_per_day: 2 } });
      const refused = await e.handlers['routines.runNow']({ id: research.id });
      expect(refused).toMatchObject({ outcome: 'rejected', reason: expect.stringMatching(/crawl/i) });
    } finally {
      await web.close();
    }
  });

  it('editable, Run now through the gates, and a turned-off routine records its skip', { timeout: 180_000 }, async () => {
    db = await freshDb(kind);
    e = await open();
    const list = await e.handlers['routines.list']({});
    const research = list.find((r) => r.kind === 'research')!;
    const edited = await e.handlers['routines.update']({ id: research.id, timeOfDay: '08:30', days: [1, 3, 5], prompt: 'Competitor pricing', agentId: 'growth' });
    expect(edited, JSON.stringify(edited)).toMatchObject({ timeOfDay: '08:30', days: [1, 3, 5], agentId: 'growth', prompt: 'Competitor pricing', nextRunAt: '2026-03-02T07:30:00.000Z' });
    await expect(e.handlers['routines.update']({ id: research.id, agentId: 'nobody' })).rejects.toMatchObject({ code: 'not_found' });
    const now = await e.handlers['routines.runNow']({ id: research.id });
    expect(now).toMatchObject({ outcome: 'manual', proposalId: expect.any(Number) });
    const p = (await e.handlers['proposals.list']({ agentId: 'growth' }))[0]!;
    expect(p).toMatchObject({ status: 'accepted', source: 'system' });
    expect((await e.handlers['explain.why']({ proposalId: p.id })).chain.map((l) => l.kind)).toEqual(['proposal', 'routine']);
    const social = list.find((r) => r.kind === 'social_scan')!;
    await e.handlers['routines.update']({ id: social.id, enabled: false });
    await runUntil('2026-03-02T12:10:00Z');
    expect((await e.handlers['routines.history']({ id: social.id })).map((r) => [r.outcome, r.reason])).toEqual([['skipped', 'The routine is turned off.']]);
  });
});
