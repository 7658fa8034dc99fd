import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../core/api/errors.ts';
import { getPolicy, setPolicy } from '../../../core/ops/policy.ts';
import { createProposalAndMaybeAutoApprove } from '../../../core/ops/proposal-service.ts';
import { getMission } from '../../../core/ops/missions.ts';
import { pageEvents } from '../../../core/ops/events.ts';
import { SystemClock } from '../../../core/ports/clock.ts';
import type { Executor } from '../../../core/workers/executor.ts';
import { dbKinds } from '../../support/db.ts';
import { eventually, testEngine, type TestEngine } from '../../support/engine.ts';

/** An executor scripted per test: records every run, fails while told to. */
function scripted(kind: string, behave: (n: number) => 'ok' | Error): Executor & { runs: number[] } {
  const runs: number[] = [];
  return {
    kind,
    runs,
    async run({ step }) {
      runs.push(step.id);
      const r = behave(runs.length);
      if (r instanceof Error) throw r;
      return { result: { n: runs.length }, summary: `run ${runs.length}` };
    },
  };
}

describe.each(dbKinds)('workers on %s', (kind) => {
  let e: TestEngine;
  /** Until the loop of `kind` (or all loops, summed) has looked for work `n` more times: the way to see that something does not happen. */
  const moreRounds = async (k: string | undefined, n: number): Promise<void> => {
    const from = e.pool!.rounds(k);
    await eventually(async () => e.pool!.rounds(k) >= from + n);
  };
  afterEach(async () => e?.close());

  const missionStatus = async (id: number) => (await getMission(e.db, id)).mission.status;

  it('runs every step of a mission in order and finalizes it once as succeeded', async () => {
    const ex = scripted('analyze', () => 'ok');
    e = await testEngine(kind, { clock: new SystemClock(), executors: [ex], heartbeat: false, workers: { pollMs: 3_600_000 } });
    await e.start();
    const out = await createProposalAndMaybeAutoApprove(e.ctx, {
      agentId: 'brain',
      title: 'Two analyses',
      steps: [{ kind: 'analyze', payload: { topic: 'a' } }, { kind: 'analyze', payload: { topic: 'b' } }],
    });
    // the poll interval is an hour: only the in-process wake-up can have started these
    await eventually(async () => (await missionStatus(out.mission!.id)) === 'succeeded');
    const m = await getMission(e.db, out.mission!.id);
    expect(m.steps.map((s) => [s.seq, s.status, s.attempts])).toEqual([
      [0, 'succeeded', 1],
      [1, 'succeeded', 1],
    ]);
    expect(ex.runs).toEqual(m.steps.map((s) => s.id));
    expect(m.events.filter((x) => x.kind === 'mission_succeeded')).toHaveLength(1);
    expect(m.events.filter((x) => x.kind === 'step_succeeded')).toHaveLength(2);
  });

  it('retries a failing step with backoff, then fails it and its mission after max attempts', async () => {
    const ex = scripted('analyze', () => new Error('model said nonsense'));
    e = await testEngine(kind, { clock: new SystemClock(), executors: [ex], heartbeat: false, workers: { pollMs: 50, breakerThreshold: 99 } });
    await setPolicy(e.ctx, 'step_retry_policy', { max_attempts: 3, backoff_base_seconds: 0.05, backoff_max_seconds: 1 });
    await e.start();
    const out = await createProposalAndMaybeAutoApprove(e.ctx, {
      agentId: 'brain',
      title: 'Doomed',
      steps: [{ kind: 'analyze', payload: {} }, { kind: 'analyze', payload: {} }],
    });
    await eventually(async () => (await missionStatus(out.mission!.id)) === 'failed');
    const m = await getMission(e.db, out.mission!.id);
    expect(ex.runs).toHaveLength(3);
    expect(m.steps[0]).toMatchObject({ status: 'failed', attempts: 3, lastError: 'model said nonsense', errorCode: 'internal' });
    expect(m.steps[1]!.status).toBe('cancelled');
    expect(m.mission.failureReason).toMatch(/Step 1 \(analyze\) failed: model said nonsense/);
    expect(m.events.filter((x) => x.kind === 'step_retry')).toHaveLength(2);
    expect(m.events.filter((x) => x.kind === 'mission_failed')).toHaveLength(1);
    const failedEvent = m.events.find((x) => x.kind === 'mission_failed')!;
    expect(failedEvent.tags).toContain('mission_failed');
  });

  it('fails at once on a fatal error (bad payload) without retrying', async () => {
    e = await testEngine(kind, { clock: new SystemClock(), heartbeat: false, workers: { pollMs: 50 } });
    await e.start();
    const out = await createProposalAndMaybeAutoApprove(e.ctx, { agentId: 'opus', title: 'bad wait', steps: [{ kind: 'wait', payload: { seconds: 'soon' } }] });
    await eventually(async () => (await missionStatus(out.mission!.id)) === 'failed');
    const m = await getMission(e.db, out.mission!.id);
    expect(m.steps[0]).toMatchObject({ attempts: 1, errorCode: 'invalid_input' });
    expect(m.steps[0]!.lastError).toMatch(/wait step's payload is not valid: seconds/);
  });

  it('trips the circuit breaker after 3 failures in a row: worker disabled by policy, alert event, steps stay queued', async () => {
    const ex = scripted('crawl', () => new AppError('crawl_failed', 'site down'));
    e = await testEngine(kind, { clock: new SystemClock(), executors: [ex], heartbeat: false, workers: { pollMs: 50 } });
    await setPolicy(e.ctx, 'step_retry_policy', { max_attempts: 1, backoff_base_seconds: 0, backoff_max_seconds: 0 });
    const workers = await getPolicy(e.db, 'workers');
    await setPolicy(e.ctx, 'workers', { kinds: { ...workers.kinds, crawl: { enabled: true, concurrency: 1 } } });
    await e.start();
    for (let i = 0; i < 5; i++) {
      await createProposalAndMaybeAutoApprove(e.ctx, { agentId: 'growth', title: `crawl ${i}`, steps: [{ kind: 'crawl', payload: {} }] });
    }
    await eventually(async () => !(await getPolicy(e.db, 'workers')).kinds.crawl!.enabled);
    const alerts = await pageEvents(e.db, { kind: 'worker_disabled' });
    expect(alerts.items).toHaveLength(1);
    expect(alerts.items[0]!.tags).toEqual(expect.arrayContaining(['alert', 'crawl']));
    // the (now disabled) worker looks again and again, and takes no more steps
    await moreRounds('crawl', 4);
    expect(ex.runs).toHaveLength(3);
    const queued = await e.db.query<{ n: number }>("SELECT count(*)::int AS n FROM ops_mission_steps WHERE kind = 'crawl' AND status = 'queued'");
    expect(queued.rows[0]!.n).toBe(2);
    const status = await e.handlers['runtime.status']({});
    expect(status.workers.find((w) => w.kind === 'crawl')?.enabled).toBe(false);
  });

  it('a success resets the failure count', async () => {
    let n = 0;
    const ex = scripted('crawl', () => (++n % 2 === 0 ? 'ok' : new AppError('crawl_failed', 'flaky')));
    e = await testEngine(kind, { clock: new SystemClock(), executors: [ex], heartbeat: false, workers: { pollMs: 50 } });
    await setPolicy(e.ctx, 'step_retry_policy', { max_attempts: 1, backoff_base_seconds: 0, backoff_max_seconds: 0 });
    await e.start();
    for (let i = 0; i < 6; i++) {
      await createProposalAndMaybeAutoApprove(e.ctx, { agentId: 'growth', title: `crawl ${i}`, steps: [{ kind: 'crawl', payload: {} }] });
    }
    await eventually(async () => ex.runs.length === 6 && (await e.handlers['runtime.status']({})).missions.approved === 0);
    expect((await getPolicy(e.db, 'workers')).kinds.crawl!.enabled).toBe(true);
  });

  it('keeps steps with no executor queued and reports them in runtime.status', async () => {
    e = await testEngine(kind, { clock: new SystemClock(), heartbeat: false, workers: { pollMs: 50 } });
    await e.start();
    const out = await createProposalAndMaybeAutoApprove(e.ctx, { agentId: 'brain', title: 'Needs an LLM', steps: [{ kind: 'analyze', payload: {} }] });
    // every other worker has looked for work since (none may take it)
    await moreRounds(undefined, 2 * e.pool!.kinds().length);
    const status = await e.handlers['runtime.status']({});
    expect(status.queue.unhandledKinds).toEqual(['analyze']);
    expect(status.queue.byKind).toContainEqual({ kind: 'analyze', queued: 1, running: 0, hasExecutor: false });
    expect(await missionStatus(out.mission!.id)).toBe('approved');
  });

  it('a worker turned off in policy takes nothing until turned back on, without a restart', async () => {
    const ex = scripted('analyze', () => 'ok');
    e = await testEngine(kind, { clock: new SystemClock(), executors: [ex], heartbeat: false, workers: { pollMs: 50 } });
    const workers = await getPolicy(e.db, 'workers');
    await setPolicy(e.ctx, 'workers', { kinds: { ...workers.kinds, analyze: { enabled: false, concurrency: 1 } } });
    await e.start();
    const out = await createProposalAndMaybeAutoApprove(e.ctx, { agentId: 'brain', title: 'x', steps: [{ kind: 'analyze', payload: {} }] });
    await moreRounds('analyze', 4);
    expect(ex.runs).toHaveLength(0);
    await setPolicy(e.ctx, 'workers', { kinds: { ...workers.kinds, analyze: { enabled: true, concurrency: 1 } } });
    await eventually(async () => (await missionStatus(out.mission!.id)) === 'succeeded');
  });

  it('runs up to the configured concurrency at once', async () => {
    let inflight = 0;
    let peak = 0;
    let release = (): void => {};
    const gate = new Promise<void>((r) => (release = r));
    const ex: Executor = {
      kind: 'analyze',
      async run() {
        inflight++;
        peak = Math.max(peak, inflight);
        await gate;
        inflight--;
        return {};
      },
    };
    e = await testEngine(kind, { clock: new SystemClock(), executors: [ex], heartbeat: false, workers: { pollMs: 50 } });
    const workers = await getPolicy(e.db, 'workers');
    await setPolicy(e.ctx, 'workers', { kinds: { ...workers.kinds, analyze: { enabled: true, concurrency: 3 } } });
    await setPolicy(e.ctx, 'proposal_limits', { default_daily_limit: 100, per_agent: {} });
    await e.start();
    for (let i = 0; i < 9; i++) await createProposalAndMaybeAutoApprove(e.ctx, { agentId: 'brain', title: `a${i}`, steps: [{ kind: 'analyze', payload: {} }] });
    // every step holds until released: the pool fills its 3 slots and takes no fourth
    await eventually(async () => inflight === 3);
    expect((await e.db.query<{ n: number }>("SELECT count(*)::int AS n FROM ops_mission_steps WHERE status = 'running'")).rows[0]!.n).toBe(3);
    release();
    await eventually(async () => (await e.handlers['runtime.status']({})).missions.succeeded === 9);
    expect(peak).toBe(3);
  });
});
