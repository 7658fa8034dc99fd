import type { Queryable } from '../db/db.js';
import { capOnWord } from './prompts.js';

/** Longest text drawn from earlier steps into a prompt (a small model's window is a few thousand tokens). */
export const EARLIER_STEPS_MAX_CHARS = 12_000;

/**
 * What the earlier steps of a mission wrote (pages read, analyses, documents),
 * oldest first, as one block of text for the next step's prompt: each artifact
 * under its title, all of them within `maxChars`. Empty when there are none.
 */
export async function earlierStepsText(q: Queryable, missionId: number, stepId: number, maxChars = EARLIER_STEPS_MAX_CHARS): Promise<string> {
  const res = await q.query<{ kind: string; title: string; content: string }>(
    `SELECT a.kind, a.title, a.content FROM ops_artifacts a JOIN ops_mission_steps s ON s.id = a.step_id
     WHERE a.mission_id = $1 AND s.mission_id = $1 AND s.seq < (SELECT seq FROM ops_mission_steps WHERE id = $2)
       AND a.kind IN ('crawl', 'analysis', 'document', 'draft')
     ORDER BY s.seq, a.id`,
    [missionId, stepId],
  );
  if (res.rows.length === 0) return '';
  const each = Math.max(200, Math.floor(maxChars / res.rows.length) - 80);
  return res.rows.map((a) => `### ${a.title} (${a.kind})\n${capOnWord(a.content.trim(), each)}`).join('\n\n');
}
