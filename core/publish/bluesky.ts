/**
 * Bluesky through @atproto/api: log in with the handle and an app password
 * (com.atproto.server.createSession), then create an app.bsky.feed.post record
 * (com.atproto.repo.createRecord). A fresh session per post: posts are few, and
 * nothing (no token) has to be kept between steps.
 *
 * Links and #tags in the text become facets (found locally). Mentions are left
 * as plain text: making them facets needs each handle resolved to a DID over
 * the network.
 */
import type { AtpAgent, RichText } from '@atproto/api';

import { z } from 'zod';
import { AppError } from '../api/errors.js';
import type { Clock } from '../ports/clock.js';
import { abortError, isoNow } from '../ports/clock.js';
import { settingsCredentials, type CredentialsSource, type PostMetrics, type Publisher, type PublisherFactory, type PublishResult } from './publisher.js';
import type { BlueskySettings } from './settings.js';

/** @atproto/api, loaded when Bluesky is first used: it costs ~320 ms of start-up, and most starts post nothing. */
type Atproto = { AtpAgent: typeof AtpAgent; RichText: typeof RichText };
let atproto: Promise<Atproto> | null = null;
const loadAtproto = (): Promise<Atproto> => (atproto ??= import('@atproto/api').then((m) => ({ AtpAgent: m.AtpAgent, RichText: m.RichText })));

export const DEFAULT_BLUESKY_SERVICE = 'https://bsky.social';

export const BLUESKY_NOT_CONFIGURED = 'Bluesky is not configured: add a handle and app password in Settings → Publishing.';

type FetchFn = typeof globalThis.fetch;

export interface BlueskyPublisherOptions {
  clock: Clock;
  /** HTTP client (default: the global fetch). */
  fetch?: FetchFn;
}

/**
 * What Bluesky sends back on an error, as far as we read it: an XRPC error
 * body `{ error, message? }`, parsed, never cast. A body of another shape (not
 * JSON, or fields of other types) is kept as "malformed" so the sentence says
 * so instead of echoing whatever came.
 */
const text = z.string().trim().min(1).max(2000);
const xrpcErrorBody = z.looseObject({ error: z.string().trim().min(1).max(200), message: text.optional().catch(undefined) });

/** What the client library threw, read field by field (a field of another type is as good as absent). */
const thrown = z.looseObject({
  status: z.number().int().optional().catch(undefined),
  message: text.optional().catch(undefined),
});

/** The last error response of a session: its status and the server's words, or null when its body was not an XRPC error. */
interface ErrorResponse {
  status: number;
  statusText: string;
  said: string | null;
}

/** Reads an error response's body (from a copy: the client library reads the original). */
async function readErrorResponse(res: Response): Promise<ErrorResponse> {
  const raw = await res.clone().text().catch(() => '');
  let json: unknown;
  try {
    json = JSON.parse(raw) as unknown;
  } catch {
    json = undefined;
  }
  const body = xrpcErrorBody.safeParse(json);
  return { status: res.status, statusText: res.statusText, said: body.success ? (body.data.message ?? body.data.error) : null };
}

