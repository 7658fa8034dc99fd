import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../../core/engine.ts';
import { createBlueskyPostExecutor } from '../../../core/executors/post-bluesky.ts';
import { createPostExecutor } from '../../../core/executors/post-executor.ts';
import { ollamaWiring } from '../../../core/llm/ollama-wiring.ts';
import { cancelMission, getMission } from '../../../core/ops/missions.ts';
import { getPolicy, setPolicy } from '../../../core/ops/policy.ts';
import { createProposalAndMaybeAutoApprove } from '../../../core/ops/proposal-service.ts';
import { PostgresDb } from '../../../core/db/postgres.ts';
import { SystemClock } from '../../../core/ports/clock.ts';
import { silentLog } from '../../../core/ports/log.ts';
import { SeededRandom } from '../../../core/ports/random.ts';
import { blueskyPublisherFactory } from '../../../core/publish/bluesky.ts';
import { setSetting } from '../../../core/publish/settings.ts';
import { dbKinds, freshPostgresUrl } from '../../support/db.ts';
import { eventually, testEngine, type TestEngine } from '../../support/engine.ts';
import { startOllamaServer, type FakeOllama } from '../../support/ollama-server.ts';
import { startWebServer, type WebServer } from '../../support/web-server.ts';
import { startXrpcServer, type XrpcServer } from '../../support/xrpc-server.ts';

const MODEL = 'llama3.2:latest';

describe.each(dbKinds)('cancel means stop on %s', (kind) => {
  let e: TestEngine;
  let llm: FakeOllama;
  let web: WebServer;
  let pds: XrpcServer;
  beforeAll(async () => {
    llm = await startOllamaServer({ models: [{ name: MODEL, contextLength: 8192 }] });
    web = await startWebServer();
    pds = await startXrpcServer();
  });
  afterAll(async () => {
    await llm?.close();
    await web?.close();
    await pds?.close();
  });
  afterEach(async () => e?.close());

  async function engine(extra: Parameters<typeof testEngine>[1] = {}): Promise<TestEngine> {
    const clock = new SystemClock();
    e = await testEngine(kind, {
      clock,
      heartbeat: false,
      workers: { pollMs: 100 },
      llm: ollamaWiring({ clock, log: silentLog }),
      initialPolicy: {
        llm_policy: { hosts: [llm.url], default_model: MODEL, fallback_model: null, per_agent: {}, per_step_kind: {}, keep_alive: '5m', num_ctx: null, health_check_seconds: 0.2 },
      },
      ...extra,
    });
    const auto = await getPolicy(e.db, 'auto_approve');
    await setPolicy(e.ctx, 'auto_approve', { ...auto, allowed_step_kinds: [...auto.allowed_step_kinds, 'post_bluesky'] });
    const crawl = await getPolicy(e.db, 'crawl_policy');
    await setPolicy(e.ctx, 'crawl_policy', { ...crawl, allowed_hosts: [web.host] });
    await setSetting(e.ctx, 'bluesky', { handle: pds.account.handle, appPassword: pds.account.password, service: pds.url });
    await e.start();
    return e;
  }

  /** Starts a one-step mission (plus a second step that must never run), waits until the step runs, cancels it. */
  async function cancelWhileRunning(step: { kind: string; payload: Record<string, unknown> }, isRunning: () => boolean = () => true) {
    const out = await createProposalAndMaybeAutoApprove(e.ctx, { agentId: 'growth', title: `Cancel a ${step.kind}`, steps: [step, { kind: 'wait', payload: {} }] });
    const id = out.mission!.id;
    await eventually(async () => (await getMission(e.db, id)).steps[0]!.status === 'running' && isRunning());
    const t0 = performance.now();
    const cancelled = await e.handlers['missions.cancel']({ id });
    expect(cancelled.status).toBe('cancelled');
    await eventually(async () => (await getMission(e.db, id)).events.some((ev) => ev.kind === 'step_stopped'));
    const stopMs = performance.now() - t0;
    // read again: steps and events are separate reads, and the note may have landed between them
    return { m: await getMission(e.db, id), stopMs };
  }

  function expectStoppedCleanly(m: Awaited<ReturnType<typeof getMission>>, stepKind: string): void {
    expect(m.mission.status).toBe('cancelled');
    expect(m.steps.map((s) => s.status)).toEqual(['cancelled', 'cancelled']);
    expect(m.steps[0]!.result).toBeNull();
    expect(m.steps[0]!.reservedBy).toBeNull();
    const kinds = m.events.map((ev) => ev.kind);
    // after the cancel, the only thing written is the stopped note
    expect(kinds.slice(kinds.indexOf('mission_cancelled'))).toEqual(['mission_cancelled', 'step_stopped']);
    expect(kinds).not.toContain('step_succeeded');
    expect(kinds).not.toContain('step_failed');
    expect(kinds).not.toContain('mission_succeeded');
    const note = m.events.find((ev) => ev.kind === 'step_stopped')!;
    expect(note.title).toBe(`${stepKind} stopped: its mission was cancelled`);
    expect(note.tags).toEqual(expect.arrayContaining(['step', 'stopped', 'cancelled', stepKind]));
  }

  const artifactsOf = async (missionId: number) =>
    (await e.db.query<{ n: number }>('SELECT count(*)::int AS n FROM ops_artifacts WHERE mission_id = $1', [missionId])).rows[0]!.n;

  it('a running wait stops at once (not after its 60 s) and never reports success', async () => {
    await engine();
    const { m, stopMs } = await cancelWhileRunning({ kind: 'wait', payload: { seconds: 60 } });
    expect(stopMs).toBeLessThan(10_000);
    expectStoppedCleanly(m, 'wait');
  });

  it('a running LLM step: its stream is aborted and no artifact, memory or success is written', async () => {
    await engine();
    llm.fault({ kind: 'stall', afterChunks: 1 });
    const before = llm.stats.streamsAbandoned;
    const { m } = await cancelWhileRunning({ kind: 'analyze', payload: { topic: 'churn' } }, () => llm.requests.some((r) => r.path === '/api/chat'));
    expectStoppedCleanly(m, 'analyze');
    await eventually(async () => llm.stats.streamsAbandoned > before);
    expect(await artifactsOf(m.mission.id)).toBe(0);
  });

  it('a running crawl: the request is abandoned and no page is stored', async () => {
    await engine();
    const { m } = await cancelWhileRunning({ kind: 'crawl', payload: { url: `${web.url}/slow` } }, () => web.requests.some((r) => r.path === '/slow'));
    expectStoppedCleanly(m, 'crawl');
    expect(await artifactsOf(m.mission.id)).toBe(0);
  });

  it('a post whose HTTP request is in flight: aborted, nothing published, nothing recorded', async () => {
    let reached = false;
    let release = (): void => {};
    const held = new Promise<void>((r) => (release = r));
    // the real publisher over the real XRPC server; the createRecord request waits at the door until released or aborted
    const gatedFetch: typeof fetch = async (input, init) => {
      if (String(input instanceof Request ? input.url : input).includes('com.atproto.repo.createRecord')) {
        reached = true;
        await Promise.race([held, new Promise((_, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason), { once: true }))]);
      }
      return fetch(input, init);
    };
    await engine({ executors: [createBlueskyPostExecutor({ fetch: gatedFetch })] });
    pds.records.length = 0;
    const { m } = await cancelWhileRunning({ kind: 'post_bluesky', payload: { text: 'This must never go out.' } }, () => reached);
    release();
    expectStoppedCleanly(m, 'post_bluesky');
    expect(pds.records).toEqual([]);
    expect((await e.db.query('SELECT 1 FROM ops_posts')).rowCount).toBe(0);
  });

  it('a post step checks its mission right before publishing: cancelled elsewhere (no signal yet) → never published', async () => {
    e = await testEngine(kind, { clock: new SystemClock(), heartbeat: false, workers: false });
    const auto = await getPolicy(e.db, 'auto_approve');
    await setPolicy(e.ctx, 'auto_approve', { ...auto, allowed_step_kinds: [...auto.allowed_step_kinds, 'post_bluesky'] });
    await setSetting(e.ctx, 'bluesky', { handle: pds.account.handle, appPassword: pds.account.password, service: pds.url });
    const out = await createProposalAndMaybeAutoApprove(e.ctx, { agentId: 'creator', title: 'Post', steps: [{ kind: 'post_bluesky', payload: { text: 'Too late.' } }] });
    const step = (await getMission(e.db, out.mission!.id)).steps[0]!;
    const real = blueskyPublisherFactory();
    // the cancel lands after the step started (it builds its publisher) and before it publishes
    const ex = createPostExecutor('post_bluesky', async (ctx) => {
      const p = await real(ctx);
      await cancelMission(ctx, step.missionId);
      return p;
    });
    pds.requests.length = 0;
    pds.records.length = 0;
    const err = await ex.run({ ctx: e.ctx, step, agentId: 'creator', signal: new AbortController().signal }).then(() => null, (x: unknown) => x);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).name).toBe('AbortError');
    expect(pds.requests).toEqual([]);
    expect(pds.records).toEqual([]);
  });
});

