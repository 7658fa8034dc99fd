import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { INITIATIVE_STEP_KINDS } from '../../core/initiative/worker.ts';
import { ollamaWiring } from '../../core/llm/ollama-wiring.ts';
import { writeMemory } from '../../core/memory/store.ts';
import { pageEvents } from '../../core/ops/events.ts';
import { getMission } from '../../core/ops/missions.ts';
import { setPolicy } from '../../core/ops/policy.ts';
import { policyDefaults } from '../../core/ops/policy-schemas.ts';
import { createProposalAndMaybeAutoApprove } from '../../core/ops/proposal-service.ts';
import { SystemClock } from '../../core/ports/clock.ts';
import { silentLog } from '../../core/ports/log.ts';
import { formatIds, formats } from '../../core/roundtable/formats.ts';
import { eventually, testEngine, type TestEngine } from '../support/engine.ts';
import { realModelAvailable, realModelPath, startRealModelServer, type RealModelServer } from '../support/real-model-server.ts';
import { DrivenClock, driveUntil } from '../core/roundtable/harness.ts';

/** Real timers (the model answers in real time), but the day starts at noon, so "today's missions" never straddle a midnight. */
class NoonClock extends SystemClock {
  private readonly t0 = performance.now();
  override now(): number {
    return Date.parse('2026-03-02T12:00:00Z') + Math.floor(performance.now() - this.t0);
  }
}

const realTime = (): Promise<void> => new Promise((r) => setTimeout(r, 10));
const DAY = 86_400_000;
/** The seed's bounds (tutorial-and-status.md), whatever the model says. */
const TURNS_WANTED = 200;
const TURN_MAX = 120;
const MIN_CONFIDENCE = 0.55;
const AFFINITY = [0.1, 0.95] as const;
const MEMORIES_PER_CONVERSATION = 6;
const ACTION_ITEMS_PER_DAY = 3;

/**
 * Real, unscripted model output (children's stories) through roundtables, their distillations and every
 * other LLM path (the step executors, the briefing, chat, initiatives): the database and the seed's bounds
 * must hold whatever it says.
 */
