import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ollamaWiring } from '../../core/llm/ollama-wiring.ts';
import { pageEvents } from '../../core/ops/events.ts';
import { SystemClock } from '../../core/ports/clock.ts';
import { silentLog } from '../../core/ports/log.ts';
import { testEngine, type TestEngine } from '../support/engine.ts';
import { realModelAvailable, realModelPath, startRealModelServer, type RealModelServer } from '../support/real-model-server.ts';
import { DrivenClock, driveUntil } from '../core/roundtable/harness.ts';

const realTime = (): Promise<void> => new Promise((r) => setTimeout(r, 10));

/** Real, unscripted model output (children's stories) through a whole roundtable: the database must stay valid whatever it says. */
describe('a roundtable with a real model behind the Ollama API', () => {
  let srv: RealModelServer;

  beforeAll(async () => {
    if (!realModelAvailable()) throw new Error(`The test model is missing: ${realModelPath()}`);
    srv = await startRealModelServer();
  });
  afterAll(async () => srv?.close());

  // On PGlite only: the model's unscripted output is what is under test here; how both databases keep the
  // same rows is what every other roundtable test checks.
  describe.each(['pglite'] as const)('on %s', (kind) => {
    let e: TestEngine;
    afterEach(async () => e?.close());

    it('runs a standup and its distillation to a valid end', async () => {
      const clock = new DrivenClock('2026-03-02T09:00:00Z');
      e = await testEngine(kind, {
        clock,
        heartbeat: false,
        workers: { kinds: [] },
        // the HTTP transport times out on real time (a hung server); the conversation runs on the driven clock
        llm: ollamaWiring({ clock: new SystemClock(), log: silentLog }),
        initialPolicy: {
          llm_policy: { hosts: [srv.url], default_model: srv.modelName, fallback_model: null, per_agent: {}, per_step_kind: {}, keep_alive: '5m', num_ctx: null, health_check_seconds: 5 },
        },
      });
      await e.start();
      const conv = await e.handlers['roundtables.enqueue']({ format: 'standup' });
      await driveUntil(
        clock,
        async () => ['succeeded', 'failed'].includes((await e.handlers['roundtables.get']({ id: conv.id })).conversation.status),
        20_000,
        realTime,
      );
      const got = await e.handlers['roundtables.get']({ id: conv.id });
      expect(got.conversation.status).toBe('succeeded');
      expect(got.turns.length).toBe(conv.turnsPlanned);
      expect(got.turns[0]!.speaker).toBe('opus');
      for (const [i, t] of got.turns.entries()) {
        expect(t.text.trim().length).toBeGreaterThan(0);
        expect(t.text.length).toBeLessThanOrEqual(120);
        expect(t.text).not.toMatch(/https?:\/\/|www\./);
        expect(conv.participants).toContain(t.speaker);
        if (i > 0) expect(t.speaker).not.toBe(got.turns[i - 1]!.speaker);
      }

      // the distillation either worked within the rules or was logged as failed, nothing in between
      expect(['done', 'failed']).toContain(got.conversation.distillStatus);
      const failed = (await pageEvents(e.db, { kind: 'distill_failed' })).items;
      expect(failed.length).toBe(got.conversation.distillStatus === 'failed' ? 1 : 0);
      const mems = await e.db.query<{ agent_id: string; type: string; confidence: number; provenance: string; source_trace_id: string }>(
        'SELECT agent_id, type, confidence, provenance, source_trace_id FROM ops_agent_memory',
      );
      expect(mems.rows.length).toBeLessThanOrEqual(6);
      for (const m of mems.rows) {
        expect(conv.participants).toContain(m.agent_id);
        expect(['insight', 'pattern', 'strategy', 'preference', 'lesson']).toContain(m.type);
        expect(m.confidence).toBeGreaterThanOrEqual(0.55);
        expect(m.provenance).toBe('conversation');
        expect(m.source_trace_id).toMatch(new RegExp(`^roundtable:${conv.id}:mem:\\d$`));
      }
      for (const r of await e.handlers['relationships.list']({})) {
        expect(r.affinity).toBeGreaterThanOrEqual(0.1);
        expect(r.affinity).toBeLessThanOrEqual(0.95);
        expect(r.driftLog.length).toBeLessThanOrEqual(1);
        for (const d of r.driftLog) expect(Math.abs(d.drift)).toBeLessThanOrEqual(0.03);
      }
      const props = await e.db.query<{ n: number }>("SELECT count(*)::int AS n FROM ops_mission_proposals WHERE source = 'roundtable'");
      expect(props.rows[0]!.n).toBeLessThanOrEqual(3);
      const calls = await e.db.query<{ purpose: string }>('SELECT purpose FROM ops_llm_calls ORDER BY id');
      expect(calls.rows.filter((c) => c.purpose === 'roundtable_turn').length).toBeGreaterThanOrEqual(conv.turnsPlanned);
      expect(calls.rows.some((c) => c.purpose === 'distill')).toBe(true);
    }, 180_000);
  });
});
