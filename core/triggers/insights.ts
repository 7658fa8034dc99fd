import { readThrough } from '../db/db.js';
import { isoNow } from '../ports/clock.js';
import type { EngineCtx } from '../ops/ctx.js';
import { writeEvent } from '../ops/events.js';
import { cachedPolicy } from '../ops/policy.js';
import { keywords } from './memory-influence.js';

interface Insight {
  id: number;
  agentId: string;
  content: string;
  confidence: number;
  tags: string[];
  source: string | null;
}

/** Share of the smaller keyword set found in the other: 1 when one says all the other says. */
export function overlap(a: Set<string>, b: Set<string>): number {
  if (!a.size || !b.size) return 0;
  let n = 0;
  for (const w of a) if (b.has(w)) n++;
  return n / Math.min(a.size, b.size);
}

/**
 * Insight promotion, on every heartbeat: a live insight at or above the
 * policy threshold that another source confirms (a similar insight from a
 * different agent or conversation) gains confidence and the 'promoted' tag,
 * and fires `insight_promoted`. Each insight is promoted once.
 */
export async function promoteInsights(ctx: EngineCtx): Promise<{ candidates: number; promoted: number }> {
  const p = await cachedPolicy(ctx, 'learning_policy');
  const res = await readThrough<Insight>(
    ctx.db,
    `SELECT id, agent_id AS "agentId", content, confidence, tags, split_part(coalesce(source_trace_id, 'm' || id), ':', 2) AS source
     FROM ops_agent_memory WHERE type = 'insight' AND superseded_at IS NULL ORDER BY id DESC LIMIT 500`,
    undefined,
    ['ops_agent_memory'],
  );
  const all = res.rows.map((r) => ({ ...r, words: keywords(r.content) }));
  const candidates = all.filter((r) => r.confidence >= p.insight_promotion_threshold && !r.tags.includes('promoted'));
  let promoted = 0;
  for (const c of candidates) {
    const confirmations = all.filter((o) => o.id !== c.id && (o.agentId !== c.agentId || o.source !== c.source) && overlap(c.words, o.words) >= 0.5);
    if (!confirmations.length) continue;
    const confidence = Math.min(0.95, Math.round((c.confidence + p.insight_promotion_boost) * 100) / 100);
    await ctx.db.transaction(async (tx) => {
      const upd = await tx.query(
        `UPDATE ops_agent_memory SET confidence = $2, tags = array_append(tags, 'promoted') WHERE id = $1 AND NOT ('promoted' = ANY(tags))`,
        [c.id, confidence],
      );
      if (!upd.rowCount) return;
      await writeEvent(ctx, tx, {
        agentId: c.agentId,
        kind: 'insight_promoted',
        title: 'Insight promoted',
        summary: c.content,
        tags: ['insight', 'promoted', 'insight_promoted', 'memory'],
        payload: { memoryId: c.id, confidence, confirmedBy: confirmations.map((x) => x.id).slice(0, 5), at: isoNow(ctx.clock) },
      });
      promoted++;
    });
  }
  return { candidates: candidates.length, promoted };
}
