import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../core/api/errors.ts';
import { pageEvents } from '../../../core/ops/events.ts';
import { claimConversation } from '../../../core/roundtable/queue.ts';
import { runNextConversation } from '../../../core/roundtable/worker.ts';
import { dbKinds } from '../../support/db.ts';
import { defaultResponder, drive, driveUntil, rtEngine, type RtEngine } from './harness.ts';

const MIN = 60_000;

describe.each(dbKinds)('stuck and interrupted conversations on %s', (kind) => {
  let e: RtEngine;
  afterEach(async () => e?.close());

  const get = (id: number) => e.handlers['roundtables.get']({ id });
  const done = (id: number) => async () => ['succeeded', 'failed'].includes((await get(id)).conversation.status);

  it('a conversation whose worker died is re-queued after its lease goes stale, and continues from its stored turns', async () => {
    // a worker speaks four turns, then its process dies (the abort lands while it waits for the next turn)
    const dying = new AbortController();
    let turnCalls = 0;
    e = await rtEngine(kind, {
      responder: (req) => {
        if (!req.format && ++turnCalls === 4) dying.abort();
        return defaultResponder(req);
      },
    });
    const conv = await e.handlers['roundtables.enqueue']({ format: 'debate', participants: ['brain', 'twitter-alt'] });
    const deps = { ctx: e.ctx, llm: e.llm!, seed: 1, workerId: 'doomed' };
    expect(await drive(e.clock, runNextConversation(deps, dying.signal))).toEqual({ next: 'again' });
    // the abort released it (no attempt used); put it back in the state a crash would leave
    await e.db.query(`UPDATE ops_roundtable_queue SET status = 'running', reserved_by = 'doomed', attempts = 1, heartbeat_at = $2 WHERE id = $1`, [
      conv.id,
      new Date(e.clock.now()).toISOString(),
    ]);
    const before = (await get(conv.id)).turns;
    expect(before).toHaveLength(4);

    await e.clock.advance(9 * MIN);
    expect((await e.heartbeat.runOnce())?.jobs.find((j) => j.name === 'recover_stale_roundtables')?.result).toEqual({ requeued: 0, failed: 0 });
    await e.clock.advance(2 * MIN);
    expect((await e.heartbeat.runOnce())?.jobs.find((j) => j.name === 'recover_stale_roundtables')?.result).toEqual({ requeued: 1, failed: 0 });
    expect((await get(conv.id)).conversation).toMatchObject({ status: 'queued', attempts: 1, lastError: expect.stringContaining('doomed') });
    expect((await pageEvents(e.db, { kind: 'roundtable_recovered' })).items).toHaveLength(1);

    // (the heartbeat also queued the 09:00 slot; the rescuer runs whatever is due)
    while ((await drive(e.clock, runNextConversation({ ...deps, workerId: 'rescuer' }, new AbortController().signal))).next !== 'idle');
    const after = await get(conv.id);
    expect(after.conversation).toMatchObject({ status: 'succeeded', attempts: 2, distillStatus: 'done' });
    expect(after.turns.slice(0, before.length)).toEqual(before);
    expect(after.turns.map((t) => t.seq)).toEqual([...Array(conv.turnsPlanned).keys()]);
    for (let i = 1; i < after.turns.length; i++) expect(after.turns[i]!.speaker).not.toBe(after.turns[i - 1]!.speaker);
  });

  it('a slow model call keeps renewing the lease: fifteen minutes into one turn, the conversation is not taken away', async () => {
    let release = (): void => {};
    const gate = new Promise<void>((r) => (release = r));
    let first = true;
    e = await rtEngine(kind, {
      responder: async (req) => {
        if (!req.format && first) {
          first = false;
          await gate;
        }
        return defaultResponder(req);
      },
    });
    const conv = await e.handlers['roundtables.enqueue']({ format: 'watercooler', participants: ['brain', 'growth'] });
    const run = runNextConversation({ ctx: e.ctx, llm: e.llm!, seed: 1, workerId: 'slow' }, new AbortController().signal);
    while (e.llmCalls.length === 0) await new Promise((r) => setImmediate(r));
    for (let m = 0; m < 15; m++) await e.clock.advance(MIN);
    const rec = (await e.heartbeat.runOnce())?.jobs.find((j) => j.name === 'recover_stale_roundtables')?.result;
    expect(rec).toEqual({ requeued: 0, failed: 0 });
    release();
    await drive(e.clock, run);
    expect((await get(conv.id)).conversation).toMatchObject({ status: 'succeeded', attempts: 1 });
  });

  it('stale with no attempts left: failed for good, with an event', async () => {
    e = await rtEngine(kind);
    const conv = await e.handlers['roundtables.enqueue']({ format: 'watercooler' });
    await e.db.query('UPDATE ops_roundtable_queue SET max_attempts = 1 WHERE id = $1', [conv.id]);
    expect(await claimConversation(e.ctx, 'dead')).toMatchObject({ id: conv.id, attempts: 1 });
    await e.clock.advance(11 * MIN);
    const run = await e.heartbeat.runOnce();
    expect(run?.jobs.find((j) => j.name === 'recover_stale_roundtables')?.result).toEqual({ requeued: 0, failed: 1 });
    expect((await get(conv.id)).conversation.status).toBe('failed');
  });

  it('no reachable model: the worker pauses and the conversation stays queued; it runs once the host is back', async () => {
    e = await rtEngine(kind, { loops: true });
    e.reachable.value = false;
    await e.start();
    const conv = await e.handlers['roundtables.enqueue']({ format: 'watercooler' });
    for (let i = 0; i < 200 && !e.log.records.some((r) => r.msg.startsWith('Roundtable worker paused')); i++) await new Promise((r) => setImmediate(r));
    expect(e.log.records.find((r) => r.msg.startsWith('Roundtable worker paused'))?.msg).toContain('connection refused');
    expect((await get(conv.id)).conversation).toMatchObject({ status: 'queued', attempts: 0 });
    expect(e.llmCalls).toHaveLength(0);
    e.reachable.value = true;
    await driveUntil(e.clock, done(conv.id));
    expect((await get(conv.id)).conversation).toMatchObject({ status: 'succeeded', attempts: 1 });
  });

  it('the host vanishing mid-conversation puts it back in the queue without using an attempt; it resumes where it stopped', async () => {
    let calls = 0;
    e = await rtEngine(kind, {
      loops: true,
      responder: (req) => {
        if (!req.format && ++calls === 3) throw new AppError('llm_unreachable', 'Ollama went away');
        return defaultResponder(req);
      },
    });
    await e.start();
    const conv = await e.handlers['roundtables.enqueue']({ format: 'debate', participants: ['opus', 'twitter-alt'] });
    await driveUntil(e.clock, done(conv.id));
    const got = await get(conv.id);
    expect(got.conversation).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(got.turns.map((t) => t.seq)).toEqual([...Array(conv.turnsPlanned).keys()]);
    const outcomes = await e.db.query<{ outcome: string }>(`SELECT outcome FROM ops_llm_calls WHERE purpose = 'roundtable_turn' ORDER BY id`);
    expect(outcomes.rows.map((r) => r.outcome)).toContain('llm_unreachable');
  });

  it('other failures retry while attempts remain, then fail the conversation with an event', async () => {
    e = await rtEngine(kind, {
      responder: () => {
        throw new AppError('llm_timeout', 'The model took too long');
      },
    });
    const conv = await e.handlers['roundtables.enqueue']({ format: 'watercooler' });
    const deps = { ctx: e.ctx, llm: e.llm!, seed: 1, workerId: 'w' };
    for (let i = 0; i < 3; i++) {
      await drive(e.clock, runNextConversation(deps, new AbortController().signal));
      await e.clock.advance(5 * MIN); // past the retry back-off
    }
    expect((await get(conv.id)).conversation).toMatchObject({ status: 'failed', attempts: 3, lastError: 'The model took too long' });
    expect((await pageEvents(e.db, { kind: 'roundtable_retry' })).items).toHaveLength(2);
    expect((await pageEvents(e.db, { kind: 'roundtable_failed' })).items).toHaveLength(1);
  });
});
