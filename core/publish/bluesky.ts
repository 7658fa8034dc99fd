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

interface XrpcLikeError {
  status?: number;
  error?: string;
  message?: string;
  cause?: unknown;
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

/** Turns what @atproto/api threw into a sentence with the server's own words. */
function describe(err: unknown): { network: boolean; text: string } {
  const x = (err && typeof err === 'object' ? err : {}) as XrpcLikeError;
  // XRPCError uses status 1 ("Unknown") when no response came back
  if (x.status === 1 || x.status === undefined) {
    const code = networkCode(err);
    if (code || x.status === 1) return { network: true, text: code ?? x.message ?? String(err) };
  }
  return { network: false, text: sentence(x.message || x.error || String(err)) };
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

  /** A logged-in agent whose every request carries `signal`. */
  async function session(signal: AbortSignal | undefined): Promise<AtpAgent> {
    const agent = new (await loadAtproto()).AtpAgent({
      service,
      fetch: (input, init) => baseFetch(input, signal ? { ...init, signal } : init),
    });
    try {
      await agent.login({ identifier: creds.handle, password: creds.appPassword });
    } catch (err) {
      if (signal?.aborted) throw abortError();
      const d = describe(err);
      if (d.network) throw new AppError('publish_failed', `Could not reach Bluesky at ${service}: ${d.text}.`, { platform: 'bluesky' });
      throw new AppError('publish_failed', `Bluesky login failed for @${creds.handle}: ${d.text}`, {
        platform: 'bluesky',
        status: (err as XrpcLikeError).status,
      });
    }
    return agent;
  }

  return {
    platform: 'bluesky',

    async publish(text, { signal }): Promise<PublishResult> {
      if (signal.aborted) throw abortError();
      const agent = await session(signal);
      const rich = await localFacets(text);
      let res: { uri: string; cid: string };
      try {
        res = await agent.post({ $type: 'app.bsky.feed.post', ...rich, createdAt: isoNow(opts.clock) });
      } catch (err) {
        if (signal.aborted) throw abortError();
        const d = describe(err);
        if (d.network) throw new AppError('publish_failed', `Lost Bluesky at ${service} while posting: ${d.text}.`, { platform: 'bluesky' });
        throw new AppError('publish_failed', `Bluesky did not take the post: ${d.text}`, { platform: 'bluesky' });
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
      const agent = await session(o.signal);
      const out: PostMetrics[] = [];
      for (let i = 0; i < ids.length; i += 25) {
        let posts;
        try {
          posts = (await agent.getPosts({ uris: ids.slice(i, i + 25) })).data.posts;
        } catch (err) {
          if (o.signal?.aborted) throw abortError();
          throw new AppError('publish_failed', `Could not read post metrics from Bluesky: ${describe(err).text}`, { platform: 'bluesky' });
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
