import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ollamaWiring } from '../../../core/llm/ollama-wiring.ts';
import { getMission } from '../../../core/ops/missions.ts';
import { createProposalAndMaybeAutoApprove } from '../../../core/ops/proposal-service.ts';
import { SystemClock } from '../../../core/ports/clock.ts';
import { silentLog } from '../../../core/ports/log.ts';
import { eventually, testEngine, type TestEngine } from '../../support/engine.ts';
import { realModelAvailable, realModelPath, startRealModelServer, type RealModelServer } from '../../support/real-model-server.ts';

/** Real, unscripted model output through the engine: whatever the model says, the database stays valid. */
describe('executors with a real model behind the Ollama API', () => {
  let srv: RealModelServer;
  let e: TestEngine;

  beforeAll(async () => {
    if (!realModelAvailable()) throw new Error(`The test model is missing: ${realModelPath()}`);
    srv = await startRealModelServer();
    const clock = new SystemClock();
    e = await testEngine('pglite', {
      clock,
      heartbeat: false,
      workers: { pollMs: 100 },
      llm: ollamaWiring({ clock, log: silentLog }),
      initialPolicy: {
        llm_policy: { hosts: [srv.url], default_model: srv.modelName, fallback_model: null, per_agent: {}, per_step_kind: {}, keep_alive: '5m', num_ctx: null, health_check_seconds: 5 },
      },
    });
    await e.start();
  });
  afterAll(async () => {
    await e?.close();
    await srv?.close();
  });

  it('runs analyze, draft_tweet and write_content missions to a valid end', async () => {
    const out = await createProposalAndMaybeAutoApprove(e.ctx, {
      agentId: 'creator',
      title: 'A story about the cat',
      steps: [
        { kind: 'analyze', payload: { topic: 'a cat' } },
        { kind: 'draft_tweet', payload: { topic: 'the cat', platform: 'bluesky' } },
        { kind: 'write_content', payload: { topic: 'the cat' } },
      ],
    });
    const m = await eventually(async () => {
      const x = await getMission(e.db, out.mission!.id);
      return ['succeeded', 'failed'].includes(x.mission.status) ? x : null;
    }, 60_000);
    // A tiny model may say anything; the engine must end in a consistent state either way.
    expect(['succeeded', 'failed']).toContain(m.mission.status);
    for (const s of m.steps) expect(['succeeded', 'failed', 'cancelled']).toContain(s.status);
    const calls = await e.db.query<{ outcome: string; completion_tokens: number }>('SELECT outcome, completion_tokens FROM ops_llm_calls');
    expect(calls.rows.length).toBeGreaterThanOrEqual(1);
    if (m.mission.status === 'succeeded') {
      const draft = m.steps[1]!.result as { chars: number };
      expect(draft.chars).toBeLessThanOrEqual(300);
      const arts = await e.db.query<{ kind: string }>('SELECT kind FROM ops_artifacts WHERE mission_id = $1 ORDER BY id', [m.mission.id]);
      expect(arts.rows.map((a) => a.kind)).toEqual(['analysis', 'draft', 'document']);
    }
  }, 90_000);

  it('validates structured output from the real model against a zod schema, clamping what is out of range', async () => {
    const schema = z.object({
      title: z.string().max(60),
      mood: z.enum(['happy', 'sad', 'curious']),
      score: z.number().min(0).max(1),
      tags: z.array(z.string().max(20)).min(1).max(3),
    });
    const r = await e.llm!.chatStructured(
      { agentId: 'creator', purpose: 'test_structured' },
      { system: 'Answer with JSON.', messages: [{ role: 'user', content: 'Describe a cat story.' }], temperature: 0.7 },
      schema,
    );
    expect(schema.safeParse(r.value).success).toBe(true);
    expect(r.value.score).toBeGreaterThanOrEqual(0);
    expect(r.value.score).toBeLessThanOrEqual(1);
    const rec = await e.db.query<{ purpose: string; outcome: string }>("SELECT purpose, outcome FROM ops_llm_calls WHERE purpose = 'test_structured'");
    expect(rec.rows.at(-1)!.outcome).toBe('ok');
  }, 60_000);
});
