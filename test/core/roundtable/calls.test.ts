import { afterEach, describe, expect, it } from 'vitest';
import { writeMemory } from '../../../core/memory/store.ts';
import { setPolicy } from '../../../core/ops/policy.ts';
import { dbKinds } from '../../support/db.ts';
import { rtEngine, type RtEngine } from './harness.ts';

describe.each(dbKinds)('roundtable calls on %s', (kind) => {
  let e: RtEngine;
  afterEach(async () => e?.close());

  it('lists formats and conversations (newest first, by status, paged)', async () => {
    e = await rtEngine(kind);
    const formats = await e.handlers['roundtables.formats']({});
    expect(formats).toHaveLength(16);
    expect(formats[0]).toMatchObject({ id: 'standup', leaderOpens: true, actionItemsAllowed: true });
    const a = await e.handlers['roundtables.enqueue']({ format: 'watercooler' });
    const b = await e.handlers['roundtables.enqueue']({ format: 'mentoring' });
    const c = await e.handlers['roundtables.enqueue']({ format: 'conflict_resolution' });
    await e.db.query(`UPDATE ops_roundtable_queue SET status = 'failed' WHERE id = $1`, [b.id]);
    expect((await e.handlers['roundtables.list']({})).map((x) => x.id)).toEqual([c.id, b.id, a.id]);
    expect((await e.handlers['roundtables.list']({ status: 'queued' })).map((x) => x.id)).toEqual([c.id, a.id]);
    expect((await e.handlers['roundtables.list']({ limit: 1, cursor: c.id })).map((x) => x.id)).toEqual([b.id]);
    // relationship-driven pairings: the worst-matched pair for conflict resolution, a close pair for mentoring
    expect([...c.participants].sort()).toEqual(expect.arrayContaining(['twitter-alt']));
    expect(c.participants).toHaveLength(2);
    expect(b.participants).toHaveLength(2);
    await expect(e.handlers['roundtables.get']({ id: 999 })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('memories steer topics some of the time (memory_influence_policy), and the conversation records which one', async () => {
    e = await rtEngine(kind);
    await setPolicy(e.ctx, 'memory_influence_policy', { enabled: true, probability: 1 });
    const m = await writeMemory(
      e.db,
      { agentId: 'brain', type: 'strategy', content: 'Teasers before launches double clicks', confidence: 0.8, provenance: 'conversation' },
      new Date(e.clock.now()).toISOString(),
    );
    await writeMemory(e.db, { agentId: 'creator', type: 'lesson', content: 'Long intros lose readers', confidence: 0.8, provenance: 'mission' }, new Date(e.clock.now()).toISOString());
    const conv = await e.handlers['roundtables.enqueue']({ format: 'deep_dive', participants: ['brain', 'observer'] });
    expect(conv.topic).toContain('in light of what brain learned: Teasers before launches double clicks');
    const row = await e.db.query<{ memory_id: number }>('SELECT memory_id FROM ops_roundtable_queue WHERE id = $1', [conv.id]);
    expect(row.rows[0]!.memory_id).toBe(m!.id);
    await setPolicy(e.ctx, 'memory_influence_policy', { enabled: false, probability: 1 });
    const plain = await e.handlers['roundtables.enqueue']({ format: 'deep_dive', participants: ['brain', 'observer'] });
    expect(plain.topic).not.toContain('in light of');
  });
});
