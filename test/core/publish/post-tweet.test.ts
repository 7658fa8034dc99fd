import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../core/api/errors.ts';
import { getPostForStep, type PostStepResult } from '../../../core/executors/post-executor.ts';
import { createTweetPostExecutor } from '../../../core/executors/post-tweet.ts';
import { getMission, type StepRow } from '../../../core/ops/missions.ts';
import { getPolicy, setPolicy } from '../../../core/ops/policy.ts';
import { createProposalAndMaybeAutoApprove } from '../../../core/ops/proposal-service.ts';
import { FakeClock, SystemClock, type Clock } from '../../../core/ports/clock.ts';
import { setSetting, type XSettings } from '../../../core/publish/settings.ts';
import { createXPublisher, oauth1Signature, oauthEncode, X_NOT_CONFIGURED } from '../../../core/publish/x.ts';
import { dbKinds } from '../../support/db.ts';
import { eventually, testEngine, type TestEngine } from '../../support/engine.ts';

const never = new AbortController().signal;

async function rejection(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected a failure');
}

describe('OAuth 1.0a signing', () => {
  it("matches the worked example in X's documentation", () => {
    const { base, signature } = oauth1Signature({
      method: 'POST',
      url: 'https://api.twitter.com/1/statuses/update.json?include_entities=true',
      bodyParams: { status: 'Hello Ladies + Gentlemen, a signed OAuth request!' },
      consumerKey: 'xvz1evFS4wEEPTGEFPHBog',
      consumerSecret: 'kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw',
      token: '370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb',
      tokenSecret: 'LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE',
      nonce: 'kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg',
      timestamp: 1318622958,
    });
    expect(base).toBe(
      'POST&https%3A%2F%2Fapi.twitter.com%2F1%2Fstatuses%2Fupdate.json&include_entities%3Dtrue%26oauth_consumer_key%3Dxvz1evFS4wEEPTGEFPHBog%26oauth_nonce%3DkYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1318622958%26oauth_token%3D370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb%26oauth_version%3D1.0%26status%3DHello%2520Ladies%2520%252B%2520Gentlemen%252C%2520a%2520signed%2520OAuth%2520request%2521',
    );
    expect(signature).toBe('tnnArxj06cWHq44gCs1OSKk/jLY=');
    expect(oauthEncode("a b!*'()~")).toBe('a%20b%21%2A%27%28%29~');
  });
});

interface FakeX {
  url: string;
  creds: XSettings;
  tweets: { id: string; text: string }[];
  requests: { method: string; path: string; authorization: string }[];
  nextStatus: { status: number; body: unknown } | null;
  close(): Promise<void>;
}

