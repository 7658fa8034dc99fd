import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../core/api/errors.ts';
import { getArtifact, missionArtifacts, saveArtifact } from '../../../core/executors/artifacts.ts';
import { pinnedFetch } from '../../../core/executors/crawl-connect.ts';
import { createCrawlExecutor, type CrawlResult, type FetchFn, type LookupFn } from '../../../core/executors/crawl.ts';
import { getMission, type StepRow } from '../../../core/ops/missions.ts';
import { getPolicy, setPolicy } from '../../../core/ops/policy.ts';
import { createProposalAndMaybeAutoApprove } from '../../../core/ops/proposal-service.ts';
import { FakeClock, SystemClock } from '../../../core/ports/clock.ts';
import type { Executor } from '../../../core/workers/executor.ts';
import { dbKinds } from '../../support/db.ts';
import { eventually, testEngine, type TestEngine } from '../../support/engine.ts';
import { ARTICLE_SENTENCE, ARTICLE_TITLE, plainText, startWebServer, type WebServer } from '../../support/web-server.ts';

/** A resolver that knows a few names and fails for the rest; the system resolver is never asked. */
const names: Record<string, string[]> = {
  'news.example.com': ['93.184.216.34'],
  'intranet.example.com': ['10.1.2.3'],
  'sneaky.example.com': ['93.184.216.34', '::ffff:192.168.0.7'],
  'metadata.example.com': ['169.254.169.254'],
};
const fakeLookup: LookupFn = async (host) => {
  const addrs = names[host];
  if (!addrs) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  return addrs.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

/** A fetch that must not be reached (refusals happen before any request). */
function forbiddenFetch(): FetchFn & { calls: string[] } {
  const calls: string[] = [];
  const f = (async (input: string | URL) => {
    calls.push(String(input));
    throw new Error('fetch must not be called');
  }) as unknown as FetchFn & { calls: string[] };
  f.calls = calls;
  return f;
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

async function rejection(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected the step to fail');
}

describe.each(dbKinds)('crawl executor on %s', (kind) => {
  let web: WebServer;
  let e: TestEngine;
  let clock: FakeClock;

  beforeAll(async () => {
    web = await startWebServer();
  });
  afterAll(async () => web?.close());
  afterEach(async () => e?.close());

  async function engine(allowed: string[] = [], patch: Record<string, unknown> = {}): Promise<void> {
    clock = new FakeClock('2026-03-02T09:00:00Z');
    e = await testEngine(kind, { clock, workers: false, heartbeat: false });
    const p = await getPolicy(e.db, 'crawl_policy');
    await setPolicy(e.ctx, 'crawl_policy', { ...p, allowed_hosts: allowed, ...patch });
  }

  /** A real queued step in a real mission (artifacts reference it), run directly. */
  async function stepFor(payload: Record<string, unknown>): Promise<StepRow> {
    const out = await createProposalAndMaybeAutoApprove(e.ctx, { agentId: 'growth', title: 'Read a page', steps: [{ kind: 'crawl', payload }] });
    return (await getMission(e.db, out.mission!.id)).steps[0]!;
  }

  async function crawl(ex: Executor, url: string, signal = new AbortController().signal) {
    const step = await stepFor({ url });
    return ex.run({ ctx: e.ctx, step, agentId: 'growth', signal });
  }

  it('refuses loopback and private addresses by default, before any request', async () => {
    await engine();
    const f = forbiddenFetch();
    const ex = createCrawlExecutor({ fetch: f, lookup: fakeLookup });
    const loop = await rejection(crawl(ex, `${web.url}/article`));
    expect(loop.code).toBe('crawl_refused');
    expect(loop.message).toBe(
      'Refused to crawl 127.0.0.1: it is a loopback address. Add it to crawl_policy.allowed_hosts to allow it.',
    );
    const priv = await rejection(crawl(ex, 'http://10.0.0.1/admin'));
    expect(priv.code).toBe('crawl_refused');
    expect(priv.message).toMatch(/^Refused to crawl 10\.0\.0\.1: it is a private address\./);
    for (const [url, why] of [
      ['http://localhost:8080/', 'loopback'],
      ['http://[::1]/', 'loopback'],
      ['http://[::ffff:10.0.0.1]/', 'private'],
      ['http://169.254.169.254/latest/meta-data/', 'link-local'],
      ['http://0.0.0.0/', 'unspecified'],
      ['http://2130706433/', 'loopback'],
      ['http://[fd00::1]/', 'private'],
      ['http://[fe80::1]/', 'link-local'],
    ] as const) {
      const err = await rejection(crawl(ex, url));
      expect(err.code, url).toBe('crawl_refused');
      expect(err.message, url).toContain(`${why} address`);
    }
    expect(f.calls).toEqual([]);
  });

  it('refuses non-http schemes', async () => {
    await engine();
    const f = forbiddenFetch();
    const ex = createCrawlExecutor({ fetch: f, lookup: fakeLookup });
    const err = await rejection(crawl(ex, 'ftp://files.example.com/report.txt'));
    expect(err.code).toBe('crawl_refused');
    expect(err.message).toBe('Refused to crawl files.example.com: only http and https URLs can be crawled, and this one is ftp.');
    expect((await rejection(crawl(ex, 'file:///etc/passwd'))).code).toBe('crawl_refused');
    expect((await rejection(crawl(ex, 'http://me:secret@news.example.com/'))).message).toBe(
      'Refused to crawl news.example.com: the URL carries a user name or password.',
    );
    const bad = await rejection(crawl(ex, 'not a url'));
    expect(bad.code).toBe('invalid_input');
    expect(f.calls).toEqual([]);
  });

  it('refuses a public-looking name that resolves to a private address (any of its addresses)', async () => {
    await engine();
    const f = forbiddenFetch();
    const ex = createCrawlExecutor({ fetch: f, lookup: fakeLookup });
    const err = await rejection(crawl(ex, 'https://intranet.example.com/wiki'));
    expect(err.code).toBe('crawl_refused');
    expect(err.message).toBe(
      'Refused to crawl intranet.example.com: it resolves to 10.1.2.3, a private address. Add it to crawl_policy.allowed_hosts to allow it.',
    );
    const mixed = await rejection(crawl(ex, 'https://sneaky.example.com/'));
    expect(mixed.message).toContain('it resolves to ::ffff:192.168.0.7, a private address');
    const meta = await rejection(crawl(ex, 'http://metadata.example.com/'));
    expect(meta.message).toContain('link-local address');
    const missing = await rejection(crawl(ex, 'https://nowhere.example.com/'));
    expect(missing.code).toBe('crawl_failed');
    expect(missing.message).toBe('Could not resolve nowhere.example.com: no such host.');
    expect(f.calls).toEqual([]);
  });

  it('extracts title and text from the local article when its host:port is allowed', async () => {
    await engine([web.host]);
    const ex = createCrawlExecutor();
    const out = await crawl(ex, `${web.url}/article`);
    const result = out.result as CrawlResult;
    expect(result).toMatchObject({ url: `${web.url}/article`, truncated: false });
    expect(result.title).toContain(ARTICLE_TITLE);
    expect(out.tags).toEqual(['crawl', '127.0.0.1']);
    expect(out.summary).toMatch(/^Crawled "How the Lighthouse Keeper Counted Ships.*" from 127\.0\.0\.1:\d+: \d+ characters\.$/);
    const art = (await getArtifact(e.db, result.artifactId))!;
    expect(art).toMatchObject({ kind: 'crawl', agentId: 'growth', version: 1, createdAt: '2026-03-02T09:00:00.000Z' });
    expect(art.content).toContain(ARTICLE_SENTENCE);
    expect(art.content).toContain('paragraph 6');
    // paragraphs stay apart; scripts, styles and navigation are not text
    expect(art.content).toMatch(/paragraph 1;.*\n\n.*paragraph 2;/);
    expect(art.content).not.toContain('tracking');
    expect(art.content).not.toContain('color: red');
    expect(result.chars).toBe(art.content.length);
    expect(art.meta).toMatchObject({
      url: `${web.url}/article`,
      byline: 'Ada Quill',
      siteName: 'Harbour Notes',
      length: art.content.length,
      truncated: false,
      contentType: 'text/html',
      extraction: 'readability',
    });
    expect(typeof art.meta.excerpt).toBe('string');
    expect(web.requests.at(-1)?.headers['user-agent']).toBe('emtesseract-crawler/0.1');
  });

  it('reads text/plain, decodes a charset declared in the page, and falls back to the body text', async () => {
    await engine(['127.0.0.1']);
    const ex = createCrawlExecutor();
    const plain = (await crawl(ex, `${web.url}/plain`)).result as CrawlResult;
    expect(plain.title).toBe('Tide table for March');
    expect((await getArtifact(e.db, plain.artifactId))!.content).toBe(plainText);
    const latin = (await crawl(ex, `${web.url}/latin1`)).result as CrawlResult;
    expect((await getArtifact(e.db, latin.artifactId))!.content).toContain('Crème brûlée for everyone.');
    const bare = (await crawl(ex, `${web.url}/bare`)).result as CrawlResult;
    const art = (await getArtifact(e.db, bare.artifactId))!;
    expect(bare.title).toBe('Bare page');
    expect(art.content).toBe('Just a few words.');
  });

  it('follows a redirect chain up to max_redirects, vetting each hop', async () => {
    await engine([web.host], { max_redirects: 3 });
    const ex = createCrawlExecutor();
    const out = (await crawl(ex, `${web.url}/redirect/3`)).result as CrawlResult;
    expect(out.url).toBe(`${web.url}/article`);
    const art = (await getArtifact(e.db, out.artifactId))!;
    expect(art.meta.requestedUrl).toBe(`${web.url}/redirect/3`);
    expect(art.meta.redirects).toEqual([`${web.url}/redirect/3`, `${web.url}/redirect/2`, `${web.url}/redirect/1`]);
    const tooMany = await rejection(crawl(ex, `${web.url}/redirect/4`));
    expect(tooMany.code).toBe('crawl_refused');
    expect(tooMany.message).toContain('it redirects more than 3 times (crawl_policy.max_redirects)');
  });

  it('refuses a redirect into a private address or to a name that resolves to one', async () => {
    await engine([web.host]);
    const ex = createCrawlExecutor({ lookup: fakeLookup });
    const before = web.requests.length;
    const err = await rejection(crawl(ex, `${web.url}/redirect-to?url=${encodeURIComponent('http://10.0.0.1/secret')}`));
    expect(err.code).toBe('crawl_refused');
    expect(err.message).toBe(
      `Refused to crawl 10.0.0.1 (redirected from ${web.host}): it is a private address. Add it to crawl_policy.allowed_hosts to allow it.`,
    );
    const named = await rejection(crawl(ex, `${web.url}/redirect-to?url=${encodeURIComponent('http://intranet.example.com/')}`));
    expect(named.message).toContain('it resolves to 10.1.2.3, a private address');
    const scheme = await rejection(crawl(ex, `${web.url}/redirect-to?url=${encodeURIComponent('file:///etc/passwd')}`));
    expect(scheme.code).toBe('crawl_refused');
    // only the two redirecting pages were asked for
    expect(web.requests.length - before).toBe(3);
  });

  it('a host is allowed only as listed: another port on the same address is still refused', async () => {
    await engine(['127.0.0.1:1']);
    const err = await rejection(crawl(createCrawlExecutor(), `${web.url}/article`));
    expect(err.code).toBe('crawl_refused');
  });

  it('stops reading at max_bytes and records the truncation', async () => {
    await engine([web.host], { max_bytes: 64 * 1024 });
    const ex = createCrawlExecutor();
    const out = (await crawl(ex, `${web.url}/huge?bytes=100000000`)).result as CrawlResult;
    expect(out.truncated).toBe(true);
    const art = (await getArtifact(e.db, out.artifactId))!;
    expect(art.meta).toMatchObject({ truncated: true, bytes: 64 * 1024 });
    expect(art.content.length).toBeGreaterThan(1000);
    expect(art.content.length).toBeLessThanOrEqual(64 * 1024);
    // the connection was dropped long before the end of the 100 MB page (what went out sits in socket buffers)
    await eventually(async () => web.hugeClosed);
    expect(web.hugeBytesSent).toBeLessThan(50_000_000);
  });

  it('times out on the engine clock, while waiting for headers and while reading the body', async () => {
    await engine([web.host], { timeout_ms: 2000 });
    // the real pinned fetch, noting when the response (its headers) came back
    const answered: string[] = [];
    const ex = createCrawlExecutor({
      fetch: async (u, init, pin) => {
        const res = await pinnedFetch(u, init, pin);
        answered.push(new URL(String(u)).pathname);
        return res;
      },
    });
    for (const path of ['/slow', '/stall']) {
      const seen = web.requests.length;
      const p = rejection(crawl(ex, `${web.url}${path}`));
      // /slow: the request is at the server and the timer armed; /stall: the headers are in too, so the body is being read
      const reading = path === '/stall';
      await eventually(async () => web.requests.length > seen && clock.pending() > 0 && answered.includes(path) === reading);
      await clock.advance(1999);
      await clock.advance(1);
      const err = await p;
      expect(err.code, path).toBe('crawl_failed');
      expect(err.message).toBe(`Fetching ${web.url}${path} took longer than 2000 ms (crawl_policy.timeout_ms).`);
    }
    expect(answered).toEqual(['/stall']); // /slow timed out before its headers came
    expect(clock.pending()).toBe(0);
  });

  it('the timeout covers a name lookup that never answers', async () => {
    await engine([], { timeout_ms: 1000 });
    const ex = createCrawlExecutor({ lookup: () => new Promise(() => {}), fetch: forbiddenFetch() });
    const p = rejection(crawl(ex, 'https://news.example.com/'));
    await eventually(async () => clock.pending() > 0);
    await clock.advance(1000);
    expect(await p).toMatchObject({
      code: 'crawl_failed',
      message: 'Fetching https://news.example.com/ took longer than 1000 ms (crawl_policy.timeout_ms).',
    });
  });

  it('stops when the step is aborted (the worker stopping), as an AbortError', async () => {
    await engine([web.host]);
    const ac = new AbortController();
    const seen = web.requests.length;
    const p = crawl(createCrawlExecutor(), `${web.url}/slow`, ac.signal).catch((err: unknown) => err);
    await eventually(async () => web.requests.length > seen);
    ac.abort();
    const err = (await p) as Error;
    expect(err.name).toBe('AbortError');
    expect(clock.pending()).toBe(0);
  });

  it('refuses binary content types', async () => {
    await engine([web.host]);
    const ex = createCrawlExecutor();
    const bin = await rejection(crawl(ex, `${web.url}/binary`));
    expect(bin.code).toBe('crawl_refused');
    expect(bin.message).toBe(
      'Refused to crawl 127.0.0.1: its content is application/octet-stream, and only text/html and text/plain pages can be read.',
    );
    expect((await rejection(crawl(ex, `${web.url}/image`))).message).toContain('its content is image/png');
  });

  it('reports HTTP and network errors as crawl_failed (retryable)', async () => {
    const closed = await closedPort();
    await engine([web.host, `127.0.0.1:${closed}`]);
    const ex = createCrawlExecutor();
    const notFound = await rejection(crawl(ex, `${web.url}/status/404`));
    expect(notFound.code).toBe('crawl_failed');
    expect(notFound.message).toBe(`Fetching ${web.url}/status/404 failed: HTTP 404 Not Found.`);
    const refused = await rejection(crawl(ex, `http://127.0.0.1:${closed}/`));
    expect(refused.code).toBe('crawl_failed');
    expect(refused.message).toMatch(new RegExp(`^Could not fetch http://127\\.0\\.0\\.1:${closed}/: ECONNREFUSED`));
  });

  it('refuses everything when crawling is turned off', async () => {
    await engine([web.host]);
    const step = await stepFor({ url: `${web.url}/article` });
    await setPolicy(e.ctx, 'crawl_policy', { ...(await getPolicy(e.db, 'crawl_policy')), enabled: false });
    const err = await rejection(createCrawlExecutor().run({ ctx: e.ctx, step, agentId: 'growth', signal: new AbortController().signal }));
    expect(err).toMatchObject({ code: 'crawl_refused', message: 'Crawling is turned off in crawl_policy.' });
  });
});

describe.each(dbKinds)('crawl through the worker pool on %s', (kind) => {
  let web: WebServer;
  let e: TestEngine;
  beforeAll(async () => {
    web = await startWebServer();
  });
  afterAll(async () => web?.close());
  afterEach(async () => e?.close());

  it('step → artifact → events → mission succeeded; a refusal fails the mission at once', async () => {
    e = await testEngine(kind, {
      clock: new SystemClock(),
      executors: [createCrawlExecutor()],
      heartbeat: false,
      workers: { pollMs: 50 },
    });
    const p = await getPolicy(e.db, 'crawl_policy');
    await setPolicy(e.ctx, 'crawl_policy', { ...p, allowed_hosts: [web.host] });
    await e.start();

    const ok = await createProposalAndMaybeAutoApprove(e.ctx, {
      agentId: 'growth',
      title: 'Read the lighthouse article',
      steps: [{ kind: 'crawl', payload: { url: `${web.url}/article` } }],
    });
    expect(ok.mission?.status).toBe('approved');
    await eventually(async () => (await getMission(e.db, ok.mission!.id)).mission.status === 'succeeded');
    const m = await getMission(e.db, ok.mission!.id);
    const [art] = await missionArtifacts(e.db, ok.mission!.id);
    expect(art).toMatchObject({ kind: 'crawl', stepId: m.steps[0]!.id, agentId: 'growth' });
    expect(m.steps[0]!.result).toMatchObject({ artifactId: art!.id, url: `${web.url}/article`, truncated: false });
    const done = m.events.find((x) => x.kind === 'step_succeeded')!;
    expect(done.tags).toEqual(expect.arrayContaining(['step', 'succeeded', 'crawl', '127.0.0.1']));
    expect(done.summary).toContain(ARTICLE_TITLE);

    const bad = await createProposalAndMaybeAutoApprove(e.ctx, {
      agentId: 'growth',
      title: 'Peek at the router',
      steps: [{ kind: 'crawl', payload: { url: 'http://192.168.1.1/' } }],
    });
    await eventually(async () => (await getMission(e.db, bad.mission!.id)).mission.status === 'failed');
    const f = await getMission(e.db, bad.mission!.id);
    expect(f.steps[0]).toMatchObject({ status: 'failed', attempts: 1, errorCode: 'crawl_refused' });
    expect(f.mission.failureReason).toContain('Refused to crawl 192.168.1.1: it is a private address.');
    expect(await missionArtifacts(e.db, bad.mission!.id)).toEqual([]);
  });
});

describe.each(dbKinds)('saveArtifact on %s', (kind) => {
  let e: TestEngine;
  afterEach(async () => e?.close());

  it('numbers versions from the parent and stamps the clock time', async () => {
    e = await testEngine(kind, { workers: false, heartbeat: false });
    const base = { kind: 'draft' as const, agentId: 'creator', missionId: null, stepId: null };
    const v1 = await saveArtifact(e.ctx, e.db, { ...base, title: 'Draft', content: 'one' });
    expect(v1).toMatchObject({ version: 1, parentId: null, meta: {}, createdAt: '2026-03-02T09:00:00.000Z' });
    const v2 = await saveArtifact(e.ctx, e.db, { ...base, title: 'Draft', content: 'two', parentId: v1.id, meta: { note: 'tighter' } });
    expect(v2).toMatchObject({ version: 2, parentId: v1.id, meta: { note: 'tighter' } });
    const v3 = await saveArtifact(e.ctx, e.db, { ...base, title: 'Draft', content: 'three', parentId: v2.id });
    expect(v3.version).toBe(3);
    const err = await rejection(saveArtifact(e.ctx, e.db, { ...base, title: 'x', content: 'y', parentId: 424242 }));
    expect(err).toMatchObject({ code: 'not_found', message: 'There is no artifact #424242 to make a new version of.' });
  });
});