describe('the real tiny model behind the Ollama API', () => {
  let srv: RealModelServer;

  beforeAll(async () => {
    if (!realModelAvailable()) throw new Error(`The test model is missing: ${realModelPath()}`);
    srv = await startRealModelServer();
  });
  afterAll(async () => srv?.close());
  const llmPolicy = () => ({
    llm_policy: { hosts: [srv.url], default_model: srv.modelName, fallback_model: null, per_agent: {}, per_step_kind: {}, keep_alive: '5m', num_ctx: null, health_check_seconds: 5 },
  });

  // On PGlite only: the model's unscripted output is what is under test here; how both databases keep the
  // same rows is what every other roundtable test checks.
  let e: TestEngine;
  afterEach(async () => e?.close());

  it(`speaks ${TURNS_WANTED} turns in roundtables of every format, each distilled, and every bound holds`, async () => {
    const clock = new DrivenClock('2026-03-02T09:00:00Z');
    e = await testEngine('pglite', {
      clock,
      heartbeat: false,
      workers: { kinds: [] },
      // the HTTP transport times out on real time (a hung server); the conversations run on the driven clock
      llm: ollamaWiring({ clock: new SystemClock(), log: silentLog }),
      initialPolicy: llmPolicy(),
    });
    await e.start();
    const perDay = policyDefaults.roundtable_policy.max_daily_conversations;
    let turns = 0;
    let conversations = 0;
    let distilled = 0;
    let memoriesMade = 0;
    for (let n = 0; turns < TURNS_WANTED; n++) {
      if (n > 0 && n % perDay === 0) await clock.advanceTo(Date.parse('2026-03-02T09:00:00Z') + (n / perDay) * DAY);
      const format = formatIds[n % formatIds.length]!;
      const conv = await e.handlers['roundtables.enqueue']({ format });
      const ended = async () => {
        const c = (await e.handlers['roundtables.get']({ id: conv.id })).conversation;
        return c.status === 'failed' || (c.status === 'succeeded' && ['done', 'failed'].includes(c.distillStatus));
      };
      await driveUntil(clock, ended, 50_000, realTime);
      const got = await e.handlers['roundtables.get']({ id: conv.id });
      expect(got.conversation.status, `conversation #${conv.id} (${format})`).toBe('succeeded');
      const f = formats[format];
      expect(got.turns.length).toBe(conv.turnsPlanned);
      expect(got.turns.length).toBeGreaterThanOrEqual(f.minTurns);
      expect(got.turns.length).toBeLessThanOrEqual(f.maxTurns);
      if (format === 'standup') expect(got.turns[0]!.speaker).toBe('opus');
      for (const [i, t] of got.turns.entries()) {
        expect(t.text.trim().length).toBeGreaterThan(0);
        expect(t.text.length).toBeLessThanOrEqual(TURN_MAX);
        expect(t.text).not.toMatch(/https?:\/\/|www\./);
        expect(conv.participants).toContain(t.speaker);
        if (i > 0) expect(t.speaker).not.toBe(got.turns[i - 1]!.speaker);
      }
      turns += got.turns.length;
      conversations++;

      // the distillation either worked within the rules or was logged as failed, nothing in between
      const status = got.conversation.distillStatus;
      expect(['done', 'failed']).toContain(status);
      if (status === 'done') distilled++;
      const failed = (await pageEvents(e.db, { kind: 'distill_failed', limit: 500 })).items.filter((x) => x.payload['conversationId'] === conv.id);
      expect(failed.length).toBe(status === 'failed' ? 1 : 0);
      const mems = await e.db.query<{ agent_id: string; type: string; confidence: number; provenance: string }>(
        'SELECT agent_id, type, confidence, provenance FROM ops_agent_memory WHERE source_trace_id LIKE $1',
        [`roundtable:${conv.id}:mem:%`],
      );
      expect(mems.rows.length).toBeLessThanOrEqual(MEMORIES_PER_CONVERSATION);
      if (status === 'failed') expect(mems.rows).toEqual([]);
      memoriesMade += mems.rows.length;
      for (const m of mems.rows) {
        expect(conv.participants).toContain(m.agent_id);
        expect(['insight', 'pattern', 'strategy', 'preference', 'lesson']).toContain(m.type);
        expect(m.confidence).toBeGreaterThanOrEqual(MIN_CONFIDENCE);
        expect(m.provenance).toBe('conversation');
      }
      for (const r of await e.handlers['relationships.list']({})) {
        expect(r.affinity).toBeGreaterThanOrEqual(AFFINITY[0]);
        expect(r.affinity).toBeLessThanOrEqual(AFFINITY[1]);
        for (const d of r.driftLog) expect(Math.abs(d.drift)).toBeLessThanOrEqual(0.03);
      }
    }

    const perDayItems = await e.db.query<{ day: string; n: number }>(
      "SELECT (created_at AT TIME ZONE 'UTC')::date::text AS day, count(*)::int AS n FROM ops_mission_proposals WHERE source = 'roundtable' GROUP BY 1 ORDER BY 1",
    );
    for (const d of perDayItems.rows) expect(d.n, d.day).toBeLessThanOrEqual(ACTION_ITEMS_PER_DAY);
    const perAgent = await e.db.query<{ n: number }>('SELECT count(*)::int AS n FROM ops_agent_memory WHERE superseded_by IS NULL GROUP BY agent_id');
    for (const a of perAgent.rows) expect(a.n).toBeLessThanOrEqual(200);
    const calls = await e.db.query<{ purpose: string; n: number; ok: number; ms: number }>(
      "SELECT purpose, count(*)::int AS n, count(*) FILTER (WHERE outcome = 'ok')::int AS ok, round(avg(duration_ms))::int AS ms FROM ops_llm_calls GROUP BY 1 ORDER BY 1",
    );
    const byPurpose = Object.fromEntries(calls.rows.map((c) => [c.purpose, c]));
    expect(byPurpose['roundtable_turn']!.n).toBeGreaterThanOrEqual(turns);
    expect(byPurpose['distill']!.n).toBeGreaterThanOrEqual(conversations);
    expect(turns).toBeGreaterThanOrEqual(TURNS_WANTED);
    // every format took part, the cycle above goes through all of them
    expect(conversations).toBeGreaterThanOrEqual(formatIds.length);
    // what the distillations kept and why the rest was dropped (the model's confidences are mostly below 0.55)
    const kept = await e.db.query<{ drifts: number; dropped: Record<string, Record<string, number>> }>(
      "SELECT jsonb_array_length(distill->'drifts')::int AS drifts, distill->'dropped' AS dropped FROM ops_roundtable_queue WHERE distill_status = 'done'",
    );
    const dropped: Record<string, number> = {};
    for (const r of kept.rows)
      for (const [part, reasons] of Object.entries(r.dropped ?? {})) for (const [why, n] of Object.entries(reasons)) dropped[`${part}.${why}`] = (dropped[`${part}.${why}`] ?? 0) + n;
    const drifts = kept.rows.reduce((n, r) => n + r.drifts, 0);
    console.log(
      `real model: drifts applied ${drifts}; dropped ${Object.entries(dropped).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ') || 'nothing'}`,
    );
    console.log(
      `real model: ${turns} turns in ${conversations} conversations over ${Math.ceil(conversations / perDay)} days; ${distilled} distilled, ${conversations - distilled} distillations failed; ${memoriesMade} memories; ` +
        `action items per day ${perDayItems.rows.map((d) => d.n).join('/') || '0'}; calls ${calls.rows.map((c) => `${c.purpose} ${c.ok}/${c.n} ok, ${c.ms} ms avg`).join('; ')}`,
    );
  }, 1_800_000);

  it('runs every other LLM path (analyze, draft_tweet, write_content, briefing, chat, an initiative) to a valid end', async () => {
    const clock = new NoonClock();
    e = await testEngine('pglite', { clock, heartbeat: false, workers: { pollMs: 100 }, llm: ollamaWiring({ clock, log: silentLog }), initialPolicy: llmPolicy() });
    await e.start();
    const ended = (id: number) =>
      eventually(async () => {
        const x = await getMission(e.db, id);
        return ['succeeded', 'failed'].includes(x.mission.status) ? x : null;
      }, 120_000);

    const earlier: number[] = [];
    for (const topic of ['a cat', 'the big red ball', 'rain on the window']) {
      const out = await createProposalAndMaybeAutoApprove(e.ctx, {
        agentId: 'creator',
        title: `A story about ${topic}`,
        steps: [
          { kind: 'analyze', payload: { topic } },
          { kind: 'draft_tweet', payload: { topic, platform: 'bluesky' } },
          { kind: 'draft_tweet', payload: { topic, platform: 'x' } },
          { kind: 'write_content', payload: { topic } },
          { kind: 'briefing', payload: { prompt: 'Summarize the day.' } },
        ],
      });
      const m = await ended(out.mission!.id);
      for (const s of m.steps) expect(['succeeded', 'failed', 'cancelled']).toContain(s.status);
      if (m.mission.status === 'succeeded') {
        expect((m.steps[1]!.result as { chars: number }).chars).toBeLessThanOrEqual(300);
        expect((m.steps[2]!.result as { chars: number }).chars).toBeLessThanOrEqual(280);
        const arts = await e.db.query<{ kind: string; content: string }>('SELECT kind, content FROM ops_artifacts WHERE mission_id = $1 ORDER BY id', [m.mission.id]);
        expect(arts.rows.map((a) => a.kind)).toEqual(['analysis', 'draft', 'draft', 'document', 'document']);
        // the briefing lists the day's other missions from the database, whatever the model wrote above them
        const list = arts.rows[4]!.content.split('## Missions today')[1]!;
        for (const id of earlier) expect(list).toContain(`- #${id} `);
        if (earlier.length === 0) expect(list).toContain('- no missions today');
      } else {
        // a failure is a typed one, with its event
        const failedStep = m.steps.find((s) => s.status === 'failed')!;
        expect(failedStep.errorCode).toMatch(/^[a-z_]+$/);
        expect(failedStep.lastError).toBeTruthy();
      }
      earlier.push(m.mission.id);
    }

    for (const text of ['How was your day?', 'What should we post next?']) {
      const r = await e.handlers['chat.send']({ agentId: 'opus', text });
      expect(r.reply.role).toBe('agent');
      expect(r.reply.text.trim().length).toBeGreaterThan(0);
      expect(r.reply.text.length).toBeLessThanOrEqual(2000);
    }
    expect((await e.handlers['chat.history']({ agentId: 'opus' })).length).toBe(4);

    await setPolicy(e.ctx, 'initiative_policy', { ...policyDefaults.initiative_policy, enabled: true });
    const at = new Date(clock.now()).toISOString();
    for (let i = 0; i < 5; i++) await writeMemory(e.db, { agentId: 'brain', type: 'insight', content: `brain knows story ${i}`, confidence: 0.8, provenance: 'conversation' }, at);
    await writeMemory(e.db, { agentId: 'brain', type: 'lesson', content: 'brain: the last story was too long', confidence: 0.7, provenance: 'mission' }, at);
    const q = await import('../../core/initiative/queue.ts');
    expect(await q.queueInitiatives(e.ctx)).toEqual({ queued: ['brain'] });
    const row = await eventually(async () => {
      const r = await e.db.query<{ id: number; status: string }>('SELECT id, status FROM ops_initiative_queue');
      return r.rows[0] && ['succeeded', 'failed'].includes(r.rows[0].status) ? r.rows[0] : null;
    }, 120_000);
    const props = await e.db.query<{ source_ref: string; steps: { kind: string }[] }>(
      "SELECT source_ref, proposed_steps AS steps FROM ops_mission_proposals WHERE source = 'initiative'",
    );
    if (row.status === 'succeeded') {
      expect((await pageEvents(e.db, { kind: 'initiative_done' })).items).toHaveLength(1);
      for (const p of props.rows) {
        expect(p.source_ref).toMatch(new RegExp(`^initiative:${row.id}:\\d+$`));
        for (const s of p.steps) expect(INITIATIVE_STEP_KINDS).toContain(s.kind);
      }
    } else {
      expect(props.rows).toEqual([]);
    }

    const calls = await e.db.query<{ purpose: string; n: number }>('SELECT purpose, count(*)::int AS n FROM ops_llm_calls GROUP BY 1 ORDER BY 1');
    const purposes = calls.rows.map((c) => c.purpose);
    for (const p of ['analyze', 'draft_tweet', 'write_content', 'briefing', 'chat', 'initiative']) expect(purposes).toContain(p);
    console.log(`real model, other paths: initiative ${row.status}, ${props.rows.length} proposals; calls ${calls.rows.map((c) => `${c.purpose} ${c.n}`).join(', ')}`);
  }, 600_000);
});
