/**
 * X (Twitter) through its v2 API, signed with OAuth 1.0a user context: the
 * app's API key and secret plus the posting account's access token and
 * secret, all four from the X developer portal. There is no client library
 * here; the signing (RFC 5849, HMAC-SHA1) and the two calls are written out:
 *
 *   POST /2/tweets {"text": …}                                → 201 {"data": {"id", "text"}}
 *   GET  /2/tweets?ids=…&tweet.fields=public_metrics           → 200 {"data": [{"id", "public_metrics"}]}
 *
 * Without credentials nothing is sent: the factory throws not_configured.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../api/errors.js';
import type { Clock } from '../ports/clock.js';
import { abortError } from '../ports/clock.js';
import { settingsCredentials, type CredentialsSource, type PostMetrics, type Publisher, type PublisherFactory } from './publisher.js';
import type { XSettings } from './settings.js';

export const DEFAULT_X_API = 'https://api.x.com';

export const X_NOT_CONFIGURED =
  "X is not configured: add the app's API key and secret and the account's access token and secret in Settings → Publishing.";

type FetchFn = typeof globalThis.fetch;

/** RFC 3986 percent-encoding, as OAuth 1.0a wants it. */
export function oauthEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export interface OAuth1Request {
  method: string;
  /** The full URL; its query parameters are signed too. */
  url: string;
  /** Form-encoded body parameters (a JSON body is not signed). */
  bodyParams?: Record<string, string>;
  consumerKey: string;
  consumerSecret: string;
  token: string;
  tokenSecret: string;
  nonce: string;
  /** Seconds since the epoch. */
  timestamp: number;
}

/** The signature base string and HMAC-SHA1 signature of a request. */
export function oauth1Signature(r: OAuth1Request): { base: string; signature: string; oauthParams: Record<string, string> } {
  const u = new URL(r.url);
  const oauthParams: Record<string, string> = {
    oauth_consumer_key: r.consumerKey,
    oauth_nonce: r.nonce,
    oauth_signature_method: 'HMAC-SHA1',
    oauth_timestamp: String(r.timestamp),
    oauth_token: r.token,
    oauth_version: '1.0',
  };
  const pairs: [string, string][] = [
    ...[...u.searchParams.entries()],
    ...Object.entries(r.bodyParams ?? {}),
    ...Object.entries(oauthParams),
  ].map(([k, v]) => [oauthEncode(k), oauthEncode(v)]);
  pairs.sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  const paramString = pairs.map(([k, v]) => `${k}=${v}`).join('&');
  const baseUrl = `${u.protocol}//${u.host}${u.pathname}`;
  const base = `${r.method.toUpperCase()}&${oauthEncode(baseUrl)}&${oauthEncode(paramString)}`;
  const key = `${oauthEncode(r.consumerSecret)}&${oauthEncode(r.tokenSecret)}`;
  const signature = createHmac('sha1', key).update(base).digest('base64');
  return { base, signature, oauthParams };
}

/** The Authorization header value for a request. */
export function oauth1Header(r: OAuth1Request): string {
  const { signature, oauthParams } = oauth1Signature(r);
  const all = { ...oauthParams, oauth_signature: signature };
  return (
    'OAuth ' +
    Object.entries(all)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => `${oauthEncode(k)}="${oauthEncode(v)}"`)
      .join(', ')
  );
}

export interface XPublisherOptions {
  clock: Clock;
  fetch?: FetchFn;
  /** Nonce source (default: 16 random bytes, hex). */
  nonce?: () => string;
}

/** What X's API sends back, as far as we read it: each parsed, never cast (a field of another type is as good as absent). */
const text = z.string().trim().min(1).max(2000);
const xProblem = z.looseObject({
  title: text.optional().catch(undefined),
  detail: text.optional().catch(undefined),
  errors: z
    .array(z.looseObject({ message: text.optional().catch(undefined), detail: text.optional().catch(undefined) }).catch({}))
    .optional()
    .catch(undefined),
});
const xPosted = z.looseObject({ data: z.looseObject({ id: z.string().regex(/^\d{1,30}$/) }) });
const count = z.number().int().nonnegative().optional().catch(undefined);
const xMetrics = z.looseObject({
  data: z
    .array(
      z.looseObject({
        id: z.string().regex(/^\d{1,30}$/),
        public_metrics: z.looseObject({ like_count: count, retweet_count: count, reply_count: count, quote_count: count }).optional().catch(undefined),
      }),
    )
    .optional(),
});

