import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StreamMessage } from '../../../core/api/contract.ts';
import { ollamaWiring } from '../../../core/llm/ollama-wiring.ts';
import { getMission } from '../../../core/ops/missions.ts';
import { pageEvents } from '../../../core/ops/events.ts';
import { getPolicy, setPolicy } from '../../../core/ops/policy.ts';
import { createProposalAndMaybeAutoApprove } from '../../../core/ops/proposal-service.ts';
import { SystemClock } from '../../../core/ports/clock.ts';
import { silentLog } from '../../../core/ports/log.ts';
import { dbKinds } from '../../support/db.ts';
import { eventually, testEngine, type TestEngine } from '../../support/engine.ts';
import { startOllamaServer, type FakeOllama } from '../../support/ollama-server.ts';

const MODEL = 'llama3.2:latest';

describe.each(dbKinds)('LLM executors through the engine on %s', (kind) => {
  let e: TestEngine;
  let srv: FakeOllama;

  beforeEach(async () => {
    srv = await startOllamaServer({ models: [{ name: MODEL, contextLength: 8192 }, { name: 'small:latest', contextLength: 4096 }], chunkDelayMs: 0 });
  });
  afterEach(async () => {
    await e?.close();
    await srv?.close();
  });

  async function engine(policy: Record<string, unknown> = {}) {
    const clock = new SystemClock();
    e = await testEngine(kind, {
      clock,
      heartbeat: false,
      workers: { pollMs: 100, pauseMs: 200 },
      llm: ollamaWiring({ clock, log: silentLog }),
      initialPolicy: {
        llm_policy: { hosts: [srv.url], default_model: MODEL, fallback_model: null, per_agent: {}, per_step_kind: {}, keep_alive: '5m', num_ctx: null, health_check_seconds: 0.2, ...policy },
        step_retry_policy: { max_attempts: 3, backoff_base_seconds: 0.05, backoff_max_seconds: 0.2 },
      },
    });
    await e.start();
    return e;
  }

  const give = (agentId: string, steps: { kind: string; payload: Record<string, unknown> }[], title = 'Task') =>
    createProposalAndMaybeAutoApprove(e.ctx, { agentId, title, steps });
  const finished = async (id: number) =>
    eventually(async () => {
      const m = await getMission(e.db, id);
      return ['succeeded', 'failed'].includes(m.mission.status) ? m : null;
    });

  it('runs a Give-task analyze mission to succeeded: voice in the system prompt, call recorded, artifact and memory written', async () => {
    await engine();
    srv.script(MODEL, 'Findings: weekend posts underperform by 30%.\n\nRecommend: post on Tuesdays.');
    const out = await give('brain', [{ kind: 'analyze', payload: { topic: 'posting schedule' } }]);
    const m = await finished(out.mission!.id);
    expect(m.mission.status).toBe('succeeded');
    const result = m.steps[0]!.result as { artifactId: number; summary: string };
    expect(result.summary).toBe('Findings: weekend posts underperform by 30%.');
    const chat = srv.bodies('/api/chat').at(-1)!;
    const system = (chat.messages as { role: string; content: string }[])[0]!;
    expect(system.role).toBe('system');
    expect(system.content).toContain('You are Brain, the data analyst');
    expect(system.content).toContain('Tone: measured, data-driven, cautious');
    expect(chat.options?.temperature).toBe(0.4);
    expect(chat.keep_alive).toBe('5m');
    const calls = await e.db.query<{ agent_id: string; purpose: string; step_id: number; model: string; host: string; prompt_tokens: number; completion_tokens: number; duration_ms: number; outcome: string }>(
      'SELECT * FROM ops_llm_calls',
    );
    expect(calls.rows).toHaveLength(1);
    expect(calls.rows[0]).toMatchObject({ agent_id: 'brain', purpose: 'analyze', step_id: m.steps[0]!.id, model: MODEL, host: srv.url, outcome: 'ok' });
    expect(calls.rows[0]!.prompt_tokens).toBeGreaterThan(10);
    expect(calls.rows[0]!.completion_tokens).toBeGreaterThan(0);
    expect(calls.rows[0]!.duration_ms).toBeGreaterThan(0);
    const art = await e.db.query<{ kind: string; content: string }>('SELECT kind, content FROM ops_artifacts WHERE id = $1', [result.artifactId]);
    expect(art.rows[0]).toMatchObject({ kind: 'analysis', content: expect.stringContaining('Tuesdays') });
    const mem = await e.db.query<{ type: string; agent_id: string; source_trace_id: string }>('SELECT type, agent_id, source_trace_id FROM ops_agent_memory');
    expect(mem.rows).toEqual([{ type: 'strategy', agent_id: 'brain', source_trace_id: `mission:${m.mission.id}:outcome` }]);
    const usage = await e.handlers['llm.usage']({});
    expect(usage).toEqual([expect.objectContaining({ agentId: 'brain', calls: 1, failed: 0, promptTokens: calls.rows[0]!.prompt_tokens })]);
  });

  it('uses the per-step-kind model, then the per-agent one, over the default', async () => {
    await engine({ per_step_kind: { draft_tweet: 'small:latest' }, per_agent: { growth: 'small:latest' } });
    srv.script('small:latest', 'Short post.', 'Another.');
    await finished((await give('twitter-alt', [{ kind: 'draft_tweet', payload: { topic: 'launch' } }])).mission!.id);
    await finished((await give('growth', [{ kind: 'analyze', payload: { topic: 'x' } }])).mission!.id);
    expect(srv.bodies('/api/chat').map((b) => b.model)).toEqual(['small:latest', 'small:latest']);
  });

  it('a mid-stream error is a typed error and a visible event; the step is retried and then succeeds', async () => {
    await engine();
    srv.fault({ kind: 'stream_error', afterChunks: 1, message: 'CUDA out of memory' });
    srv.script(MODEL, 'partial answer that breaks', 'A full analysis.');
    const m = await finished((await give('brain', [{ kind: 'analyze', payload: { topic: 'gpu' } }])).mission!.id);
    expect(m.mission.status).toBe('succeeded');
    expect(m.steps[0]!.attempts).toBe(2);
    const retry = m.events.find((x) => x.kind === 'step_retry')!;
    expect(retry.tags).toContain('llm_stream_error');
    expect(retry.summary).toMatch(/out of memory/i);
    const outcomes = await e.db.query<{ outcome: string }>('SELECT outcome FROM ops_llm_calls ORDER BY id');
    expect(outcomes.rows.map((r) => r.outcome)).toEqual(['llm_stream_error', 'ok']);
  });

  it('a cut stream is retried; retries exhausted fail the step and the mission for good', async () => {
    await engine();
    srv.fault({ kind: 'cut', afterChunks: 1 }, { times: Infinity });
    const m = await finished((await give('brain', [{ kind: 'analyze', payload: { topic: 'x' } }])).mission!.id);
    expect(m.mission.status).toBe('failed');
    expect(m.steps[0]).toMatchObject({ status: 'failed', attempts: 3, errorCode: 'llm_stream_error' });
    expect(m.events.filter((x) => x.kind === 'step_retry')).toHaveLength(2);
    const lesson = await e.db.query<{ type: string; content: string }>('SELECT type, content FROM ops_agent_memory');
    expect(lesson.rows[0]!.type).toBe('lesson');
  });

  it('a missing model falls back to the fallback model, recorded as an event', async () => {
    await engine({ default_model: 'huge:70b', fallback_model: 'small:latest' });
    srv.script('small:latest', 'Done with the small one.');
    const m = await finished((await give('opus', [{ kind: 'analyze', payload: { topic: 'x' } }])).mission!.id);
    expect(m.mission.status).toBe('succeeded');
    const fb = await pageEvents(e.db, { kind: 'llm_fallback' });
    expect(fb.items[0]!.title).toBe(`Model huge:70b is missing on ${srv.url}; using small:latest`);
  });

  it('a missing model with no fallback fails the step at once, saying to pull it', async () => {
    await engine({ default_model: 'huge:70b' });
    const m = await finished((await give('opus', [{ kind: 'analyze', payload: { topic: 'x' } }])).mission!.id);
    expect(m.steps[0]).toMatchObject({ status: 'failed', attempts: 1, errorCode: 'llm_model_not_found' });
    expect(m.steps[0]!.lastError).toMatch(/pull/i);
  });

  it('queue full (503) pauses the step without spending an attempt, then it runs', async () => {
    await engine();
    srv.fault({ kind: 'busy' }, { times: 2 });
    srv.script(MODEL, 'After the queue cleared.');
    const m = await finished((await give('brain', [{ kind: 'analyze', payload: { topic: 'x' } }])).mission!.id);
    expect(m.mission.status).toBe('succeeded');
    expect(m.steps[0]!.attempts).toBe(1);
    expect(m.events.filter((x) => x.kind === 'step_paused').length).toBe(2);
  });

  it('with the host down, steps stay queued, status says why, and they run by themselves when it returns', async () => {
    await engine();
    await srv.refuse();
    const out = await give('brain', [{ kind: 'analyze', payload: { topic: 'offline' } }]);
    await eventually(async () => {
      const s = await e.handlers['runtime.status']({});
      const w = s.workers.find((x) => x.kind === 'analyze');
      return w?.paused && s.llm?.status === 'unreachable' ? s : null;
    });
    const s = await e.handlers['runtime.status']({});
    // from the health check, or from the call that found the host down first: either says which host and why
    expect(s.workers.find((x) => x.kind === 'analyze')!.paused!.reason).toMatch(/No Ollama host answers|Cannot reach Ollama at http/);
    let m = await getMission(e.db, out.mission!.id);
    expect(m.steps[0]).toMatchObject({ status: 'queued', attempts: 0 });
    // nothing failed: the mission waits (still approved, or running when the step was claimed before
    // the host was found down and then handed back to the queue without spending an attempt)
    expect(['approved', 'running']).toContain(m.mission.status);
    srv.script(MODEL, 'Back online.');
    await srv.accept();
    m = await finished(out.mission!.id);
    expect(m.mission.status).toBe('succeeded');
    expect(m.steps[0]!.attempts).toBe(1);
  });

  it('drafts a post within the platform limit, asking once for a shorter one', async () => {
    await engine();
    srv.script(MODEL, 'word '.repeat(80), '"Ship small, learn fast."');
    const m = await finished((await give('twitter-alt', [{ kind: 'draft_tweet', payload: { topic: 'shipping', platform: 'x' } }])).mission!.id);
    const r = m.steps[0]!.result as { text: string; chars: number; shortened: boolean };
    expect(r).toMatchObject({ text: 'Ship small, learn fast.', shortened: false });
    const art = await e.db.query<{ kind: string; meta: { platform: string } }>("SELECT kind, meta FROM ops_artifacts WHERE kind = 'draft'");
    expect(art.rows[0]!.meta.platform).toBe('x');
    srv.script(MODEL, 'word '.repeat(80), 'still '.repeat(80));
    const m2 = await finished((await give('twitter-alt', [{ kind: 'draft_tweet', payload: { topic: 'again' } }])).mission!.id);
    const r2 = m2.steps[0]!.result as { text: string; chars: number; shortened: boolean };
    expect(r2.shortened).toBe(true);
    expect(r2.chars).toBeLessThanOrEqual(280);
  });

  it('writes a document and then revises it as a new version; content_policy off refuses', async () => {
    await engine();
    srv.script(MODEL, '# Launch story\n\nIt began with a bug.', '# Launch story\n\nIt began with a bug, and a fix.');
    const m1 = await finished((await give('creator', [{ kind: 'write_content', payload: { topic: 'launch' } }])).mission!.id);
    const a1 = (m1.steps[0]!.result as { artifactId: number }).artifactId;
    const m2 = await finished((await give('creator', [{ kind: 'write_content', payload: { artifactId: a1, instructions: 'Mention the fix.' } }])).mission!.id);
    const r2 = m2.steps[0]!.result as { artifactId: number; version: number; title: string };
    expect(r2).toMatchObject({ version: 2, title: 'Launch story' });
    const rev = await e.db.query<{ parent_id: number }>('SELECT parent_id FROM ops_artifacts WHERE id = $1', [r2.artifactId]);
    expect(rev.rows[0]!.parent_id).toBe(a1);
    const cp = await getPolicy(e.db, 'content_policy');
    await setPolicy(e.ctx, 'content_policy', { ...cp, enabled: false });
    // the gate refuses at the door now
    const refused = await give('creator', [{ kind: 'write_content', payload: { topic: 'x' } }]);
    expect(refused.proposal.status).toBe('rejected');
  });

  it('lists models, streams pull progress on the event stream, and cancel stops it', async () => {
    await engine();
    const models = await e.handlers['ollama.models']({});
    expect(models.map((x) => x.name)).toEqual(expect.arrayContaining([MODEL, 'small:latest']));
    expect(models.find((x) => x.name === MODEL)!.contextLength).toBe(8192);
    const seen: StreamMessage[] = [];
    const off = e.ctx.bus.subscribe((msg) => seen.push(msg));
    const { pullId } = await e.handlers['ollama.pull']({ model: 'qwen2.5:7b' });
    await eventually(async () => seen.filter((x) => x.type === 'pull' && x.completed !== undefined).length >= 2);
    expect(await e.handlers['ollama.cancelPull']({ pullId })).toEqual({ cancelled: true });
    const end = await eventually(async () => seen.find((x) => x.type === 'pull' && x.done));
    off();
    expect(end).toMatchObject({ type: 'pull', pullId, status: 'cancelled', done: true });
    expect(srv.hasModel('qwen2.5:7b')).toBe(false);
    const ev = await eventually(async () => (await pageEvents(e.db, { kind: 'model_pull_cancelled' })).items[0]);
    expect(ev.title).toBe('Pull of qwen2.5:7b cancelled');
    const health = await e.handlers['ollama.health']({});
    expect(health[0]).toMatchObject({ host: srv.url, ok: true });
  });
});
