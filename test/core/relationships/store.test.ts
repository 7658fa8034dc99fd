import { afterEach, describe, expect, it } from 'vitest';
import { recordConversation } from '../../../core/relationships/store.ts';
import { dbKinds } from '../../support/db.ts';
import { testEngine, type TestEngine } from '../../support/engine.ts';

describe.each(dbKinds)('relationships on %s', (kind) => {
  let e: TestEngine;
  afterEach(async () => e?.close());

  const pair = async (a: string, b: string) => (await e.handlers['relationships.list']({})).find((r) => r.agentA === a && r.agentB === b)!;

  it('seeds the 15 pairs of the six agents, stored once each in alphabetical order, with their backstories', async () => {
    e = await testEngine(kind, { workers: false, heartbeat: false });
    const rel = await e.handlers['relationships.list']({});
    expect(rel).toHaveLength(15);
    const ids = ['brain', 'creator', 'growth', 'observer', 'opus', 'twitter-alt'];
    for (let i = 0; i < ids.length; i++) for (let j = i + 1; j < ids.length; j++) expect(rel.find((r) => r.agentA === ids[i] && r.agentB === ids[j])).toBeTruthy();
    expect(await pair('brain', 'opus')).toMatchObject({ affinity: 0.8, backstory: expect.stringContaining('trusted advisor'), totalInteractions: 0, driftLog: [] });
    expect((await pair('opus', 'twitter-alt')).affinity).toBe(0.3);
    expect((await pair('brain', 'twitter-alt')).affinity).toBe(0.3);
    expect((await pair('brain', 'observer')).affinity).toBe(0.8);
    expect((await pair('creator', 'twitter-alt')).affinity).toBe(0.7);
    for (const r of rel) {
      expect(r.affinity).toBeGreaterThanOrEqual(0.1);
      expect(r.affinity).toBeLessThanOrEqual(0.95);
      expect(r.backstory.length).toBeGreaterThan(10);
    }
    await expect(e.db.query(`INSERT INTO ops_agent_relationships (agent_a, agent_b, affinity) VALUES ('opus', 'brain', 0.5)`)).rejects.toThrow();
    await expect(e.db.query(`UPDATE ops_agent_relationships SET affinity = 0.99 WHERE agent_a = 'brain' AND agent_b = 'opus'`)).rejects.toThrow();
  });

  it('keeps affinity within 0.10–0.95, counts interactions, and keeps the last 20 drifts', async () => {
    e = await testEngine(kind, { workers: false, heartbeat: false });
    for (let i = 1; i <= 25; i++) {
      await e.db.transaction((tx) =>
        recordConversation(
          tx,
          ['brain', 'opus', 'twitter-alt'],
          [
            { a: 'opus', b: 'brain', drift: 0.03, reason: `agreed ${i}` },
            { a: 'twitter-alt', b: 'opus', drift: -0.03, reason: `clashed ${i}` },
          ],
          { conversationId: i, now: `2026-03-02T10:${String(i).padStart(2, '0')}:00.000Z` },
        ),
      );
    }
    const up = await pair('brain', 'opus');
    expect(up).toMatchObject({ affinity: 0.95, totalInteractions: 25, positiveInteractions: 25, negativeInteractions: 0 });
    expect(up.driftLog).toHaveLength(20);
    expect(up.driftLog[0]).toMatchObject({ conversationId: 6, reason: 'agreed 6', drift: 0.03 });
    expect(up.driftLog.at(-1)).toMatchObject({ conversationId: 25, affinity: 0.95 });
    expect(up.driftLog.slice(0, 5).map((d) => d.affinity)).toEqual([0.95, 0.95, 0.95, 0.95, 0.95]);
    const down = await pair('opus', 'twitter-alt');
    expect(down).toMatchObject({ affinity: 0.1, negativeInteractions: 25 });
    expect(down.driftLog.map((d) => d.affinity).slice(0, 3)).toEqual([0.12, 0.1, 0.1]); // 0.30 − 6 × 0.03, then the floor
    // a pair that met without a drift still counts the meeting
    expect(await pair('brain', 'twitter-alt')).toMatchObject({ affinity: 0.3, totalInteractions: 25, positiveInteractions: 0, negativeInteractions: 0, driftLog: [] });
  });
});
