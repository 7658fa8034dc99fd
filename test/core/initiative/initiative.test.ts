import { afterEach, describe, expect, it } from 'vitest';
import { writeMemory } from '../../../core/memory/store.ts';
import { pageEvents } from '../../../core/ops/events.ts';
import { setPolicy } from '../../../core/ops/policy.ts';
import { policyDefaults } from '../../../core/ops/policy-schemas.ts';
import { dbKinds } from '../../support/db.ts';
import { defaultResponder, driveUntil, rtEngine, type Answer, type RtEngine } from '../roundtable/harness.ts';

const HOUR = 3600_000;
const ON = { ...policyDefaults.initiative_policy, enabled: true };

describe.each(dbKinds)('initiative on %s', (kind) => {
  let e: RtEngine;
  afterEach(async () => e?.close());

  const at = () => new Date(e.clock.now()).toISOString();
  const experience = async (agentId: string, confident: number, outcomeLesson: boolean) => {
    for (let i = 0; i < confident; i++) await writeMemory(e.db, { agentId, type: 'insight', content: `${agentId} knows ${i}`, confidence: 0.8, provenance: 'conversation' }, at());
    await writeMemory(e.db, { agentId, type: 'insight', content: `${agentId} guesses`, confidence: 0.65, provenance: 'conversation' }, at());
    if (outcomeLesson) await writeMemory(e.db, { agentId, type: 'lesson', content: `${agentId}: the launch failed on timing`, confidence: 0.6, provenance: 'mission' }, at());
  };
  const queued = async () => (await e.db.query<{ agent_id: string; status: string }>('SELECT agent_id, status FROM ops_initiative_queue ORDER BY id')).rows;
  const job = async () => (await e.heartbeat.runOnce())?.jobs.find((j) => j.name === 'queue_initiatives')?.result;

  it('is off by default; when on, queues only agents with 5 confident memories and an outcome lesson, at most once per 4 hours', async () => {
    e = await rtEngine(kind);
    expect(policyDefaults.initiative_policy).toMatchObject({ enabled: false, cooldown_hours: 4, min_high_confidence_memories: 5 });
    await experience('brain', 5, true); // ready
    await experience('growth', 4, true); // one confident memory short (the 0.65 one does not count)
    await experience('creator', 6, false); // no lesson from outcomes
    expect(await job()).toEqual({ skipped: 'disabled' });
    await setPolicy(e.ctx, 'initiative_policy', ON);
    expect(await job()).toEqual({ queued: ['brain'] });
    expect(await job()).toEqual({ queued: [] }); // one already open
    await e.db.query(`UPDATE ops_initiative_queue SET status = 'succeeded'`);
    await e.clock.advance(3 * HOUR + 59 * 60_000);
    expect(await job()).toEqual({ queued: [] }); // cooldown
    await e.clock.advance(60_000);
    expect(await job()).toEqual({ queued: ['brain'] });
    expect(await queued()).toEqual([
      { agent_id: 'brain', status: 'succeeded' },
      { agent_id: 'brain', status: 'queued' },
    ]);
  });

  it('the worker asks the model and submits proposals through the proposal service, source "initiative"', async () => {
    // (the heartbeat also queues the 09:00 conversation; only the initiative call gets these)
    const replies: Answer[] = [
      {
        json: {
          proposals: [
            { title: 'Test Tuesday posting', description: 'Run a two-week test.', step_kind: 'analyze', topic: 'posting days' },
            { title: 'Deploy a landing page', description: 'Ship it.', step_kind: 'deploy', topic: 'landing' },
            { title: 'Write a pricing explainer', description: 'Long form.', step_kind: 'write_content', topic: 'pricing' },
          ],
        },
      },
    ];
    e = await rtEngine(kind, { loops: true, responder: (req) => (req.system?.includes('Propose up to') ? (replies.shift() ?? 'nothing') : defaultResponder(req)) });
    await setPolicy(e.ctx, 'initiative_policy', ON);
    await experience('brain', 5, true);
    await e.start();
    await job();
    await driveUntil(e.clock, async () => (await queued())[0]?.status === 'succeeded');
    const props = await e.db.query<{ agent_id: string; title: string; source: string; source_ref: string; status: string }>(
      'SELECT agent_id, title, source, source_ref, status FROM ops_mission_proposals ORDER BY id',
    );
    expect(props.rows).toEqual([
      { agent_id: 'brain', title: 'Test Tuesday posting', source: 'initiative', source_ref: expect.stringMatching(/^initiative:\d+:0$/), status: 'accepted' },
      { agent_id: 'brain', title: 'Write a pricing explainer', source: 'initiative', source_ref: expect.stringMatching(/^initiative:\d+:1$/), status: 'accepted' },
    ]);
    const call = e.llmCalls.find((r) => r.system?.includes('Propose up to'))!;
    expect(call.format).toBeTruthy();
    expect(call.system).toContain('brain knows 0');
    expect(call.system).toContain('the launch failed on timing');
    const rec = await e.db.query<{ purpose: string; agent_id: string }>(`SELECT purpose, agent_id FROM ops_llm_calls WHERE purpose = 'initiative'`);
    expect(rec.rows).toEqual([{ purpose: 'initiative', agent_id: 'brain' }]);
    expect((await pageEvents(e.db, { kind: 'initiative_done' })).items[0]!.payload['submitted']).toHaveLength(2);
  });

  it('an unusable reply fails the initiative with an event and proposes nothing', async () => {
    e = await rtEngine(kind, { loops: true, responder: (req) => (req.system?.includes('Propose up to') ? 'Once upon a time' : defaultResponder(req)) });
    await setPolicy(e.ctx, 'initiative_policy', ON);
    await experience('opus', 5, true);
    await e.start();
    await job();
    await driveUntil(e.clock, async () => (await queued())[0]?.status === 'failed');
    expect((await e.db.query('SELECT 1 FROM ops_mission_proposals')).rows).toHaveLength(0);
    expect((await pageEvents(e.db, { kind: 'initiative_failed' })).items).toHaveLength(1);
  });
});
