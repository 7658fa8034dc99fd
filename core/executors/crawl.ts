/**
 * The crawl step: fetches one web page and stores its readable text as a
 * 'crawl' artifact. No LLM. Every hop (the URL and each redirect target) is
 * vetted first: http(s) only, and no loopback, private, link-local or other
 * non-public address unless the host is listed in crawl_policy.allowed_hosts.
 *
 * Limits from crawl_policy: timeout_ms for the whole fetch (on the engine's
 * clock), max_bytes read from the body (the rest is never downloaded),
 * max_redirects. Only text/html and text/plain are read.
 */
import { z } from 'zod';
import { AppError, describeIssues, isAppError } from '../api/errors.js';
import type { EngineCtx } from '../ops/ctx.js';
import { cachedPolicy } from '../ops/policy.js';
import type { PolicyValue } from '../ops/policy-schemas.js';
import { abortError } from '../ports/clock.js';
import { badPayload, type Executor } from '../workers/executor.js';
import { saveArtifact } from './artifacts.js';
import { classifyAddress, describeClass, isAllowedHost, isLoopbackName, systemLookup, type LookupFn } from './crawl-address.js';
import { extractHtml, extractPlain } from './crawl-extract.js';
import { pinnedFetch, type Pin } from './crawl-connect.js';
import { decodeBody, isReadableType, parseContentType, readCapped, readableTypes, redirectStatuses } from './crawl-http.js';

export type { LookupFn } from './crawl-address.js';
export type { Pin } from './crawl-connect.js';

/** An HTTP client that connects to `pin`, the address the hop was vetted for (see crawl-connect.ts). */
export type FetchFn = (input: string | URL, init: RequestInit, pin: Pin) => Promise<Response>;

export interface CrawlExecutorOptions {
  /** HTTP client (default: pinnedFetch, which connects only to the vetted address). Called with redirect: 'manual'. */
  fetch?: FetchFn;
  /** Name resolution (default: the system resolver, all addresses). */
  lookup?: LookupFn;
  /** Sent as User-Agent. */
  userAgent?: string;
}

export interface CrawlResult {
  artifactId: number;
  title: string;
  /** The final URL, after redirects. */
  url: string;
  chars: number;
  truncated: boolean;
}

const payload = z.object({
  url: z.string().trim().min(1, 'a URL is required').max(2048, 'the URL is longer than 2048 characters'),
});

type CrawlPolicy = PolicyValue<'crawl_policy'>;

const ALLOW_HINT = 'Add it to crawl_policy.allowed_hosts to allow it.';

function refuse(url: URL, why: string, hint = true, from?: URL): AppError {
  const via = from ? ` (redirected from ${from.host})` : '';
  return new AppError('crawl_refused', `Refused to crawl ${url.hostname || url.href}${via}: ${why}.${hint ? ' ' + ALLOW_HINT : ''}`, {
    url: url.href,
    host: url.host,
  });
}

function pinOf(address: string): Pin {
  const bare = address.startsWith('[') ? address.slice(1, -1) : address;
  return { address: bare, family: bare.includes(':') ? 6 : 4 };
}

/**
 * Throws crawl_refused unless `url` may be fetched: http(s), and a public
 * address (every address its name resolves to) or an allowed host. Returns
 * the address to connect to: the one that was checked, so the connection
 * cannot go anywhere the check did not see.
 */
