/**
 * The Publisher port: how the engine puts a post on a social platform. One
 * adapter per platform (bluesky.ts, x.ts); the post executors only see this.
 * A publisher is built per step from the credentials current at that moment,
 * so a password changed in Settings takes effect on the next post.
 */
import type { Queryable } from '../db/db.js';
import type { EngineCtx } from '../ops/ctx.js';
import { getSetting, type BlueskySettings, type XSettings } from './settings.js';

export type Platform = 'bluesky' | 'x';

export interface PublishResult {
  /** The platform's address of the post: at://… on Bluesky, the tweet's URL on X. */
  uri: string;
  /** A web page showing the post, when there is one. */
  url?: string;
  /** The id to ask for metrics with: the at:// URI on Bluesky, the tweet id on X. */
  id: string;
  /** Anything else worth keeping (e.g. the record's CID). */
  meta?: Record<string, unknown>;
}

export interface PostMetrics {
  id: string;
  likes: number;
  reposts: number;
  replies: number;
  quotes?: number;
}

export interface Publisher {
  platform: Platform;
  /** Posts `text`; throws AppError publish_failed (server said no) or not_configured. */
  publish(text: string, opts: { signal: AbortSignal }): Promise<PublishResult>;
  /** Engagement numbers for posts it made, by id; posts it cannot see are left out. */
  metrics?(ids: string[], opts?: { signal?: AbortSignal }): Promise<PostMetrics[]>;
}

/** Builds a publisher for the current credentials; throws not_configured when there are none. */
export type PublisherFactory = (ctx: EngineCtx) => Promise<Publisher>;

/** Where credentials come from; the default reads ops_settings. */
export interface CredentialsSource {
  bluesky(q: Queryable): Promise<BlueskySettings | null>;
  x(q: Queryable): Promise<XSettings | null>;
}

export const settingsCredentials: CredentialsSource = {
  bluesky: (q) => getSetting(q, 'bluesky'),
  x: (q) => getSetting(q, 'x'),
};

/** Fixed credentials (tests, a CLI flag). */
export function staticCredentials(creds: { bluesky?: BlueskySettings | null; x?: XSettings | null }): CredentialsSource {
  return { bluesky: async () => creds.bluesky ?? null, x: async () => creds.x ?? null };
}

export const platformNames: Record<Platform, string> = { bluesky: 'Bluesky', x: 'X' };
