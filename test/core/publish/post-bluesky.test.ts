import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../core/api/errors.ts';
import { getArtifact, missionArtifacts, saveArtifact } from '../../../core/executors/artifacts.ts';
import { createBlueskyPostExecutor } from '../../../core/executors/post-bluesky.ts';
import { getPostForStep, type PostStepResult } from '../../../core/executors/post-executor.ts';
import { getMission, type StepRow } from '../../../core/ops/missions.ts';
import { getPolicy, setPolicy } from '../../../core/ops/policy.ts';
import { createProposalAndMaybeAutoApprove } from '../../../core/ops/proposal-service.ts';
import { FakeClock, SystemClock } from '../../../core/ports/clock.ts';
import { BLUESKY_NOT_CONFIGURED, createBlueskyPublisher } from '../../../core/publish/bluesky.ts';
import { deleteSetting, setSetting } from '../../../core/publish/settings.ts';
import type { Executor } from '../../../core/workers/executor.ts';
import { dbKinds } from '../../support/db.ts';
import { eventually, testEngine, type TestEngine } from '../../support/engine.ts';
import { startXrpcServer, type XrpcServer } from '../../support/xrpc-server.ts';

async function rejection(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected the step to fail');
}

const never = new AbortController().signal;

describe.each(dbKinds)('post_bluesky on %s', (kind) => {
  let pds: XrpcServer;
  let e: TestEngine;
  let clock: FakeClock;

  beforeAll(async () => {
    pds = await startXrpcServer();
  });
  afterAll(async () => pds?.close());
  afterEach(async () => e?.close());

  async function engine(): Promise<void> {
    clock = new FakeClock('2026-03-02T09:00:00Z');
    e = await testEngine(kind, { clock, workers: false, heartbeat: false });
    const auto = await getPolicy(e.db, 'auto_approve');
    await setPolicy(e.ctx, 'auto_approve', { ...auto, allowed_step_kinds: [...auto.allowed_step_kinds, 'post_bluesky'] });
    pds.records.length = 0;
    pds.requests.length = 0;
  }

  const configure = (password = pds.account.password) =>
    setSetting(e.ctx, 'bluesky', { handle: `@${pds.account.handle}`, appPassword: password, service: pds.url });

  async function stepFor(payload: Record<string, unknown>): Promise<StepRow> {
    const out = await createProposalAndMaybeAutoApprove(e.ctx, { agentId: 'creator', title: 'Post it', steps: [{ kind: 'post_bluesky', payload }] });
    return (await getMission(e.db, out.mission!.id)).steps[0]!;
  }

  async function post(ex: Executor, payload: Record<string, unknown>) {
    const step = await stepFor(payload);
    return { step, out: await ex.run({ ctx: e.ctx, step, agentId: 'creator', signal: never }) };
  }

  const postCount = async () => (await e.db.query<{ n: number }>('SELECT count(*)::int AS n FROM ops_posts')).rows[0]!.n;

  it('without credentials fails with not_configured and sends nothing', async () => {
    await engine();
    const ex = createBlueskyPostExecutor();
    const err = await rejection(post(ex, { text: 'Hello from the agents.' }));
    expect(err.code).toBe('not_configured');
    expect(err.message).toBe('Bluesky is not configured: add a handle and app password in Settings → Publishing.');
    expect(err.message).toBe(BLUESKY_NOT_CONFIGURED);
    expect(pds.requests).toEqual([]);
    expect(await postCount()).toBe(0);
    expect((await e.db.query("SELECT 1 FROM ops_artifacts WHERE kind = 'post'")).rows).toEqual([]);
  });

  it('posts through createSession + createRecord and records the post', async () => {
    await engine();
    await configure();
    const ex = createBlueskyPostExecutor();
    const text = 'Our agents shipped a thing today: https://example.com/notes #buildinpublic (thanks @friend.bsky.social)';
    const { step, out } = await post(ex, { text });

    expect(pds.requests.map((r) => `${r.method} ${r.nsid}`)).toEqual([
      'POST com.atproto.server.createSession',
      'POST com.atproto.repo.createRecord',
    ]);
    expect(pds.requests[0]!.body).toMatchObject({ identifier: 'emtesseract.test', password: pds.account.password });
    expect(pds.requests[1]!.headers.authorization).toMatch(/^Bearer eyJ/);
    expect(pds.records).toHaveLength(1);
    const rec = pds.records[0]!;
    expect(rec).toMatchObject({ repo: pds.account.did, collection: 'app.bsky.feed.post' });
    expect(rec.record).toMatchObject({ $type: 'app.bsky.feed.post', text, createdAt: '2026-03-02T09:00:00.000Z' });
    // links and tags become facets; the mention (it would need a DID lookup) does not
    const features = (rec.record.facets as { features: { $type: string }[] }[]).flatMap((f) => f.features.map((x) => x.$type));
    expect(features.sort()).toEqual(['app.bsky.richtext.facet#link', 'app.bsky.richtext.facet#tag']);

    const result = out.result as PostStepResult;
    expect(result).toMatchObject({
      platform: 'bluesky',
      uri: rec.uri,
      id: rec.uri,
      url: `https://bsky.app/profile/${pds.account.did}/post/${rec.rkey}`,
      draftArtifactId: null,
    });
    expect(out.tags).toEqual(['bluesky', 'posted', 'post']);
    expect(out.summary).toMatch(/^Posted to Bluesky: "Our agents shipped a thing today/);

    const row = (await getPostForStep(e.db, step.id))!;
    expect(row).toMatchObject({
      id: result.postId,
      platform: 'bluesky',
      agentId: 'creator',
      missionId: step.missionId,
      stepId: step.id,
      text,
      uri: rec.uri,
      remoteId: rec.uri,
      url: result.url,
      postedAt: '2026-03-02T09:00:00.000Z',
      likes: 0,
      reposts: 0,
      replies: 0,
      metricsAt: null,
    });
    const art = (await getArtifact(e.db, row.artifactId!))!;
    expect(art).toMatchObject({ kind: 'post', content: text, missionId: step.missionId, stepId: step.id, agentId: 'creator' });
    expect(art.meta).toMatchObject({ platform: 'bluesky', uri: rec.uri, cid: rec.cid, did: pds.account.did, handle: pds.account.handle });
  });

  it('posts a draft artifact by id', async () => {
    await engine();
    await configure();
    const draft = await saveArtifact(e.ctx, e.db, {
      kind: 'draft',
      title: 'Launch note',
      content: '  We open the doors on Monday.  ',
      agentId: 'creator',
      missionId: null,
      stepId: null,
    });
    const { step, out } = await post(createBlueskyPostExecutor(), { draftArtifactId: draft.id });
    expect(pds.records[0]!.record.text).toBe('We open the doors on Monday.');
    expect(out.result).toMatchObject({ draftArtifactId: draft.id });
    expect((await getPostForStep(e.db, step.id))!.draftArtifactId).toBe(draft.id);
    const missing = await rejection(post(createBlueskyPostExecutor(), { draftArtifactId: 999_999 }));
    expect(missing).toMatchObject({ code: 'not_found', message: 'The post_bluesky step names draft #999999, and there is no such artifact.' });
  });

  it('a wrong app password fails with publish_failed and the server message; nothing is posted', async () => {
    await engine();
    await configure('wrong-pass-word-1234');
    const err = await rejection(post(createBlueskyPostExecutor(), { text: 'hello' }));
    expect(err.code).toBe('publish_failed');
    expect(err.message).toBe('Bluesky login failed for @emtesseract.test: Invalid identifier or password.');
    expect(pds.records).toEqual([]);
    expect(await postCount()).toBe(0);
  });

  it('refuses text over 300 graphemes with invalid_input, counting graphemes not code units', async () => {
    await engine();
    await configure();
    const ex = createBlueskyPostExecutor();
    const err = await rejection(post(ex, { text: 'a'.repeat(301) }));
    expect(err.code).toBe('invalid_input');
    expect(err.message).toBe('The post is 301 characters (graphemes) long and Bluesky allows at most 300; shorten it by 1.');
    expect(pds.requests).toEqual([]);
    // 300 thumbs with a skin tone: 1200 UTF-16 units, 300 graphemes — fits, and the server agrees
    await post(ex, { text: '👍🏽'.repeat(300) });
    expect(pds.records).toHaveLength(1);
    const bad = await rejection(post(ex, { text: 'x', draftArtifactId: 1 }));
    expect(bad.code).toBe('invalid_input');
    expect(bad.message).toMatch(/post_bluesky step's payload is not valid: give text or draftArtifactId, not both/);
    expect((await rejection(post(ex, { text: '   ' }))).message).toBe('The post text is empty.');
  });

  it("respects the daily quota at execution time, counting today's posts in the user's time zone", async () => {
    await engine();
    await configure();
    await setPolicy(e.ctx, 'timezone', { name: 'Europe/Berlin' });
    // both steps are queued while the quota still had room (the proposal gate counted them then)
    const first = await stepFor({ text: 'first today' });
    const second = await stepFor({ text: 'second today' });
    await setPolicy(e.ctx, 'bluesky_daily_quota', { limit: 1 });
    const insertPost = (at: string) =>
      e.db.query(`INSERT INTO ops_posts (platform, text, uri, remote_id, posted_at) VALUES ('bluesky', 'earlier', 'at://x/p/1', 'at://x/p/1', $1)`, [at]);
    // 22:30 UTC on 1 March is 23:30 in Berlin: yesterday there, so it does not count
    await insertPost('2026-03-01T22:30:00Z');
    const ex = createBlueskyPostExecutor();
    await ex.run({ ctx: e.ctx, step: first, agentId: 'creator', signal: never });
    expect(pds.records).toHaveLength(1);

    const err = await rejection(ex.run({ ctx: e.ctx, step: second, agentId: 'creator', signal: never }));
    expect(err.code).toBe('rejected');
    expect(err.message).toBe('Quota full (1/1): posts to Bluesky today. Nothing was posted; raise bluesky_daily_quota or post tomorrow.');
    expect(pds.records).toHaveLength(1);
    expect(pds.requests.filter((r) => r.nsid === 'com.atproto.server.createSession')).toHaveLength(1);
    // the next Berlin day (23:00 UTC) starts afresh
    await clock.advanceTo(Date.parse('2026-03-02T23:00:00Z'));
    await ex.run({ ctx: e.ctx, step: second, agentId: 'creator', signal: never });
    expect(pds.records).toHaveLength(2);
  });

  it('posts once per step: a retry after success reports the earlier post', async () => {
    await engine();
    await configure();
    const ex = createBlueskyPostExecutor();
    const { step, out } = await post(ex, { text: 'only once' });
    const again = await ex.run({ ctx: e.ctx, step, agentId: 'creator', signal: never });
    expect(pds.records).toHaveLength(1);
    expect(again.result).toEqual(out.result);
    expect(again.summary).toMatch(/^Already posted to Bluesky: "only once"/);
  });

  it('server errors and a dropped connection are publish_failed (retryable)', async () => {
    await engine();
    await configure();
    const ex = createBlueskyPostExecutor();
    pds.fault({ method: 'com.atproto.repo.createRecord', status: 500, body: { error: 'InternalServerError', message: 'Repo is busy' } });
    const busy = await rejection(post(ex, { text: 'try me' }));
    expect(busy).toMatchObject({ code: 'publish_failed', message: 'Bluesky did not take the post: Repo is busy.' });
    pds.fault({ method: 'com.atproto.server.createSession', status: 0 });
    const dropped = await rejection(post(ex, { text: 'try me' }));
    expect(dropped.code).toBe('publish_failed');
    expect(dropped.message).toMatch(new RegExp(`^Could not reach Bluesky at ${pds.url}: `));
    pds.fault({ method: 'com.atproto.server.createSession', status: 429, body: { error: 'RateLimitExceeded', message: 'Rate Limit Exceeded' } });
    expect((await rejection(post(ex, { text: 'try me' }))).message).toBe('Bluesky login failed for @emtesseract.test: Rate Limit Exceeded.');
    expect(pds.records).toEqual([]);
    expect(await postCount()).toBe(0);
  });

  it('an error body of the wrong shape gives a clear publish_failed naming the status, not whatever came', async () => {
    await engine();
    await configure();
    const ex = createBlueskyPostExecutor();
    // fields of the wrong types
    pds.fault({ method: 'com.atproto.repo.createRecord', status: 502, body: { error: 42, message: ['not', 'a', 'sentence'] } });
    const typed = await rejection(post(ex, { text: 'try me' }));
    expect(typed).toMatchObject({
      code: 'publish_failed',
      message: 'Bluesky did not take the post: the server answered HTTP 502 Bad Gateway with an error body that is not an XRPC error (JSON with an "error" name), so it gave no reason.',
      details: { platform: 'bluesky', status: 502, malformedBody: true },
    });
    // not an object at all, at login
    pds.fault({ method: 'com.atproto.server.createSession', status: 500, body: 'upstream exploded' });
    const login = await rejection(post(ex, { text: 'try me' }));
    expect(login.message).toBe(
      'Bluesky login failed for @emtesseract.test: the server answered HTTP 500 Internal Server Error with an error body that is not an XRPC error (JSON with an "error" name), so it gave no reason.',
    );
    expect(login.details).toMatchObject({ status: 500, malformedBody: true });
    // an error name with a message of the wrong type: the name is the reason
    pds.fault({ method: 'com.atproto.repo.createRecord', status: 400, body: { error: 'InvalidRequest', message: { nested: true } } });
    expect((await rejection(post(ex, { text: 'try me' }))).message).toBe('Bluesky did not take the post: InvalidRequest.');
    // metrics: the same
    const pub = createBlueskyPublisher({ handle: pds.account.handle, appPassword: pds.account.password, service: pds.url }, { clock });
    pds.fault({ method: 'app.bsky.feed.getPosts', status: 503, body: [1, 2, 3] });
    const metrics = await rejection(pub.metrics!(['at://did:plc:x/app.bsky.feed.post/1']));
    expect(metrics).toMatchObject({ code: 'publish_failed', details: { status: 503, malformedBody: true } });
    expect(metrics.message).toMatch(/^Could not read post metrics from Bluesky: the server answered HTTP 503 Service Unavailable with an error body that is not an XRPC error/);
    expect(pds.records).toEqual([]);
    expect(await postCount()).toBe(0);
  });

  it('reads engagement back for the outcome learner (metrics)', async () => {
    await engine();
    const pub = createBlueskyPublisher({ handle: pds.account.handle, appPassword: pds.account.password, service: pds.url }, { clock });
    const a = await pub.publish('one', { signal: never });
    const b = await pub.publish('two', { signal: never });
    pds.engagement.set(a.id, { likes: 7, reposts: 2, replies: 1, quotes: 1 });
    expect(await pub.metrics!([a.id, b.id])).toEqual([
      { id: a.id, likes: 7, reposts: 2, replies: 1, quotes: 1 },
      { id: b.id, likes: 0, reposts: 0, replies: 0, quotes: 0 },
    ]);
  });
});

describe.each(dbKinds)('post_bluesky through the worker pool on %s', (kind) => {
  let pds: XrpcServer;
  let e: TestEngine;
  beforeAll(async () => {
    pds = await startXrpcServer();
  });
  afterAll(async () => pds?.close());
  afterEach(async () => e?.close());

  it('step → post → artifact → events → mission succeeded; unconfigured fails the mission at once', async () => {
    e = await testEngine(kind, {
      clock: new SystemClock(),
      executors: [createBlueskyPostExecutor()],
      heartbeat: false,
      workers: { pollMs: 50 },
    });
    const auto = await getPolicy(e.db, 'auto_approve');
    await setPolicy(e.ctx, 'auto_approve', { ...auto, allowed_step_kinds: [...auto.allowed_step_kinds, 'post_bluesky'] });
    await setSetting(e.ctx, 'bluesky', { handle: pds.account.handle, appPassword: pds.account.password, service: pds.url });
    await e.start();

    const ok = await createProposalAndMaybeAutoApprove(e.ctx, {
      agentId: 'creator',
      title: 'Announce the launch',
      steps: [{ kind: 'post_bluesky', payload: { text: 'We launched. The agents are very proud.' } }],
    });
    expect(ok.mission?.status).toBe('approved');
    await eventually(async () => (await getMission(e.db, ok.mission!.id)).mission.status === 'succeeded');
    const m = await getMission(e.db, ok.mission!.id);
    expect(pds.records.map((r) => r.record.text)).toEqual(['We launched. The agents are very proud.']);
    const [art] = await missionArtifacts(e.db, ok.mission!.id);
    expect(art).toMatchObject({ kind: 'post', stepId: m.steps[0]!.id });
    expect(m.steps[0]!.result).toMatchObject({ platform: 'bluesky', uri: pds.records[0]!.uri, artifactId: art!.id });
    const done = m.events.find((x) => x.kind === 'step_succeeded')!;
    expect(done.tags).toEqual(expect.arrayContaining(['step', 'succeeded', 'post_bluesky', 'bluesky', 'posted', 'post']));
    expect(m.events.filter((x) => x.kind === 'mission_succeeded')).toHaveLength(1);

    await deleteSetting(e.db, 'bluesky');
    const bad = await createProposalAndMaybeAutoApprove(e.ctx, {
      agentId: 'creator',
      title: 'Post without an account',
      steps: [{ kind: 'post_bluesky', payload: { text: 'Is this thing on?' } }],
    });
    await eventually(async () => (await getMission(e.db, bad.mission!.id)).mission.status === 'failed');
    const f = await getMission(e.db, bad.mission!.id);
    expect(f.steps[0]).toMatchObject({ status: 'failed', attempts: 1, errorCode: 'not_configured' });
    expect(f.mission.failureReason).toContain('Bluesky is not configured');
    expect(pds.records).toHaveLength(1);
  });
});