export async function vetUrl(
  url: URL,
  policy: Pick<CrawlPolicy, 'allowed_hosts'>,
  lookup: LookupFn,
  from?: URL,
  signal?: AbortSignal,
): Promise<Pin> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw refuse(url, `only http and https URLs can be crawled, and this one is ${url.protocol.replace(/:$/, '')}`, false, from);
  }
  if (url.username || url.password) throw refuse(url, 'the URL carries a user name or password', false, from);
  const allowed = isAllowedHost(url, policy.allowed_hosts);
  const host = url.hostname;
  const literal = classifyAddress(host);
  if (literal !== null) {
    if (literal !== 'public' && !allowed) throw refuse(url, `it is ${describeClass(literal)}`, true, from);
    return pinOf(host);
  }
  if (isLoopbackName(host)) {
    // localhost always means this machine (RFC 6761), whatever a resolver says
    if (!allowed) throw refuse(url, `it is ${describeClass('loopback')}`, true, from);
    return { address: '127.0.0.1', family: 4 };
  }
  let addresses: readonly { address: string }[];
  try {
    addresses = await abortable(lookup(host), signal);
  } catch (err) {
    if (signal?.aborted) throw abortError();
    const code = (err as { code?: string }).code;
    const why = code === 'ENOTFOUND' || code === 'ENODATA' ? 'no such host' : err instanceof Error ? err.message : String(err);
    throw new AppError('crawl_failed', `Could not resolve ${host}: ${why}.`, { url: url.href, host: url.host });
  }
  if (addresses.length === 0) throw new AppError('crawl_failed', `Could not resolve ${host}: no addresses.`, { url: url.href });
  for (const { address } of addresses) {
    const c = classifyAddress(address);
    if (c === null) throw refuse(url, `it resolves to "${address}", which is not an IP address`, true, from);
    if (c !== 'public' && !allowed) throw refuse(url, `it resolves to ${address}, ${describeClass(c)}`, true, from);
  }
  return pinOf((addresses[0] as { address: string }).address);
}

/** Settles with `p`, or rejects with an AbortError as soon as `signal` aborts (a DNS lookup cannot be cancelled). */
function abortable<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) return Promise.reject(abortError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortError());
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

/** Clips a tag to what events accept. */
function tag(s: string): string {
  return s.toLowerCase().slice(0, 60) || 'unknown';
}

export function createCrawlExecutor(opts: CrawlExecutorOptions = {}): Executor {
  const fetchFn: FetchFn = opts.fetch ?? pinnedFetch;
  const lookup = opts.lookup ?? systemLookup;
  const userAgent = opts.userAgent ?? 'emtesseract-crawler/0.1';

  return {
    kind: 'crawl',
    payloadSchema: payload,
    async run({ ctx, step, agentId, signal }) {
      const parsed = payload.safeParse(step.payload);
      if (!parsed.success) throw badPayload('crawl', describeIssues(parsed.error.issues));
      let start: URL;
      try {
        start = new URL(parsed.data.url);
      } catch {
        throw badPayload('crawl', `"${parsed.data.url.slice(0, 200)}" is not a URL`);
      }
      const policy = await cachedPolicy(ctx, 'crawl_policy');
      if (!policy.enabled) throw new AppError('crawl_refused', 'Crawling is turned off in crawl_policy.');

      const page = await fetchPage(ctx, start, policy, { fetchFn, lookup, userAgent, signal });
      const extracted = page.ct.mime === 'text/html' ? await extractHtml(page.body, page.url.href) : extractPlain(page.body, page.url.href);
      const title = extracted.title.slice(0, 300);
      const artifact = await saveArtifact(ctx, ctx.db, {
        kind: 'crawl',
        title,
        content: extracted.text,
        meta: {
          url: page.url.href,
          requestedUrl: start.href,
          redirects: page.redirects,
          status: page.status,
          contentType: page.ct.mime,
          bytes: page.bytes,
          truncated: page.truncated,
          byline: extracted.byline,
          excerpt: extracted.excerpt,
          siteName: extracted.siteName,
          lang: extracted.lang,
          publishedTime: extracted.publishedTime,
          length: extracted.text.length,
          extraction: extracted.method,
        },
        agentId,
        missionId: step.missionId,
        stepId: step.id,
      });
      const result: CrawlResult = {
        artifactId: artifact.id,
        title,
        url: page.url.href,
        chars: extracted.text.length,
        truncated: page.truncated,
      };
      const cut = page.truncated ? ` (cut at ${policy.max_bytes} bytes)` : '';
      return {
        result,
        summary: `Crawled "${title}" from ${page.url.host}: ${extracted.text.length} characters${cut}.`,
        tags: ['crawl', tag(page.url.hostname)],
      };
    },
  };
}

/** The crawl executor with the global fetch and the system resolver. */
export const crawlExecutor: Executor = createCrawlExecutor();

interface FetchDeps {
  fetchFn: FetchFn;
  lookup: LookupFn;
  userAgent: string;
  signal: AbortSignal;
}

