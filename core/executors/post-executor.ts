/**
 * The post steps (post_bluesky, post_tweet): one executor shape over the
 * Publisher port. The text comes from the payload or from a draft artifact;
 * it must fit the platform's length limit and the platform's daily quota
 * (checked again here, at execution time, in the user's time zone). A post
 * that went out is recorded in ops_posts and as a 'post' artifact.
 *
 * A step posts at most once: a retry of a step whose post already went out
 * returns the recorded post instead of posting again.
 */
import { z } from 'zod';
import { AppError, describeIssues } from '../api/errors.js';
import type { Queryable } from '../db/db.js';
import type { EngineCtx } from '../ops/ctx.js';
import { cachedPolicy, getPolicy } from '../ops/policy.js';
import { iso, startOfDay } from '../ops/time.js';
import { isoNow } from '../ports/clock.js';
import { checkPostLength } from '../publish/length.js';
import { platformNames, type Platform, type PublisherFactory, type PublishResult } from '../publish/publisher.js';
import { assertMissionOpen } from '../workers/cancel.js';
import { once } from '../workers/effects.js';
import { badPayload, type Executor } from '../workers/executor.js';
import type { StepSuccess } from '../workers/steps.js';
import { getArtifact, saveArtifact } from './artifacts.js';

export type PostKind = 'post_bluesky' | 'post_tweet';

export const postPlatforms: Record<PostKind, Platform> = { post_bluesky: 'bluesky', post_tweet: 'x' };

/** Event tags of a successful post; the reaction matrix matches ['tweet', 'posted']. */
export const postTags: Record<Platform, string[]> = {
  x: ['tweet', 'posted'],
  bluesky: ['bluesky', 'posted', 'post'],
};

const quotaPolicy = { bluesky: 'bluesky_daily_quota', x: 'x_daily_quota' } as const;

const artifactId = z.union([z.number().int().positive(), z.string().regex(/^\d+$/, 'an artifact id').transform(Number)]);

const payload = z
  .object({
    text: z.string().max(10_000).optional(),
    draftArtifactId: artifactId.optional(),
  })
  .refine((p) => p.text === undefined || p.draftArtifactId === undefined, 'give text or draftArtifactId, not both (neither: the mission\'s latest draft)');

export interface PostRow {
  id: number;
  platform: Platform;
  draftArtifactId: number | null;
  artifactId: number | null;
  agentId: string | null;
  missionId: number | null;
  stepId: number | null;
  text: string;
  uri: string;
  remoteId: string;
  url: string | null;
  postedAt: string;
  likes: number;
  reposts: number;
  replies: number;
  metricsAt: string | null;
}

export const POST_COLUMNS =
  'id, platform, draft_artifact_id AS "draftArtifactId", artifact_id AS "artifactId", agent_id AS "agentId", mission_id AS "missionId", step_id AS "stepId", text, uri, remote_id AS "remoteId", url, posted_at AS "postedAt", likes, reposts, replies, metrics_at AS "metricsAt"';

export interface PostStepResult {
  postId: number;
  artifactId: number | null;
  platform: Platform;
  uri: string;
  url: string | null;
  id: string;
  length: number;
  draftArtifactId: number | null;
}

/** Posts of `platform` since the start of the user's day. */
export async function postsToday(ctx: EngineCtx, q: Queryable, platform: Platform): Promise<number> {
  const tz = (await getPolicy(q, 'timezone')).name;
  const dayStart = iso(startOfDay(ctx.clock.now(), tz));
  const res = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM ops_posts WHERE platform = $1 AND posted_at >= $2', [platform, dayStart]);
  return res.rows[0]?.n ?? 0;
}

export async function getPostForStep(q: Queryable, stepId: number): Promise<PostRow | null> {
  const res = await q.query<PostRow>(`SELECT ${POST_COLUMNS} FROM ops_posts WHERE step_id = $1`, [stepId]);
  return res.rows[0] ?? null;
}

function preview(text: string, max = 80): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length <= max ? one : one.slice(0, max - 1) + '…';
}

function success(platform: Platform, post: PostRow, length: number, again: boolean): StepSuccess {
  const result: PostStepResult = {
    postId: post.id,
    artifactId: post.artifactId,
    platform,
    uri: post.uri,
    url: post.url,
    id: post.remoteId,
    length,
    draftArtifactId: post.draftArtifactId,
  };
  const where = post.url ?? post.uri;
  const lead = again ? `Already posted to ${platformNames[platform]}` : `Posted to ${platformNames[platform]}`;
  return { result, summary: `${lead}: "${preview(post.text)}" (${where})`, tags: postTags[platform] };
}

