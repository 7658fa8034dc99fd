import { afterEach, describe, expect, it } from 'vitest';
import { queueTidier } from '../../../core/ops/tidy.ts';
import { dbKinds } from '../../support/db.ts';
import { testEngine, type TestEngine } from '../../support/engine.ts';

describe.each(dbKinds)('tidying the queue tables on %s', (kind) => {
  let e: TestEngine;
  afterEach(async () => e?.close());

  it(kind === 'pglite' ? 'vacuums a queue table once it has gained enough rows since the last time, and not before' : 'leaves it to the server’s autovacuum', async () => {
    e = await testEngine(kind, { workers: false, heartbeat: false });
    const tidy = queueTidier(100);
    const lastVacuum = async () =>
      (await e.db.query<{ at: string | null }>(`SELECT last_vacuum AS at FROM pg_stat_user_tables WHERE relname = 'ops_agent_reactions'`)).rows[0]?.at ?? null;
    const react = (n: number) =>
      e.db.query(
        `INSERT INTO ops_agent_reactions (pattern_key, source_event_id, source_agent, target_agent, reaction_type, status, created_at)
         SELECT 'test', 1, 'opus', 'brain', 'analyze', 'rejected', now() FROM generate_series(1, $1::int)`,
        [n],
      );
    expect(await tidy(e.ctx)).toEqual({ vacuumed: [] }); // first look: small tables are left alone
    await react(60);
    expect(await tidy(e.ctx)).toEqual({ vacuumed: [] });
    await react(60);
    const out = await tidy(e.ctx);
    if (kind === 'postgres') {
      expect(out).toEqual({ vacuumed: [] });
      return;
    }
    expect(out).toEqual({ vacuumed: ['ops_agent_reactions'] });
    expect(await lastVacuum()).not.toBeNull();
    expect(await tidy(e.ctx)).toEqual({ vacuumed: [] });
  });
});
