import { afterEach, describe, expect, it } from 'vitest';
import { isAppError } from '../../../core/api/errors.ts';
import { classifyFailure, type StepContext } from '../../../core/workers/executor.ts';
import { idempotencyKey, once } from '../../../core/workers/effects.ts';
import { claimStep } from '../../../core/workers/steps.ts';
import { dbKinds } from '../../support/db.ts';
import { testEngine, type TestEngine } from '../../support/engine.ts';

describe.each(dbKinds)('once() around an external effect on %s', (kind) => {
  let e: TestEngine;
  afterEach(async () => e?.close());

  /** A mission with one queued 'probe' step; returns a fresh claim of it as a step context. */
  async function setup(): Promise<{ claim: () => Promise<StepContext>; stepId: number }> {
    e = await testEngine(kind, { workers: false, heartbeat: false });
    const now = new Date(e.clock.now()).toISOString();
    const m = await e.db.query<{ id: number }>(`INSERT INTO ops_missions (title, status, created_by, created_at) VALUES ('probe', 'approved', 'opus', $1) RETURNING id`, [now]);
    const s = await e.db.query<{ id: number }>(
      `INSERT INTO ops_mission_steps (mission_id, seq, kind, payload, status, run_after, created_at, max_attempts) VALUES ($1, 0, 'probe', '{}', 'queued', $2, $2, 9) RETURNING id`,
      [m.rows[0]!.id, now],
    );
    const stepId = s.rows[0]!.id;
    const claim = async (): Promise<StepContext> => {
      // what a crash plus stale recovery does: the step is queued again and re-claimed
      await e.db.query(`UPDATE ops_mission_steps SET status = 'queued', reserved_by = NULL WHERE id = $1 AND status = 'running'`, [stepId]);
      const step = await claimStep(e.ctx, ['probe'], e.ctx.processId);
      if (!step) throw new Error('no step to claim');
      return { ctx: e.ctx, step, agentId: step.agentId, signal: new AbortController().signal };
    };
    return { claim, stepId };
  }

  const effectRows = async (stepId: number) =>
    (await e.db.query<{ status: string; result: unknown; attempt: number }>('SELECT status, result, attempt FROM ops_step_effects WHERE step_id = $1', [stepId])).rows;

  it('acts once; a re-run of the step gets the recorded result and does not act again', async () => {
    const { claim, stepId } = await setup();
    const acted: string[] = [];
    const act = async (key: string) => {
      acted.push(key);
      return { posted: acted.length };
    };
    expect(await once(await claim(), 'publish', act)).toEqual({ posted: 1 });
    expect(await once(await claim(), 'publish', act)).toEqual({ posted: 1 });
    expect(acted).toEqual([idempotencyKey(stepId, 'publish')]);
    expect(await effectRows(stepId)).toEqual([{ status: 'done', result: { posted: 1 }, attempt: 1 }]);
  });

  it('an intent without a result (killed mid-effect) fails for good as effect_uncertain, never acting twice', async () => {
    const { claim, stepId } = await setup();
    let calls = 0;
    const first = await claim();
    // the process dies after acting, before recording: modelled by an effect whose outcome is unknown
    await expect(once(first, 'publish', async () => {
      calls++;
      throw new Error('connection reset after sending');
    }, { mayHaveActed: () => true })).rejects.toThrow('connection reset');
    const again = await claim();
    const err = await once(again, 'publish', async () => calls++).catch((x: unknown) => x);
    expect(isAppError(err) && err.code).toBe('effect_uncertain');
    expect((err as Error).message).toMatch(/may already have happened.*attempt 1.*Check whether it happened/);
    expect(calls).toBe(1);
    const f = classifyFailure(err, again.step, { backoff_base_seconds: 1, backoff_max_seconds: 1 }, 1000);
    expect(f).toMatchObject({ mode: 'fatal', code: 'effect_uncertain' });
    expect(await effectRows(stepId)).toEqual([{ status: 'intent', result: null, attempt: 1 }]);
  });

  it('with a lookup, an unsettled intent is settled by asking the other system', async () => {
    const { claim, stepId } = await setup();
    const ledger = new Map<string, number>();
    let acts = 0;
    const act = async (idem: string) => {
      acts++;
      ledger.set(idem, acts);
      return acts;
    };
    const lookup = async (idem: string) => ledger.get(idem);
    // killed after the other system acted: the ledger has it, our table only has the intent
    await expect(once(await claim(), 'charge', async (idem) => {
      await act(idem);
      throw new Error('killed');
    }, { mayHaveActed: () => true, lookup })).rejects.toThrow('killed');
    expect(await once(await claim(), 'charge', act, { lookup })).toBe(1);
    expect(acts).toBe(1);
    expect(await effectRows(stepId)).toEqual([{ status: 'done', result: 1, attempt: 1 }]);
    // killed before the other system acted: the lookup finds nothing, so this attempt acts
    await e.db.query('DELETE FROM ops_step_effects');
    await expect(once(await claim(), 'charge', async () => {
      throw new Error('killed before sending');
    }, { mayHaveActed: () => true, lookup: async () => undefined })).rejects.toThrow();
    expect(await once(await claim(), 'charge', async () => 'second', { lookup: async () => undefined })).toBe('second');
    expect((await effectRows(stepId))[0]).toMatchObject({ status: 'done', result: 'second', attempt: 4 });
  });

  it('a clean failure withdraws the intent so a retry may act; a worker that lost the lease does not act', async () => {
    const { claim, stepId } = await setup();
    await expect(once(await claim(), 'send', async () => {
      throw new Error('HTTP 400: refused');
    })).rejects.toThrow('refused');
    expect(await effectRows(stepId)).toEqual([]);
    const sc = await claim();
    await e.db.query(`UPDATE ops_mission_steps SET reserved_by = 'someone-else' WHERE id = $1`, [stepId]);
    let acted = false;
    const err = await once(sc, 'send', async () => (acted = true)).catch((x: unknown) => x);
    expect(isAppError(err) && err.code).toBe('conflict');
    expect(acted).toBe(false);
    expect(await effectRows(stepId)).toEqual([]);
  });
});