/** The body of a response as JSON, or undefined when it is not JSON. */
async function jsonBody(res: Response): Promise<unknown> {
  const raw = await res.text().catch(() => '');
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

async function problemText(res: Response): Promise<string> {
  const body = xProblem.safeParse(await jsonBody(res));
  if (body.success) {
    const b = body.data;
    const said = b.detail ?? b.errors?.[0]?.detail ?? b.errors?.[0]?.message ?? b.title;
    if (said) return said.replace(/[^.!?]$/, (c) => `${c}.`);
  }
  return `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}.`;
}

function networkReason(err: unknown): string {
  let e: unknown = err;
  for (let i = 0; i < 5 && e; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return err instanceof Error ? err.message : String(err);
}

export function createXPublisher(creds: XSettings, opts: XPublisherOptions): Publisher {
  const api = creds.apiBase ?? DEFAULT_X_API;
  const doFetch: FetchFn = opts.fetch ?? ((input, init) => fetch(input, init));
  const nonce = opts.nonce ?? (() => randomBytes(16).toString('hex'));

  async function call(method: 'GET' | 'POST', url: string, body: unknown, signal: AbortSignal | undefined, what: string): Promise<Response> {
    const authorization = oauth1Header({
      method,
      url,
      consumerKey: creds.apiKey,
      consumerSecret: creds.apiSecret,
      token: creds.accessToken,
      tokenSecret: creds.accessTokenSecret,
      nonce: nonce(),
      timestamp: Math.floor(opts.clock.now() / 1000),
    });
    let res: Response;
    try {
      res = await doFetch(url, {
        method,
        headers: { authorization, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        ...(signal ? { signal } : {}),
      });
    } catch (err) {
      if (signal?.aborted) throw abortError();
      throw new AppError('publish_failed', `Could not reach X at ${api} ${what}: ${networkReason(err)}.`, { platform: 'x' });
    }
    if (!res.ok) {
      const text = await problemText(res);
      const lead = res.status === 401 ? 'X refused the credentials' : res.status === 429 ? 'X is rate-limiting' : `X did not accept the request ${what}`;
      throw new AppError('publish_failed', `${lead}: ${text}`, { platform: 'x', status: res.status });
    }
    return res;
  }

  return {
    platform: 'x',

    async publish(text, { signal }) {
      if (signal.aborted) throw abortError();
      const res = await call('POST', `${api}/2/tweets`, { text }, signal, 'to post');
      const body = xPosted.safeParse(await jsonBody(res));
      if (!body.success) {
        throw new AppError('publish_failed', 'X answered the post without a post id; it may or may not have been published.', { platform: 'x' });
      }
      const id = body.data.data.id;
      const url = `https://x.com/i/status/${id}`;
      return { uri: url, url, id };
    },

    async metrics(ids, o = {}): Promise<PostMetrics[]> {
      const out: PostMetrics[] = [];
      for (let i = 0; i < ids.length; i += 100) {
        const q = new URLSearchParams({ ids: ids.slice(i, i + 100).join(','), 'tweet.fields': 'public_metrics' });
        const res = await call('GET', `${api}/2/tweets?${q.toString()}`, undefined, o.signal, 'for metrics');
        const body = xMetrics.safeParse(await jsonBody(res));
        if (!body.success) throw new AppError('publish_failed', 'X answered the metrics request with something that is not a list of posts.', { platform: 'x' });
        for (const t of body.data.data ?? []) {
          const m = t.public_metrics ?? {};
          out.push({ id: t.id, likes: m.like_count ?? 0, reposts: m.retweet_count ?? 0, replies: m.reply_count ?? 0, quotes: m.quote_count ?? 0 });
        }
      }
      return out;
    },
  };
}

export interface XFactoryOptions {
  /** Default: the x setting in ops_settings. */
  credentials?: CredentialsSource;
  fetch?: FetchFn;
  nonce?: () => string;
}

/** Reads the credentials when a post is due; none → not_configured, and nothing is sent. */
export function xPublisherFactory(opts: XFactoryOptions = {}): PublisherFactory {
  const source = opts.credentials ?? settingsCredentials;
  return async (ctx) => {
    const creds = await source.x(ctx.db);
    if (!creds) throw new AppError('not_configured', X_NOT_CONFIGURED, { platform: 'x' });
    return createXPublisher(creds, { clock: ctx.clock, ...(opts.fetch ? { fetch: opts.fetch } : {}), ...(opts.nonce ? { nonce: opts.nonce } : {}) });
  };
}
