import type { Queryable } from '../db/db.js';
import type { EngineCtx } from '../ops/ctx.js';
import { cachedPolicy } from '../ops/policy.js';
import type { StepSpec } from '../ops/proposal-service.js';
import { iso, localDate } from '../ops/time.js';
import type { Routine } from './store.js';

/** At most this many posts go into a social scan, newest first. */
export const SCAN_POSTS = 20;
/** At most this many sources a research cycle reads before it analyzes. */
export const RESEARCH_SOURCES = 3;

interface PostRow {
  id: number;
  platform: string;
  agentName: string | null;
  text: string;
  postedAt: string;
  likes: number;
  reposts: number;
  replies: number;
  metricsAt: string | null;
}

const score = (p: PostRow): number => p.likes + 2 * p.reposts + 3 * p.replies;
const quote = (t: string): string => `"${t.replace(/\s+/g, ' ').trim().slice(0, 200)}"`;

/**
 * The social scan's material: our recent posts with their engagement as the
 * heartbeat last read it back (ops_posts), scored as the engagement rule does
 * (likes + 2 × reposts + 3 × replies), with the best and the weakest named.
 */
export async function socialScanContext(q: Queryable, timeZone: string): Promise<{ context: string; postIds: number[] }> {
  const res = await q.query<PostRow>(
    `SELECT p.id::int AS id, p.platform, a.display_name AS "agentName", p.text, p.posted_at AS "postedAt", p.likes, p.reposts, p.replies, p.metrics_at AS "metricsAt"
     FROM ops_posts p LEFT JOIN ops_agents a ON a.id = p.agent_id ORDER BY p.posted_at DESC, p.id DESC LIMIT $1`,
    [SCAN_POSTS],
  );
  const posts = res.rows;
  if (posts.length === 0) return { context: 'We have not posted anything yet: there is no engagement to read.', postIds: [] };
  const lines = posts.map((p) => {
    const when = localDate(Date.parse(p.postedAt), timeZone);
    const numbers = p.metricsAt
      ? `${p.likes} likes, ${p.reposts} reposts, ${p.replies} replies (score ${score(p)})`
      : 'engagement not read back yet';
    return `- ${when}, ${p.platform}${p.agentName ? `, by ${p.agentName}` : ''}: ${quote(p.text)} — ${numbers}`;
  });
  const measured = posts.filter((p) => p.metricsAt !== null).sort((a, b) => score(b) - score(a));
  const summary = measured.length
    ? `Measured: ${measured.length} of ${posts.length}; best ${quote((measured[0] as PostRow).text)} (score ${score(measured[0] as PostRow)}), weakest ${quote((measured.at(-1) as PostRow).text)} (score ${score(measured.at(-1) as PostRow)}).`
    : `None of these ${posts.length} posts has engagement read back yet.`;
  return {
    context: `Our last ${posts.length} posts, newest first (score = likes + 2 × reposts + 3 × replies):\n${lines.join('\n')}\n\n${summary}`,
    postIds: posts.map((p) => p.id),
  };
}

/** The sources a research routine reads: the http(s) addresses in its prompt, in order, at most RESEARCH_SOURCES. */
export function researchSources(prompt: string): string[] {
  const found = prompt.match(/https?:\/\/[^\s<>"'()]+/g) ?? [];
  return [...new Set(found.map((u) => u.replace(/[.,;:!?]+$/, '')))].slice(0, RESEARCH_SOURCES);
}

/**
 * The steps of one run of a routine, built when it is due: every one goes
 * through the proposal gates (crawl and content quotas, auto-approval) and,
 * for LLM steps, the budget governor.
 *
 * - briefing: for the local day it was due (a caught-up briefing names the missed day);
 * - social scan: an analysis of our recent posts and their engagement;
 * - research: each source in the prompt crawled, an analysis of what was read, and a written note;
 * - consolidation: merges near-duplicate memories.
 */
export async function stepsFor(ctx: EngineCtx, r: Routine, dueAt: number | null): Promise<StepSpec[]> {
  const tz = (await cachedPolicy(ctx, 'timezone')).name;
  const at = dueAt ?? ctx.clock.now();
  switch (r.kind) {
    case 'briefing':
      return [{ kind: 'briefing', payload: { prompt: r.prompt, dueAt: iso(at) } }];
    case 'consolidation':
      return [{ kind: 'consolidate_memory', payload: {} }];
    case 'social_scan': {
      const scan = await socialScanContext(ctx.db, tz);
      return [{ kind: 'analyze', payload: { topic: 'Social scan: our recent posts and their engagement', question: r.prompt, context: scan.context, postIds: scan.postIds } }];
    }
    case 'research': {
      const sources = researchSources(r.prompt);
      const topic = `Research: ${r.prompt}`.slice(0, 500);
      return [
        ...sources.map((url) => ({ kind: 'crawl', payload: { url } })),
        { kind: 'analyze', payload: { topic, question: r.prompt, ...(sources.length ? { fromEarlierSteps: true } : {}) } },
        {
          kind: 'write_content',
          payload: {
            title: `Research note — ${localDate(at, tz)}`,
            brief: r.prompt.slice(0, 5000),
            instructions: 'A short research note for the team: what changed, the evidence for it, and what we should do this week.',
            fromEarlierSteps: true,
          },
        },
      ];
    }
  }
}
