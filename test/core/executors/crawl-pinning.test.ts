/**
 * DNS rebinding: the crawler checks the address a name resolves to, then
 * connects to exactly that address. A resolver that answers a public address
 * first and a loopback one after cannot get a request onto this machine.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../core/api/errors.ts';
import { pinnedFetch } from '../../../core/executors/crawl-connect.ts';
import { createCrawlExecutor, type LookupFn, type Pin } from '../../../core/executors/crawl.ts';
import { getMission } from '../../../core/ops/missions.ts';
import { getPolicy, setPolicy } from '../../../core/ops/policy.ts';
import { createProposalAndMaybeAutoApprove } from '../../../core/ops/proposal-service.ts';
import { SystemClock } from '../../../core/ports/clock.ts';
import { testEngine, type TestEngine } from '../../support/engine.ts';
import { ARTICLE_TITLE, startWebServer, type WebServer } from '../../support/web-server.ts';

/** Answers `first` on the first lookup of a name and `later` on every one after (a rebinding DNS server). */
function rebindingLookup(first: string, later: string): LookupFn & { asked: string[] } {
  const asked: string[] = [];
  const f = (async (host: string) => {
    asked.push(host);
    const address = asked.length === 1 ? first : later;
    return [{ address, family: address.includes(':') ? 6 : 4 }];
  }) as unknown as LookupFn & { asked: string[] };
  f.asked = asked;
  return f;
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

describe('crawl address pinning', { timeout: 120_000 }, () => {
  let web: WebServer;
  let e: TestEngine;
  beforeAll(async () => {
    web = await startWebServer();
  });
  afterAll(async () => web?.close());
  afterEach(async () => e?.close());

  async function run(ex: ReturnType<typeof createCrawlExecutor>, url: string, policy: Record<string, unknown> = {}) {
    // the real clock: the timeout must really fire while a connect hangs
    e = await testEngine('pglite', { clock: new SystemClock(), workers: false, heartbeat: false });
    const p = await getPolicy(e.db, 'crawl_policy');
    await setPolicy(e.ctx, 'crawl_policy', { ...p, ...policy });
    const out = await createProposalAndMaybeAutoApprove(e.ctx, { agentId: 'growth', title: 'Read', steps: [{ kind: 'crawl', payload: { url } }] });
    const step = (await getMission(e.db, out.mission!.id)).steps[0]!;
    return ex.run({ ctx: e.ctx, step, agentId: 'growth', signal: new AbortController().signal });
  }

  it('connects to the address that was checked, not to what the name resolves to next', async () => {
    const port = new URL(web.url).port;
    const lookup = rebindingLookup('203.0.113.7', '127.0.0.1');
    const pins: Pin[] = [];
    // the real connector, watched: it is handed the pin and connects only there
    const ex = createCrawlExecutor({ lookup, fetch: (u, init, pin) => (pins.push(pin), pinnedFetch(u, init, pin)) });
    const before = web.requests.length;
    // whatever answers at 203.0.113.7 (nothing, or a network's own box), it is not this machine's server
    await run(ex, `http://rebind.example:${port}/article`, { timeout_ms: 1500 }).catch(() => null);
    expect(lookup.asked).toEqual(['rebind.example']); // asked once: nothing re-resolves the name before connecting
    expect(pins).toEqual([{ address: '203.0.113.7', family: 4 }]);
    expect(web.requests.length).toBe(before); // the loopback server never heard from it
  });

  it('a vetted loopback answer is refused before any connection, however the name answers later', async () => {
    const lookup = rebindingLookup('127.0.0.1', '203.0.113.7');
    let fetched = 0;
    const ex = createCrawlExecutor({ lookup, fetch: async () => (fetched++, new Response('')) });
    const err = await rejection(run(ex, 'http://rebind.example/article'));
    expect(err.code).toBe('crawl_refused');
    expect(err.message).toBe('Refused to crawl rebind.example: it resolves to 127.0.0.1, a loopback address. Add it to crawl_policy.allowed_hosts to allow it.');
    expect(fetched).toBe(0);
  });

  it('the pinned connector reaches the pinned address under the URL’s own host name', async () => {
    const port = new URL(web.url).port;
    // "pinned.example" resolves nowhere; only the pin can take the request to the local server
    const res = await pinnedFetch(`http://pinned.example:${port}/article`, { headers: { 'user-agent': 't' } }, { address: '127.0.0.1', family: 4 });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain(ARTICLE_TITLE);
    expect(web.requests.at(-1)?.headers.host).toBe(`pinned.example:${port}`);
  });

  it('an allowed host name is still pinned to the address it resolved to', async () => {
    const port = new URL(web.url).port;
    const lookup = rebindingLookup('127.0.0.1', '10.9.9.9');
    const ex = createCrawlExecutor({ lookup });
    const out = (await run(ex, `http://intranet.example:${port}/article`, { allowed_hosts: [`intranet.example:${port}`] })) as { result: { title: string } };
    expect(out.result.title).toBe(ARTICLE_TITLE);
    expect(lookup.asked).toEqual(['intranet.example']);
  });
});