/** The innermost system error code (ECONNREFUSED …) behind "fetch failed". */
function networkCode(err: unknown): string | null {
  let e: unknown = err;
  for (let i = 0; i < 5 && e; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return null;
}

/** Ends a server's sentence with a full stop when it has none. */
function sentence(s: string): string {
  const t = s.trim();
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

interface Described {
  network: boolean;
  text: string;
  status?: number;
  /** The server answered an error whose body is not an XRPC error. */
  malformed?: boolean;
}

/** Turns what @atproto/api threw, and the error response behind it, into a sentence with the server's own words. */
function describe(err: unknown, response: ErrorResponse | null): Described {
  if (response) {
    if (response.said) return { network: false, text: sentence(response.said), status: response.status };
    const status = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
    return { network: false, text: `the server answered ${status} with an error body that is not an XRPC error (JSON with an "error" name), so it gave no reason.`, status: response.status, malformed: true };
  }
  const x = thrown.safeParse(err);
  const status = x.success ? x.data.status : undefined;
  const message = x.success ? x.data.message : undefined;
  // XRPCError uses status 1 ("Unknown") when no response came back
  if (status === 1 || status === undefined) {
    const code = networkCode(err);
    if (code || status === 1) return { network: true, text: code ?? message ?? String(err) };
  }
  return { network: false, text: sentence(message ?? String(err)), ...(status !== undefined ? { status } : {}) };
}

/** The typed error for a failed request, with the status and whether the body was malformed in its details. */
function failed(lead: string, d: Described): AppError {
  return new AppError('publish_failed', `${lead}: ${d.text}`, { platform: 'bluesky', ...(d.status !== undefined ? { status: d.status } : {}), ...(d.malformed ? { malformedBody: true } : {}) });
}

function postUrl(uri: string): string | undefined {
  // at://did:plc:xyz/app.bsky.feed.post/3k… → https://bsky.app/profile/did:plc:xyz/post/3k…
  const m = /^at:\/\/([^/]+)\/app\.bsky\.feed\.post\/([^/]+)$/.exec(uri);
  return m ? `https://bsky.app/profile/${m[1]}/post/${m[2]}` : undefined;
}

/** Link and tag facets, found without the network; mention facets (which need DIDs) are dropped. */
async function localFacets(text: string): Promise<{ text: string; facets?: RichText['facets'] }> {
  const rt = new (await loadAtproto()).RichText({ text });
  rt.detectFacetsWithoutResolution();
  const facets = (rt.facets ?? [])
    .map((f) => ({ ...f, features: f.features.filter((feat) => feat.$type !== 'app.bsky.richtext.facet#mention') }))
    .filter((f) => f.features.length > 0);
  return facets.length ? { text: rt.text, facets } : { text: rt.text };
}

export function createBlueskyPublisher(creds: BlueskySettings, opts: BlueskyPublisherOptions): Publisher {
  const service = creds.service ?? DEFAULT_BLUESKY_SERVICE;
  const baseFetch: FetchFn = opts.fetch ?? ((input, init) => fetch(input, init));

  /** A logged-in agent whose every request carries `signal`, and the last error response it got. */
  async function session(signal: AbortSignal | undefined): Promise<{ agent: AtpAgent; lastError: () => ErrorResponse | null }> {
    let last: ErrorResponse | null = null;
    const agent = new (await loadAtproto()).AtpAgent({
      service,
      fetch: async (input, init) => {
        last = null;
        const res = await baseFetch(input, signal ? { ...init, signal } : init);
        if (!res.ok) last = await readErrorResponse(res);
        return res;
      },
    });
    try {
      await agent.login({ identifier: creds.handle, password: creds.appPassword });
    } catch (err) {
      if (signal?.aborted) throw abortError();
      const d = describe(err, last);
      if (d.network) throw new AppError('publish_failed', `Could not reach Bluesky at ${service}: ${d.text}.`, { platform: 'bluesky' });
      throw failed(`Bluesky login failed for @${creds.handle}`, d);
    }
    return { agent, lastError: () => last };
  }

  return {
    platform: 'bluesky',

    async publish(text, { signal }): Promise<PublishResult> {
      if (signal.aborted) throw abortError();
      const { agent, lastError } = await session(signal);
      const rich = await localFacets(text);
      let res: { uri: string; cid: string };
      try {
        res = await agent.post({ $type: 'app.bsky.feed.post', ...rich, createdAt: isoNow(opts.clock) });
      } catch (err) {
        if (signal.aborted) throw abortError();
        const d = describe(err, lastError());
        if (d.network) throw new AppError('publish_failed', `Lost Bluesky at ${service} while posting: ${d.text}.`, { platform: 'bluesky' });
        throw failed('Bluesky did not take the post', d);
      }
      const url = postUrl(res.uri);
      return {
        uri: res.uri,
        id: res.uri,
        ...(url ? { url } : {}),
        meta: { cid: res.cid, did: agent.session?.did, handle: agent.session?.handle, service, facets: rich.facets?.length ?? 0 },
      };
    },

    async metrics(ids, o = {}): Promise<PostMetrics[]> {
      if (ids.length === 0) return [];
      const { agent, lastError } = await session(o.signal);
      const out: PostMetrics[] = [];
      for (let i = 0; i < ids.length; i += 25) {
        let posts;
        try {
          posts = (await agent.getPosts({ uris: ids.slice(i, i + 25) })).data.posts;
        } catch (err) {
          if (o.signal?.aborted) throw abortError();
          throw failed('Could not read post metrics from Bluesky', describe(err, lastError()));
        }
        for (const p of posts) {
          out.push({ id: p.uri, likes: p.likeCount ?? 0, reposts: p.repostCount ?? 0, replies: p.replyCount ?? 0, quotes: p.quoteCount ?? 0 });
        }
      }
      return out;
    },
  };
}

export interface BlueskyFactoryOptions {
  /** Default: the bluesky setting in ops_settings. */
  credentials?: CredentialsSource;
  fetch?: FetchFn;
}

/** Reads the credentials when a post is due; no credentials → not_configured, and nothing is sent. */
export function blueskyPublisherFactory(opts: BlueskyFactoryOptions = {}): PublisherFactory {
  const source = opts.credentials ?? settingsCredentials;
  return async (ctx) => {
    const creds = await source.bluesky(ctx.db);
    if (!creds) throw new AppError('not_configured', BLUESKY_NOT_CONFIGURED, { platform: 'bluesky' });
    return createBlueskyPublisher(creds, { clock: ctx.clock, ...(opts.fetch ? { fetch: opts.fetch } : {}) });
  };
}
