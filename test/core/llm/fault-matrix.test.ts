/**
 * The LLM fault matrix: each way an Ollama host or its model can go wrong,
 * injected by the Ollama-compatible test server, through the real engine —
 * worker pool, executors, LLM service and client for the text steps, the
 * distillation for structured JSON. Each row ends in a typed error or a
 * correct recovery, with an event a person can see, no lost step, no
 * half-written rows, and the engine still working afterwards.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checkPostLength } from '../../../core/publish/length.ts';
import { OllamaLlm } from '../../../core/llm/ollama.ts';
import { ollamaWiring } from '../../../core/llm/ollama-wiring.ts';
import { getMission } from '../../../core/ops/missions.ts';
import { getPolicy } from '../../../core/ops/policy.ts';
import { createProposalAndMaybeAutoApprove } from '../../../core/ops/proposal-service.ts';
import { SystemClock } from '../../../core/ports/clock.ts';
import { silentLog } from '../../../core/ports/log.ts';
import { distillConversation } from '../../../core/roundtable/distill.ts';
import { getConversationRow, type ConversationRow } from '../../../core/roundtable/queue.ts';
import { eventually, testEngine, type TestEngine } from '../../support/engine.ts';
import { startOllamaServer, type FakeOllama } from '../../support/ollama-server.ts';

const MODEL = 'llama3.2:latest';
const PEOPLE = ['opus', 'brain', 'growth', 'creator'];

describe('LLM fault matrix through the engine (PGlite)', () => {
  let srv: FakeOllama;
  let e: TestEngine;

  beforeAll(async () => {
    srv = await startOllamaServer({ models: [{ name: MODEL, contextLength: 8192 }], chunkDelayMs: 0 });
    const clock = new SystemClock();
    const wiring = ollamaWiring({ clock, log: silentLog });
    // short watchdogs, so a slow first byte and an idle stream are seen in well under a second
    wiring.service.llmFor = (host) => new OllamaLlm({ clock, host, log: silentLog, firstChunkTimeoutMs: 1500, idleTimeoutMs: 1000 });
    e = await testEngine('pglite', {
      clock,
      heartbeat: false,
      workers: { pollMs: 50, pauseMs: 150, breakerThreshold: 99 },
      llm: wiring,
      initialPolicy: {
        llm_policy: { hosts: [srv.url], default_model: MODEL, fallback_model: null, per_agent: {}, per_step_kind: {}, keep_alive: '5m', num_ctx: null, health_check_seconds: 0.2 },
        step_retry_policy: { max_attempts: 3, backoff_base_seconds: 0.05, backoff_max_seconds: 0.2 },
        proposal_limits: { default_daily_limit: 100, per_agent: {} },
      },
    });
    await e.start();
  });
  afterAll(async () => {
    await e?.close();
    await srv?.close();
  });

  /** Gives `agentId` a one-step mission and waits for it to end; returns it with its events and artifacts. */
  async function runStep(step: { kind: string; payload: Record<string, unknown> }, agentId = 'brain') {
    const out = await createProposalAndMaybeAutoApprove(e.ctx, { agentId, title: `Fault row: ${step.kind}`, steps: [step] });
    const id = out.mission!.id;
    const m = await eventually(async () => {
      const got = await getMission(e.db, id);
      return ['succeeded', 'failed'].includes(got.mission.status) ? got : null;
    }, 20_000);
    const artifacts = await e.db.query<{ kind: string; content: string; meta: Record<string, unknown> }>('SELECT kind, content, meta FROM ops_artifacts WHERE mission_id = $1', [id]);
    const events = await e.db.query<{ kind: string; tags: string[] }>('SELECT kind, tags FROM ops_agent_events WHERE mission_id = $1 ORDER BY id', [id]);
    return { mission: m.mission, step: m.steps[0]!, artifacts: artifacts.rows, events: events.rows };
  }
  const analyze = { kind: 'analyze', payload: { topic: 'weekend engagement' } };
  beforeEach(() => {
    srv.clearScripts();
    srv.clearFaults();
  });
  const coded = (events: { kind: string; tags: string[] }[], kind: string, code: string) => events.filter((x) => x.kind === kind && x.tags.includes(code)).length;

  it('refused connection: the worker pauses (no attempt spent, nothing failed) and carries on once the host is back', async () => {
    srv.fault({ kind: 'refuse' });
    const pending = runStep(analyze);
    // visible: the analyze worker reports that no host answers
    await eventually(async () => {
      const st = await e.handlers['runtime.status']({});
      return st.workers.find((w) => w.kind === 'analyze')?.paused?.reason.includes(srv.url);
    }, 10_000);
    const queued = await e.db.query<{ status: string; attempts: number }>(`SELECT status, attempts FROM ops_mission_steps WHERE kind = 'analyze' ORDER BY id DESC LIMIT 1`);
    expect(queued.rows[0]!.status).not.toBe('failed');
    await srv.accept();
    srv.script(MODEL, 'Back online: weekends are slower.');
    const r = await pending;
    expect(r.mission.status).toBe('succeeded');
    expect(r.artifacts).toHaveLength(1);
    // a refused chat that got past the probe is a pause, not an attempt
    expect(r.step.attempts).toBe(1);
    expect(coded(r.events, 'step_failed', 'llm_unreachable') + coded(r.events, 'step_retry', 'llm_unreachable')).toBe(0);
  });

  it('unknown model: fails at once as llm_model_not_found, with an event and no artifact', async () => {
    srv.fault({ kind: 'not_found' });
    const r = await runStep(analyze);
    expect(r.mission.status).toBe('failed');
    expect(r.step).toMatchObject({ status: 'failed', attempts: 1, errorCode: 'llm_model_not_found' });
    expect(coded(r.events, 'step_failed', 'llm_model_not_found')).toBe(1);
    expect(r.artifacts).toEqual([]);
  });

  for (const [name, fault, code] of [
    ['slow first byte', { kind: 'delay', ms: 4000 }, 'llm_timeout'],
    ['idle stream', { kind: 'stall', afterChunks: 1 }, 'llm_timeout'],
    ['error mid-stream', { kind: 'stream_error', afterChunks: 2, message: 'model runner crashed' }, 'llm_stream_error'],
    ['a stream part that is not a chat message', { kind: 'bad_part', afterChunks: 1 }, 'llm_invalid_output'],
  ] as const) {
    it(`${name}: ${code}, retried; the second attempt succeeds and only its text is saved`, async () => {
      // a delayed reply is taken from the script only when the delay ends (the retry has long had its answer by then)
      if (fault.kind !== 'delay') srv.script(MODEL, 'Partial words that must never be stored as an analysis.');
      srv.script(MODEL, 'Weekends are 30% slower; post on Tuesdays.');
      srv.fault(fault);
      const r = await runStep(analyze);
      expect(r.mission.status).toBe('succeeded');
      expect(r.step.attempts).toBe(2);
      expect(coded(r.events, 'step_retry', code)).toBe(1);
      expect(r.artifacts.map((a) => a.content)).toEqual(['Weekends are 30% slower; post on Tuesdays.']);
      const failed = await e.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ops_llm_calls WHERE step_id = $1 AND outcome = $2`, [r.step.id, code]);
      expect(failed.rows[0]!.n).toBe(1); // the failed call is recorded too
    });
  }

  it('503 queue full: llm_queue_full pauses the step without spending an attempt, then it succeeds', async () => {
    srv.script(MODEL, 'After the queue cleared: weekends are slower.');
    srv.fault({ kind: 'busy' });
    const r = await runStep(analyze);
    expect(r.mission.status).toBe('succeeded');
    expect(r.step.attempts).toBe(1);
    expect(coded(r.events, 'step_paused', 'llm_queue_full')).toBe(1);
    expect(r.artifacts).toHaveLength(1);
  });

  it('prompt truncated by the context window: llm_context_truncated fails the step at once, nothing saved', async () => {
    srv.fault({ kind: 'truncate' });
    const r = await runStep(analyze);
    expect(r.step).toMatchObject({ status: 'failed', attempts: 1, errorCode: 'llm_context_truncated' });
    expect(coded(r.events, 'step_failed', 'llm_context_truncated')).toBe(1);
    expect(r.artifacts).toEqual([]);
  });

  it('an empty reply is llm_invalid_output (not a plain error) for analyze, write_content and draft_tweet; retried, then failed, nothing saved', async () => {
    for (const step of [analyze, { kind: 'write_content', payload: { topic: 'Weekend recap' } }, { kind: 'draft_tweet', payload: { topic: 'weekend recap', platform: 'x' } }]) {
      srv.script(MODEL, ...Array.from({ length: 3 }, () => ({ raw: ' \n ' })));
      const r = await runStep(step, 'creator');
      expect(r.step).toMatchObject({ status: 'failed', attempts: 3, errorCode: 'llm_invalid_output' });
      expect(r.step.lastError).toMatch(/returned an empty (analysis|document|draft); nothing was saved/);
      expect(coded(r.events, 'step_retry', 'llm_invalid_output')).toBe(2);
      expect(coded(r.events, 'step_failed', 'llm_invalid_output')).toBe(1);
      expect(r.artifacts).toEqual([]);
    }
  });

  it('a reply in another language: kept as the agent wrote it, and an over-long one still fits X (CJK counts double)', async () => {
    const long = '週末の投稿はエンゲージメントが三割低いので火曜日に投稿するべきです。'.repeat(6); // ~200 chars, ~400 weighted
    srv.script(MODEL, long, long);
    const r = await runStep({ kind: 'draft_tweet', payload: { topic: 'weekend engagement', platform: 'x' } }, 'creator');
    expect(r.mission.status).toBe('succeeded');
    const draft = r.artifacts[0]!;
    expect(draft.content.startsWith('週末の投稿は')).toBe(true);
    expect(checkPostLength('x', draft.content).ok).toBe(true);
    expect(draft.meta.shortened).toBe(true);
    srv.script(MODEL, 'El fin de semana publicamos menos y con peor resultado.');
    const es = await runStep(analyze);
    expect(es.artifacts.map((a) => a.content)).toEqual(['El fin de semana publicamos menos y con peor resultado.']);
  });

  describe('structured JSON (the distillation)', () => {
    /** A conversation with four stored turns, queued far in the future so the roundtable loop leaves it to the test. */
    async function conversation(): Promise<ConversationRow> {
      const now = new Date().toISOString();
      const ins = await e.db.query<{ id: number }>(
        `INSERT INTO ops_roundtable_queue (format, topic, participants, turns_planned, source, run_after, created_at)
         VALUES ('standup', 'Weekend engagement', $1::text[], 4, 'user', '2100-01-01T00:00:00Z', $2) RETURNING id`,
        [PEOPLE, now],
      );
      const c = ins.rows[0]!;
      for (let i = 0; i < 4; i++) {
        await e.db.query(
          `INSERT INTO ops_roundtable_turns (conversation_id, seq, speaker, text, interaction, created_at) VALUES ($1, $2, $3, $4, 'neutral', $5)`,
          [c.id, i, PEOPLE[i % PEOPLE.length], `Line ${i} about weekend engagement.`, new Date().toISOString()],
        );
      }
      return (await getConversationRow(e.db, c.id)) as ConversationRow;
    }
    const memoriesOf = async (id: number) =>
      (await e.db.query<{ agent_id: string; confidence: number }>(`SELECT agent_id, confidence FROM ops_agent_memory WHERE source_trace_id LIKE $1`, [`roundtable:${id}:%`])).rows;
    const reply = (confidence: number[], drift: number) => ({
      json: {
        memories: confidence.map((c, i) => ({ agent_id: PEOPLE[i % 4], type: 'insight', content: `Weekend insight ${i}`, confidence: c, tags: ['engagement'] })),
        pairwise_drift: [{ agent_a: 'opus', agent_b: 'brain', drift, reason: 'agreed on weekends' }],
        action_items: [],
      },
    });

    it('fenced JSON is unwrapped and used', async () => {
      const conv = await conversation();
      srv.script(MODEL, { fenced: reply([0.8, 0.7], 0.01).json });
      const out = await distillConversation({ ctx: e.ctx, llm: e.llm! }, conv);
      expect(out).toMatchObject({ status: 'done', memories: 2 });
      expect(await memoriesOf(conv.id)).toHaveLength(2);
    });

    it('invalid JSON: one repair request; twice invalid is llm_invalid_output, marked failed with an event, nothing half-written', async () => {
      const conv = await conversation();
      const before = await e.db.query<{ affinity: number }>(`SELECT affinity FROM ops_agent_relationships WHERE agent_a = 'brain' AND agent_b = 'opus'`);
      srv.script(MODEL, reply([0.8], 0.02), reply([0.8], 0.02));
      srv.fault({ kind: 'invalid_json' }, { times: 2 });
      const out = await distillConversation({ ctx: e.ctx, llm: e.llm! }, conv);
      expect(out.status).toBe('failed');
      expect(await memoriesOf(conv.id)).toEqual([]);
      const after = await e.db.query<{ affinity: number }>(`SELECT affinity FROM ops_agent_relationships WHERE agent_a = 'brain' AND agent_b = 'opus'`);
      expect(after.rows).toEqual(before.rows);
      const row = await e.db.query<{ distill_status: string }>('SELECT distill_status FROM ops_roundtable_queue WHERE id = $1', [conv.id]);
      expect(row.rows[0]!.distill_status).toBe('failed');
      const ev = await e.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ops_agent_events WHERE kind = 'distill_failed' AND (payload->>'conversationId')::int = $1`, [conv.id]);
      expect(ev.rows[0]!.n).toBe(1);
      // once invalid, then valid: repaired
      const again = await conversation();
      srv.script(MODEL, reply([0.8], 0.02), reply([0.8], 0.02));
      srv.fault({ kind: 'invalid_json' });
      expect(await distillConversation({ ctx: e.ctx, llm: e.llm! }, again)).toMatchObject({ status: 'done', memories: 1 });
    });

    it('schema-shaped JSON with out-of-range numbers is clamped to the seed bounds: confidence ≥ 0.55 kept, drift ≤ max_drift, affinity 0.10–0.95', async () => {
      const conv = await conversation();
      const maxDrift = (await getPolicy(e.db, 'relationship_drift_policy')).max_drift;
      const before = (await e.db.query<{ affinity: number }>(`SELECT affinity FROM ops_agent_relationships WHERE agent_a = 'brain' AND agent_b = 'opus'`)).rows[0]!.affinity;
      srv.script(MODEL, reply([1.7, 0.3, -2, 0.9], 0.9));
      const out = await distillConversation({ ctx: e.ctx, llm: e.llm! }, conv);
      expect(out.status).toBe('done');
      const kept = await memoriesOf(conv.id);
      expect(kept.map((m) => m.confidence).sort()).toEqual([0.9, 1]);
      const after = (await e.db.query<{ affinity: number }>(`SELECT affinity FROM ops_agent_relationships WHERE agent_a = 'brain' AND agent_b = 'opus'`)).rows[0]!.affinity;
      expect(Math.abs(after - before)).toBeLessThanOrEqual(maxDrift + 1e-9);
      expect(after).toBeGreaterThanOrEqual(0.1);
      expect(after).toBeLessThanOrEqual(0.95);
    });
  });

  it('after every fault the engine still works: a plain step succeeds', async () => {
    srv.script(MODEL, 'All clear.');
    const r = await runStep(analyze);
    expect(r.mission.status).toBe('succeeded');
    const running = await e.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ops_mission_steps WHERE status IN ('running', 'queued')`);
    expect(running.rows[0]!.n).toBe(0);
  });
});
