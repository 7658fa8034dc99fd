import { isoNow } from '../ports/clock.js';
import type { EngineCtx } from '../ops/ctx.js';
import { writeEvent } from '../ops/events.js';
import { cachedPolicy } from '../ops/policy.js';
import { iso, startOfDay, startOfHour } from '../ops/time.js';
import { writeMemory } from '../memory/store.js';
import { readThrough, type Queryable } from '../db/db.js';

/** Engagement as the learner counts it: a repost or a reply says more than a like. */
export const ENGAGEMENT_SQL = '(likes + 2 * reposts + 3 * replies)';

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  if (!s.length) return 0;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Which of `traces` some memory already carries as its source_trace_id. */
async function storedTraces(q: Queryable, traces: string[]): Promise<Set<string>> {
  if (!traces.length) return new Set();
  const r = await readThrough<{ trace: string }>(q, 'SELECT source_trace_id AS trace FROM ops_agent_memory WHERE source_trace_id = ANY($1::text[])', [traces], ['ops_agent_memory']);
  return new Set(r.rows.map((x) => x.trace));
}

/** The topic each draft was written on (its draft_tweet step's), for the posts about to teach a lesson. */
async function draftTopics(q: Queryable, draftIds: (number | null)[]): Promise<Map<number, string>> {
  const ids = draftIds.filter((x): x is number => x !== null);
  if (!ids.length) return new Map();
  const r = await q.query<{ id: number; topic: string | null }>(
    `SELECT a.id, nullif(s.payload->>'topic', '') AS topic FROM ops_artifacts a JOIN ops_mission_steps s ON s.id = a.step_id WHERE a.id = ANY($1::bigint[])`,
    [ids],
  );
  return new Map(r.rows.filter((x) => x.topic).map((x) => [x.id, x.topic as string]));
}

/**
 * Outcome learning, on every heartbeat: posts of the last 48 h with metrics;
 * fewer than 3 → nothing; the median engagement is the baseline; a post above
 * 2× the median teaches a lesson (confidence 0.7), one below 0.3× another
 * (0.6). Idempotent per post (source_trace_id), at most 3 lessons per agent per day.
 */
export async function learnFromOutcomes(ctx: EngineCtx): Promise<{ posts: number; median: number | null; lessons: number; skipped?: string }> {
  const p = await cachedPolicy(ctx, 'learning_policy');
  const tz = (await cachedPolicy(ctx, 'timezone')).name;
  const nowMs = ctx.clock.now();
  // Read from the start of the window's hour (the same read all hour, from memory on PGlite while
  // no post changes), then cut to the window exactly.
  const from = nowMs - p.outcome_window_hours * 3_600_000;
  const res = await readThrough<{ id: number; agentId: string | null; platform: string; text: string; engagement: number; draftId: number | null; postedAt: string }>(
    ctx.db,
    `SELECT id, agent_id AS "agentId", platform, text, ${ENGAGEMENT_SQL} AS engagement, draft_artifact_id AS "draftId", posted_at AS "postedAt"
     FROM ops_posts WHERE posted_at >= $1 AND metrics_at IS NOT NULL ORDER BY id`,
    [iso(startOfHour(from))],
    ['ops_posts'],
  );
  const posts = res.rows.filter((x) => Date.parse(x.postedAt) >= from);
  if (posts.length < p.min_posts) return { posts: posts.length, median: null, lessons: 0, skipped: `fewer than ${p.min_posts} posts with metrics` };
  const base = median(posts.map((x) => x.engagement));
  const dayStart = iso(startOfDay(nowMs, tz));
  const now = isoNow(ctx.clock);
  let lessons = 0;
  const traceOf = (post: (typeof posts)[number]): string => `post-lesson:${post.draftId ?? `post-${post.id}`}`;
  const teaching = posts.filter((x) => x.agentId && (x.engagement > p.strong_multiple * base || x.engagement < p.weak_multiple * base));
  // Lessons are kept once per post (source_trace_id); those already learned are not written again every heartbeat.
  const learned = await storedTraces(ctx.db, teaching.map(traceOf));
  const topics = await draftTopics(ctx.db, teaching.filter((x) => !learned.has(traceOf(x))).map((x) => x.draftId));
  for (const post of teaching) {
    if (learned.has(traceOf(post))) continue;
    const strong = post.engagement > p.strong_multiple * base;
    const used = await readThrough<{ n: number }>(
      ctx.db,
      `SELECT count(*)::int AS n FROM ops_agent_memory WHERE agent_id = $1 AND provenance = 'outcome' AND created_at >= $2`,
      [post.agentId, dayStart],
      ['ops_agent_memory'],
    );
    if ((used.rows[0]?.n ?? 0) >= p.max_lessons_per_agent_per_day) continue;
    const quote = post.text.length > 90 ? post.text.slice(0, 89) + '…' : post.text;
    const topic = post.draftId !== null ? topics.get(post.draftId) : undefined;
    // the topic it was drafted on, so a strong post's lesson can steer the next topic choice (memory-influence.ts)
    const on = topic ? ` on "${topic.length > 120 ? topic.slice(0, 119) + '…' : topic}"` : '';
    const wrote = await ctx.db.transaction(async (tx) => {
      const m = await writeMemory(
        tx,
        {
          agentId: post.agentId as string,
          type: 'lesson',
          content: strong
            ? `A ${post.platform} post${on} did well (${post.engagement} engagement vs a median of ${base}): "${quote}" — do more like it.`
            : `A ${post.platform} post${on} fell flat (${post.engagement} engagement vs a median of ${base}): "${quote}" — avoid repeating it.`,
          confidence: strong ? 0.7 : 0.6,
          tags: ['engagement', post.platform, strong ? 'strong' : 'weak', 'post'],
          sourceTraceId: traceOf(post),
          provenance: 'outcome',
        },
        now,
      );
      if (m) {
        await writeEvent(ctx, tx, {
          agentId: post.agentId,
          kind: 'lesson_learned',
          title: strong ? 'Learned from a strong post' : 'Learned from a weak post',
          summary: m.content,
          tags: ['memory', 'lesson', 'outcome', 'engagement'],
          payload: { memoryId: m.id, postId: post.id, engagement: post.engagement, median: base },
        });
      }
      return m !== null;
    });
    if (wrote) lessons++;
  }
  return { posts: posts.length, median: base, lessons };
}