export function createPostExecutor(kind: PostKind, publisherFactory: PublisherFactory): Executor {
  const platform = postPlatforms[kind];
  const name = platformNames[platform];

  async function textFor(ctx: EngineCtx, p: z.infer<typeof payload>, missionId: number): Promise<{ text: string; draftArtifactId: number | null }> {
    if (p.text !== undefined) return { text: p.text.trim(), draftArtifactId: null };
    let id = p.draftArtifactId;
    if (id === undefined) {
      // draft_tweet → post in one mission: the post takes the draft the mission just wrote
      const latest = await ctx.db.query<{ id: number }>(`SELECT id FROM ops_artifacts WHERE mission_id = $1 AND kind = 'draft' ORDER BY id DESC LIMIT 1`, [missionId]);
      id = latest.rows[0]?.id;
      if (id === undefined) throw new AppError('invalid_input', `The ${kind} step has no text, names no draft, and its mission wrote no draft to post.`);
    }
    const draft = await getArtifact(ctx.db, id);
    if (!draft) throw new AppError('not_found', `The ${kind} step names draft #${id}, and there is no such artifact.`);
    return { text: draft.content.trim(), draftArtifactId: id };
  }

  return {
    kind,
    payloadSchema: payload,
    async run(sc) {
      const { ctx, step, agentId, signal } = sc;
      const parsed = payload.safeParse(step.payload);
      if (!parsed.success) throw badPayload(kind, describeIssues(parsed.error.issues));

      // an earlier attempt of this step already posted: report that post, do not post twice
      const prior = await getPostForStep(ctx.db, step.id);
      if (prior) return success(platform, prior, checkPostLength(platform, prior.text).length, true);

      const { text, draftArtifactId } = await textFor(ctx, parsed.data, step.missionId);
      if (!text) {
        throw new AppError('invalid_input', draftArtifactId ? `Draft #${draftArtifactId} is empty: there is nothing to post.` : 'The post text is empty.');
      }
      const fit = checkPostLength(platform, text);
      if (!fit.ok) throw new AppError('invalid_input', fit.message, { length: fit.length });

      const publisher = await publisherFactory(ctx);

      const locked = await ctx.db.withLock(`emtesseract:publish:${platform}`, async () => {
        const limit = (await cachedPolicy(ctx, quotaPolicy[platform])).limit;
        const used = await postsToday(ctx, ctx.db, platform);
        if (used >= limit) {
          throw new AppError(
            'rejected',
            `Quota full (${used}/${limit}): posts to ${name} today. Nothing was posted; raise ${quotaPolicy[platform]} or post tomorrow.`,
          );
        }
        // cancel means stop: never publish for a mission cancelled while this step ran
        await assertMissionOpen(ctx.db, step.missionId, signal);
        // intent, post, result: a re-run after a crash never posts twice (an unsettled intent fails as effect_uncertain)
        const published = await once(sc, 'publish', () => publisher.publish(text, { signal }), { mayHaveActed: () => signal.aborted });
        return record(ctx, { platform, text, draftArtifactId, agentId, missionId: step.missionId, stepId: step.id, published });
      });
      if (!locked.acquired) {
        throw new AppError('unavailable', `Another post to ${name} is being published right now; this one goes next.`);
      }
      return success(platform, locked.value, fit.length, false);
    },
  };
}

interface RecordInput {
  platform: Platform;
  text: string;
  draftArtifactId: number | null;
  agentId: string;
  missionId: number;
  stepId: number;
  published: PublishResult;
}

/** Stores a post that went out: a 'post' artifact and its ops_posts row, in one transaction. */
async function record(ctx: EngineCtx, r: RecordInput): Promise<PostRow> {
  const { published } = r;
  try {
    return await ctx.db.transaction(async (tx) => {
      const artifact = await saveArtifact(ctx, tx, {
        kind: 'post',
        title: `${platformNames[r.platform]} post: ${preview(r.text, 60)}`,
        content: r.text,
        meta: { platform: r.platform, uri: published.uri, url: published.url ?? null, id: published.id, draftArtifactId: r.draftArtifactId, ...published.meta },
        agentId: r.agentId,
        missionId: r.missionId,
        stepId: r.stepId,
      });
      const res = await tx.query<PostRow>(
        `INSERT INTO ops_posts (platform, draft_artifact_id, artifact_id, agent_id, mission_id, step_id, text, uri, remote_id, url, posted_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         RETURNING ${POST_COLUMNS}`,
        [r.platform, r.draftArtifactId, artifact.id, r.agentId, r.missionId, r.stepId, r.text, published.uri, published.id, published.url ?? null, isoNow(ctx.clock)],
      );
      return res.rows[0] as PostRow;
    });
  } catch (err) {
    // The post is out; failing in a retryable way would post it again.
    const why = err instanceof Error ? err.message : String(err);
    ctx.log.error(`Posted to ${platformNames[r.platform]} but could not record it`, { uri: published.uri, error: why });
    throw new AppError(
      'rejected',
      `Posted to ${platformNames[r.platform]} (${published.url ?? published.uri}) but could not record it: ${why}. The step is not retried, so the post is not sent twice.`,
    );
  }
}