/** A stand-in for api.x.com's POST /2/tweets and GET /2/tweets, checking each OAuth 1.0a signature. */
async function startFakeX(): Promise<FakeX> {
  const creds = { apiKey: 'ck-123', apiSecret: 'cs-456', accessToken: '42-at-789', accessTokenSecret: 'ats-000' };
  const fx: FakeX = { url: '', creds: { ...creds }, tweets: [], requests: [], nextStatus: null, close: async () => {} };
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const u = new URL(req.url ?? '/', fx.url);
    const authorization = req.headers.authorization ?? '';
    fx.requests.push({ method: req.method ?? '', path: u.pathname + u.search, authorization });
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const params = Object.fromEntries([...authorization.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], decodeURIComponent(m[2]!)]));
    const expected = oauth1Signature({
      method: req.method ?? '',
      url: u.href,
      consumerKey: creds.apiKey,
      consumerSecret: creds.apiSecret,
      token: creds.accessToken,
      tokenSecret: creds.accessTokenSecret,
      nonce: params.oauth_nonce ?? '',
      timestamp: Number(params.oauth_timestamp),
    }).signature;
    if (!authorization.startsWith('OAuth ') || params.oauth_consumer_key !== creds.apiKey || params.oauth_signature !== expected) {
      return send(401, { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' });
    }
    if (fx.nextStatus) {
      const { status, body } = fx.nextStatus;
      fx.nextStatus = null;
      return send(status, body);
    }
    if (req.method === 'POST' && u.pathname === '/2/tweets') {
      const { text } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { text: string };
      const id = String(1_900_000_000_000_000_000n + BigInt(fx.tweets.length + 1));
      fx.tweets.push({ id, text });
      return send(201, { data: { id, text, edit_history_tweet_ids: [id] } });
    }
    if (req.method === 'GET' && u.pathname === '/2/tweets') {
      const ids = (u.searchParams.get('ids') ?? '').split(',');
      const data = fx.tweets
        .filter((t) => ids.includes(t.id))
        .map((t) => ({ id: t.id, text: t.text, public_metrics: { like_count: 3, retweet_count: 1, reply_count: 2, quote_count: 0 } }));
      return send(200, { data });
    }
    send(404, { title: 'Not Found Error', detail: 'Sorry, that page does not exist.', status: 404 });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fx.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fx.creds = { ...creds, apiBase: fx.url };
  fx.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return fx;
}

describe('X publisher', () => {
  let fx: FakeX;
  beforeAll(async () => {
    fx = await startFakeX();
  });
  afterAll(async () => fx?.close());

  it('posts with a valid signature and reads metrics back', async () => {
    const pub = createXPublisher(fx.creds, { clock: new FakeClock('2026-03-02T09:00:00Z') });
    const out = await pub.publish('Hello, X.', { signal: never });
    expect(out).toEqual({ uri: `https://x.com/i/status/${fx.tweets[0]!.id}`, url: `https://x.com/i/status/${fx.tweets[0]!.id}`, id: fx.tweets[0]!.id });
    expect(fx.requests[0]!.authorization).toMatch(/oauth_timestamp="1772442000"/);
    expect(await pub.metrics!([out.id])).toEqual([{ id: out.id, likes: 3, reposts: 1, replies: 2, quotes: 0 }]);
  });

  it('reports wrong keys and refusals as publish_failed with the API detail', async () => {
    const bad = createXPublisher({ ...fx.creds, apiSecret: 'nope' }, { clock: new FakeClock() });
    expect(await rejection(bad.publish('x', { signal: never }))).toMatchObject({
      code: 'publish_failed',
      message: 'X refused the credentials: Unauthorized.',
    });
    fx.nextStatus = { status: 403, body: { title: 'Forbidden', detail: 'You are not allowed to create a Tweet with duplicate content.', status: 403 } };
    const pub = createXPublisher(fx.creds, { clock: new FakeClock() });
    expect((await rejection(pub.publish('dup', { signal: never }))).message).toBe(
      'X did not accept the request to post: You are not allowed to create a Tweet with duplicate content.',
    );
  });

  it('reads what X sends through a schema: bodies of the wrong shape are reported, never trusted', async () => {
    const pub = createXPublisher(fx.creds, { clock: new FakeClock() });
    // an error body whose fields are not text: the status speaks instead
    fx.nextStatus = { status: 403, body: { title: 7, detail: { nested: true }, errors: 'no' } };
    expect((await rejection(pub.publish('x', { signal: never }))).message).toBe('X did not accept the request to post: HTTP 403 Forbidden.');
    // a success without a usable id (a number, not X's string of digits)
    fx.nextStatus = { status: 201, body: { data: { id: 1234 } } };
    expect(await rejection(pub.publish('x', { signal: never }))).toMatchObject({
      code: 'publish_failed',
      message: 'X answered the post without a post id; it may or may not have been published.',
    });
    // metrics that are not a list of posts
    fx.nextStatus = { status: 200, body: { data: 'lots' } };
    expect(await rejection(pub.metrics!(['1'], {}))).toMatchObject({ code: 'publish_failed', message: 'X answered the metrics request with something that is not a list of posts.' });
    // a count of the wrong type counts as none, the rest is kept
    fx.nextStatus = { status: 200, body: { data: [{ id: '5', public_metrics: { like_count: 'many', retweet_count: 2 } }] } };
    expect(await pub.metrics!(['5'], {})).toEqual([{ id: '5', likes: 0, reposts: 2, replies: 0, quotes: 0 }]);
  });
});

describe.each(dbKinds)('post_tweet on %s', (kind) => {
  let fx: FakeX;
  let e: TestEngine;
  beforeAll(async () => {
    fx = await startFakeX();
  });
  afterAll(async () => fx?.close());
  afterEach(async () => e?.close());

  async function engine(clock: Clock = new FakeClock('2026-03-02T09:00:00Z'), workers = false): Promise<void> {
    e = await testEngine(kind, {
      clock,
      heartbeat: false,
      executors: [createTweetPostExecutor()],
      workers: workers ? { pollMs: 50 } : false,
    });
    const auto = await getPolicy(e.db, 'auto_approve');
    await setPolicy(e.ctx, 'auto_approve', { ...auto, allowed_step_kinds: [...auto.allowed_step_kinds, 'post_tweet'] });
    fx.tweets.length = 0;
    fx.requests.length = 0;
  }

  async function stepFor(payload: Record<string, unknown>): Promise<StepRow> {
    const out = await createProposalAndMaybeAutoApprove(e.ctx, { agentId: 'twitter-alt', title: 'Tweet', steps: [{ kind: 'post_tweet', payload }] });
    return (await getMission(e.db, out.mission!.id)).steps[0]!;
  }
  const run = async (payload: Record<string, unknown>) => {
    const step = await stepFor(payload);
    return { step, out: await createTweetPostExecutor().run({ ctx: e.ctx, step, agentId: 'twitter-alt', signal: never }) };
  };

  it('without credentials fails with not_configured and sends nothing', async () => {
    await engine();
    const err = await rejection(run({ text: 'hello' }));
    expect(err).toMatchObject({ code: 'not_configured', message: X_NOT_CONFIGURED });
    expect(fx.requests).toEqual([]);
  });

  it('posts with configured keys, records it and tags the event for the reaction matrix', async () => {
    await engine();
    await setSetting(e.ctx, 'x', fx.creds);
    const { step, out } = await run({ text: 'Shipping day.' });
    expect(fx.tweets.map((t) => t.text)).toEqual(['Shipping day.']);
    expect(out.tags).toEqual(['tweet', 'posted']);
    const result = out.result as PostStepResult;
    expect(result).toMatchObject({ platform: 'x', id: fx.tweets[0]!.id, length: 13 });
    expect(await getPostForStep(e.db, step.id)).toMatchObject({ platform: 'x', remoteId: fx.tweets[0]!.id, agentId: 'twitter-alt' });
  });

  it("refuses text over X's 280 weighted characters (CJK counts double)", async () => {
    await engine();
    await setSetting(e.ctx, 'x', fx.creds);
    const err = await rejection(run({ text: '漢'.repeat(141) }));
    expect(err.code).toBe('invalid_input');
    expect(err.message).toBe('The post is 282 weighted characters long and X allows at most 280; shorten it by 2.');
    await run({ text: '漢'.repeat(140) });
    expect(fx.tweets).toHaveLength(1);
  });

  it('through the worker pool: the mission succeeds and the event carries tweet + posted', async () => {
    await engine(new SystemClock(), true);
    await setSetting(e.ctx, 'x', fx.creds);
    await e.start();
    const ok = await createProposalAndMaybeAutoApprove(e.ctx, {
      agentId: 'twitter-alt',
      title: 'Tweet the launch',
      steps: [{ kind: 'post_tweet', payload: { text: 'We launched.' } }],
    });
    await eventually(async () => (await getMission(e.db, ok.mission!.id)).mission.status === 'succeeded');
    const m = await getMission(e.db, ok.mission!.id);
    expect(m.events.find((x) => x.kind === 'step_succeeded')!.tags).toEqual(expect.arrayContaining(['post_tweet', 'tweet', 'posted']));
    expect(fx.tweets.map((t) => t.text)).toEqual(['We launched.']);
  });
});