describe('cancel means stop across processes (PostgreSQL)', () => {
  const engines: Engine[] = [];
  const dbs: PostgresDb[] = [];
  afterEach(async () => {
    for (const x of engines.splice(0)) await x.stop();
    for (const d of dbs.splice(0)) await d.close();
  });

  it('a cancel from the API process stops the step running in a worker process through NOTIFY, not the 60 s lease', async () => {
    const url = await freshPostgresUrl();
    const open = async (processId: string, workers: boolean): Promise<Engine> => {
      const db = await PostgresDb.open({ url });
      dbs.push(db);
      const x = await createEngine({ db, clock: new SystemClock(), random: new SeededRandom(1), log: silentLog, location: 'pg', processId, heartbeat: false, workers: workers ? { pollMs: 100 } : false });
      engines.push(x);
      await x.start();
      return x;
    };
    const api = await open('api-proc', false);
    await open('worker-proc', true);
    const out = await createProposalAndMaybeAutoApprove(api.ctx, { agentId: 'opus', title: 'Long wait', steps: [{ kind: 'wait', payload: { seconds: 60 } }] });
    const id = out.mission!.id;
    await eventually(async () => (await getMission(api.ctx.db, id)).steps[0]!.reservedBy === 'worker-proc');
    const t0 = performance.now();
    await api.handlers['missions.cancel']({ id });
    await eventually(async () => (await getMission(api.ctx.db, id)).events.some((ev) => ev.kind === 'step_stopped'));
    expect(performance.now() - t0).toBeLessThan(10_000);
    const m = await getMission(api.ctx.db, id);
    expect(m.steps[0]).toMatchObject({ status: 'cancelled', reservedBy: null, result: null });
    const kinds = m.events.map((ev) => ev.kind);
    expect(kinds.slice(kinds.indexOf('mission_cancelled'))).toEqual(['mission_cancelled', 'step_stopped']);
  });
});