interface Page {
  url: URL;
  status: number;
  ct: ReturnType<typeof parseContentType>;
  body: string;
  bytes: number;
  truncated: boolean;
  redirects: string[];
}

/** Follows redirects by hand (vetting each target), then reads the body up to the cap, all within the timeout. */
async function fetchPage(ctx: EngineCtx, start: URL, policy: CrawlPolicy, deps: FetchDeps): Promise<Page> {
  const { signal } = deps;
  if (signal.aborted) throw abortError();
  const ac = new AbortController();
  let timedOut = false;
  const cancelTimer = ctx.clock.setTimer(policy.timeout_ms, () => {
    timedOut = true;
    ac.abort();
  });
  const onStepAbort = (): void => ac.abort();
  signal.addEventListener('abort', onStepAbort, { once: true });
  let current = start;
  const redirects: string[] = [];
  try {
    for (let hop = 0; ; hop++) {
      const from = hop > 0 ? new URL(redirects[redirects.length - 1] as string) : undefined;
      const pin = await vetUrl(current, policy, deps.lookup, from, ac.signal);
      if (ac.signal.aborted) throw abortError();
      const res = await deps.fetchFn(
        current.href,
        {
          method: 'GET',
          redirect: 'manual',
          signal: ac.signal,
          headers: { 'user-agent': deps.userAgent, accept: 'text/html, text/plain;q=0.9, */*;q=0.1' },
        },
        pin,
      );
      if (redirectStatuses.has(res.status)) {
        await res.body?.cancel().catch(() => {});
        const location = res.headers.get('location');
        if (!location) throw new AppError('crawl_failed', `${current.href} answered ${res.status} without saying where to go.`, { url: current.href });
        if (hop >= policy.max_redirects) {
          throw refuse(current, `it redirects more than ${policy.max_redirects} time${policy.max_redirects === 1 ? '' : 's'} (crawl_policy.max_redirects)`, false);
        }
        let next: URL;
        try {
          next = new URL(location, current);
        } catch {
          throw new AppError('crawl_failed', `${current.href} redirects to "${location.slice(0, 200)}", which is not a URL.`, { url: current.href });
        }
        redirects.push(current.href);
        current = next;
        continue;
      }
      if (res.status < 200 || res.status > 299) {
        await res.body?.cancel().catch(() => {});
        const text = res.statusText ? ` ${res.statusText}` : '';
        throw new AppError('crawl_failed', `Fetching ${current.href} failed: HTTP ${res.status}${text}.`, { url: current.href, status: res.status });
      }
      const ct = parseContentType(res.headers.get('content-type'));
      if (!isReadableType(ct.mime)) {
        await res.body?.cancel().catch(() => {});
        const what = ct.mime ? `its content is ${ct.mime}` : 'it does not say what its content is';
        throw refuse(current, `${what}, and only ${readableTypes.join(' and ')} pages can be read`, false);
      }
      const { bytes, truncated } = await readCapped(res.body, policy.max_bytes);
      return { url: current, status: res.status, ct, body: decodeBody(bytes, ct), bytes: bytes.byteLength, truncated, redirects };
    }
  } catch (err) {
    if (isAppError(err)) throw err;
    if (timedOut) {
      throw new AppError('crawl_failed', `Fetching ${current.href} took longer than ${policy.timeout_ms} ms (crawl_policy.timeout_ms).`, {
        url: current.href,
      });
    }
    if (signal.aborted) throw abortError();
    throw new AppError('crawl_failed', `Could not fetch ${current.href}: ${networkReason(err)}.`, { url: current.href });
  } finally {
    cancelTimer();
    signal.removeEventListener('abort', onStepAbort);
  }
}

/** fetch's "fetch failed" hides the reason in `cause`; node:http's errors carry it as `code`. */
function networkReason(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return `${cause.code}${cause.message ? ` (${cause.message})` : ''}`;
  const direct = err as { code?: string; message?: string };
  if (typeof direct.code === 'string') return `${direct.code}${direct.message ? ` (${direct.message})` : ''}`;
  if (cause?.message) return cause.message;
  return err instanceof Error ? err.message : String(err);
}
