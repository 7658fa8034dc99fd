import type { Handlers } from '../api/contract.js';
import { readThrough } from '../db/db.js';
import { createPostExecutor } from '../executors/post-executor.js';
import type { HeartbeatJob } from '../ops/heartbeat.js';
import { fnv1a } from '../ports/random.js';
import type { PostMetrics, Publisher } from '../publish/publisher.js';
import type { Executor } from '../workers/executor.js';

/**
 * The simulator's social platform: a Bluesky that accepts every post and,
 * two hours after it went out, reports engagement that depends only on the
 * post's text and the seed (most posts get a little, about one in five takes
 * off, some fall flat). Nothing leaves the machine. With it the seed's
 * learning loop runs in a simulation: posts → engagement → tweet_high_engagement
 * and content_published → outcome lessons → topics steered by those lessons.
 */
export const ENGAGEMENT_DELAY_HOURS = 2;

/** Deterministic engagement of a post: the same text and seed always get the same numbers. */
export function offlineEngagement(seed: number, text: string): Omit<PostMetrics, 'id'> {
  const h = fnv1a(`${seed}:${text}`);
  const luck = h % 100;
  const scale = luck < 20 ? 5 : luck < 35 ? 0.2 : 1;
  const n = (bits: number, max: number): number => Math.round((((h >>> bits) & 0xff) / 255) * max * scale);
  return { likes: n(8, 12), reposts: n(16, 3), replies: n(24, 2) };
}

export function offlinePublisher(seed: number): Publisher {
  return {
    platform: 'bluesky',
    async publish(text, { signal }) {
      if (signal.aborted) throw Object.assign(new Error('The operation was aborted'), { name: 'AbortError' });
      const rkey = fnv1a(`${seed}:${text}`).toString(36);
      const uri = `at://did:plc:simulated/app.bsky.feed.post/${rkey}`;
      return { uri, url: `https://bsky.example/simulated/${rkey}`, id: uri };
    },
    async metrics(ids) {
      return ids.map((id) => ({ id, likes: 0, reposts: 0, replies: 0 }));
    },
  };
}

export function offlinePostExecutor(seed: number): Executor {
  const publisher = offlinePublisher(seed);
  return createPostExecutor('post_bluesky', async () => publisher);
}

/** A heartbeat job: posts two hours old get their engagement, through posts.recordMetrics as a person would enter it. */
export function offlineEngagementJob(seed: number, handlers: () => Handlers): HeartbeatJob {
  return {
    name: 'sim_social_engagement',
    async run(ctx) {
      // the unmeasured posts (from memory while no post changes), cut to those old enough
      const unmeasured = await readThrough<{ id: number; text: string; postedAt: string }>(
        ctx.db,
        'SELECT id, text, posted_at AS "postedAt" FROM ops_posts WHERE metrics_at IS NULL ORDER BY id',
        undefined,
        ['ops_posts'],
      );
      const cutoff = ctx.clock.now() - ENGAGEMENT_DELAY_HOURS * 3_600_000;
      const due = unmeasured.rows.filter((p) => Date.parse(p.postedAt) <= cutoff);
      for (const p of due) await handlers()['posts.recordMetrics']({ id: p.id, ...offlineEngagement(seed, p.text) });
      return { measured: due.length };
    },
  };
}

/**
 * Policies that let the simulated company post: post_bluesky auto-approved, and
 * a reaction-matrix pattern by which the writer of a draft publishes it.
 */
export function postingPolicy(current: { auto_approve: { enabled: boolean; allowed_step_kinds: string[] }; reaction_matrix: { patterns: unknown[] } }): Record<string, unknown> {
  return {
    auto_approve: { ...current.auto_approve, allowed_step_kinds: [...new Set([...current.auto_approve.allowed_step_kinds, 'post_bluesky'])] },
    reaction_matrix: {
      patterns: [
        ...current.reaction_matrix.patterns,
        { source: 'twitter-alt', tags: ['draft_tweet', 'succeeded'], target: 'twitter-alt', type: 'post', probability: 0.8, cooldown: 0 },
      ],
    },
  };
}
