import { isAppError } from '../api/errors.js';
import { POST_COLUMNS, type PostRow } from '../executors/post-executor.js';
import type { EngineCtx } from '../ops/ctx.js';
import { iso, startOfHour } from '../ops/time.js';
import { readThrough } from '../db/db.js';
import { isoNow } from '../ports/clock.js';
import { blueskyPublisherFactory } from '../publish/bluesky.js';
import type { Platform, PublisherFactory } from '../publish/publisher.js';
import { xPublisherFactory } from '../publish/x.js';

/** Posts younger than this have their engagement read back. */
export const METRICS_WINDOW_MS = 48 * 3_600_000;
/** How often one post's numbers are read again. */
export const METRICS_EVERY_MS = 30 * 60_000;

export type PublisherFactories = Record<Platform, PublisherFactory>;
export const defaultFactories = (): PublisherFactories => ({ bluesky: blueskyPublisherFactory(), x: xPublisherFactory() });

/**
 * The heartbeat reads back likes, reposts and replies of recent posts from
 * their platform (then outcome learning sees them). A platform that is not
 * configured or does not answer is skipped with its reason; nothing is lost.
 */
export async function readPostMetrics(ctx: EngineCtx, factories: PublisherFactories): Promise<Record<string, unknown>> {
  const now = ctx.clock.now();
  // The posts of the window, read from the start of its hour (the same read all hour, from memory on
  // PGlite while no post changes), then cut to those due for a reading.
  const from = now - METRICS_WINDOW_MS;
  const res = await readThrough<PostRow>(
    ctx.db,
    `SELECT ${POST_COLUMNS} FROM ops_posts WHERE posted_at >= $1 ORDER BY id`,
    [iso(startOfHour(from))],
    ['ops_posts'],
  );
  const due = res.rows
    .filter((p) => Date.parse(p.postedAt) >= from && (p.metricsAt === null || Date.parse(p.metricsAt) <= now - METRICS_EVERY_MS))
    .slice(0, 200);
  const out: Record<string, unknown> = {};
  for (const platform of ['bluesky', 'x'] as const) {
    const posts = due.filter((p) => p.platform === platform);
    if (posts.length === 0) continue;
    try {
      const publisher = await factories[platform](ctx);
      if (!publisher.metrics) {
        out[platform] = { skipped: 'this platform cannot report metrics' };
        continue;
      }
      const metrics = await publisher.metrics(posts.map((p) => (platform === 'bluesky' ? p.uri : p.remoteId)));
      let updated = 0;
      for (const m of metrics) {
        const post = posts.find((p) => p.uri === m.id || p.remoteId === m.id);
        if (!post) continue;
        await ctx.db.query('UPDATE ops_posts SET likes = $2, reposts = $3, replies = $4, metrics_at = $5 WHERE id = $1', [post.id, m.likes, m.reposts, m.replies, isoNow(ctx.clock)]);
        updated++;
      }
      out[platform] = { updated };
    } catch (err) {
      out[platform] = { skipped: isAppError(err) ? err.message : String(err) };
    }
  }
  return out;
}
