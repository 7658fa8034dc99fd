import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StreamMessage } from '../../../core/api/contract.ts';
import { createEngine } from '../../../core/engine.ts';
import { pageEvents } from '../../../core/ops/events.ts';
import { FakeClock } from '../../../core/ports/clock.ts';
import { memoryLog } from '../../../core/ports/log.ts';
import { SeededRandom } from '../../../core/ports/random.ts';
import { dbKinds, freshDb } from '../../support/db.ts';
import { eventually, testEngine, type TestEngine } from '../../support/engine.ts';

const MIN = 60_000;

async function stepStatus(e: TestEngine, missionId: number): Promise<string> {
  const r = await e.db.query<{ status: string }>('SELECT status FROM ops_mission_steps WHERE mission_id = $1 ORDER BY seq LIMIT 1', [missionId]);
  return r.rows[0]?.status ?? 'none';
}

async function heartbeatRuns(e: TestEngine): Promise<number> {
  const r = await e.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ops_action_runs WHERE action = 'heartbeat'`);
  return r.rows[0]?.n ?? 0;
}

async function waitMission(e: TestEngine, agentId: string, seconds: number, title = 'Wait a bit'): Promise<number> {
  const out = await e.handlers['proposals.create']({ agentId, title, steps: [{ kind: 'wait', payload: { seconds } }] });
  expect(out.mission, out.proposal.rejectionReason).toBeDefined();
  return out.mission!.id;
}

describe.each(dbKinds)('pausing the company on %s', (kind) => {
  let e: TestEngine;
  // The migrated template is made once per file; on a busy machine that alone can take most of a test's minute.
  beforeAll(async () => (await freshDb(kind)).close());
  afterEach(async () => e?.close());

  it('stops the heartbeat and workers taking new work, lets running work finish, and resumes without a restart', async () => {
    const clock = new FakeClock('2026-03-02T09:00:00Z');
    e = await testEngine(kind, { clock, workers: { pollMs: 60_000 } });
    const seen: StreamMessage[] = [];
    e.ctx.bus.subscribe((m) => seen.push(m));
    await e.start();
    const running = await waitMission(e, 'opus', 60);
    await eventually(async () => (await stepStatus(e, running)) === 'running');

    const paused = await e.handlers['runtime.pause']({ reason: 'Going on holiday' });
    expect(paused).toMatchObject({ paused: true, reason: 'Going on holiday', by: 'user', since: '2026-03-02T09:00:00.000Z' });
    expect(seen).toContainEqual({ type: 'runtime', state: paused });
    const status = await e.handlers['runtime.status']({});
    expect(status.pause).toEqual(paused);

    const runsBefore = await heartbeatRuns(e);
    const queued = await waitMission(e, 'brain', 0, 'Queued while paused');
    // in-flight work finishes (its 60 s wait may only now be setting its timer, so time moves on a minute at a time)
    await eventually(async () => {
      await clock.advance(MIN);
      return (await stepStatus(e, running)) === 'succeeded';
    });
    await clock.advance(10 * MIN);
    expect(await stepStatus(e, queued)).toBe('queued'); // new work waited
    expect(await heartbeatRuns(e)).toBe(runsBefore); // two heartbeats skipped

    const resumed = await e.handlers['runtime.resume']({});
    expect(resumed.paused).toBe(false);
    await eventually(async () => (await stepStatus(e, queued)) === 'succeeded');
    await clock.advance(5 * MIN);
    expect(await heartbeatRuns(e)).toBe(runsBefore + 1);
    const kinds = (await pageEvents(e.db, { tag: 'runtime' })).items.map((x) => x.kind);
    expect(kinds).toEqual(['company_resumed', 'company_paused']);
  });

  it('stays paused across a restart of the engine', async () => {
    const clock = new FakeClock('2026-03-02T09:00:00Z');
    e = await testEngine(kind, { clock, heartbeat: false, workers: { pollMs: 60_000 } });
    await e.handlers['runtime.pause']({});
    await e.stop();
    const again = await createEngine({ db: e.db, clock, random: new SeededRandom(7), log: memoryLog(), location: kind, processId: 'restarted', heartbeat: false, workers: { pollMs: 60_000 } });
    try {
      await again.start();
      expect((await again.handlers['runtime.status']({})).pause).toMatchObject({ paused: true, reason: null, since: '2026-03-02T09:00:00.000Z' });
      const out = await again.handlers['proposals.create']({ agentId: 'opus', title: 'After restart', steps: [{ kind: 'wait', payload: {} }] });
      await clock.advance(10 * MIN);
      expect(await stepStatus(e, out.mission!.id)).toBe('queued');
      await again.handlers['runtime.resume']({});
      await eventually(async () => (await stepStatus(e, out.mission!.id)) === 'succeeded');
    } finally {
      await again.stop();
    }
  });

  it('pauses one agent: its proposals are refused with the reason, its queued steps wait, others carry on', async () => {
    const clock = new FakeClock('2026-03-02T09:00:00Z');
    e = await testEngine(kind, { clock, heartbeat: false, workers: { pollMs: 60_000 } });
    const seen: StreamMessage[] = [];
    e.ctx.bus.subscribe((m) => seen.push(m));
    // Queued before the pause, then the agent is paused before any worker runs.
    const opusWork = await waitMission(e, 'opus', 0, 'Opus work');
    const state = await e.handlers['agents.setPaused']({ id: 'opus', paused: true, reason: 'rewriting its voice' });
    expect(state.paused).toBe(false);
    expect(state.agents).toEqual([{ agentId: 'opus', reason: 'rewriting its voice', since: '2026-03-02T09:00:00.000Z' }]);
    expect(seen.some((m) => m.type === 'runtime' && m.state.agents.length === 1)).toBe(true);
    await e.start();

    const refused = await e.handlers['proposals.create']({ agentId: 'opus', title: 'More', steps: [{ kind: 'wait', payload: {} }] });
    expect(refused.proposal).toMatchObject({ status: 'rejected', rejectionReason: 'Opus is paused: rewriting its voice' });
    const stored = await e.db.query<{ gate: string }>('SELECT rejected_by_gate AS gate FROM ops_mission_proposals WHERE id = $1', [refused.proposal.id]);
    expect(stored.rows[0]?.gate).toBe('agent_paused');

    const brainWork = await waitMission(e, 'brain', 0, 'Brain work');
    await eventually(async () => (await stepStatus(e, brainWork)) === 'succeeded');
    await clock.advance(10 * MIN);
    expect(await stepStatus(e, opusWork)).toBe('queued');

    const back = await e.handlers['agents.setPaused']({ id: 'opus', paused: false });
    expect(back.agents).toEqual([]);
    await eventually(async () => (await stepStatus(e, opusWork)) === 'succeeded');
    const accepted = await e.handlers['proposals.create']({ agentId: 'opus', title: 'Again', steps: [{ kind: 'wait', payload: {} }] });
    expect(accepted.proposal.status).toBe('accepted');
    await expect(e.handlers['agents.setPaused']({ id: 'nobody', paused: true })).rejects.toThrow(/no agent "nobody"/);
  });
});
