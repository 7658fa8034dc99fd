import type { Queryable } from '../db/db.js';
import { writeMemory } from './store.js';

/**
 * Mission outcomes become memories of the agent who ran it: success → a
 * strategy, failure → a lesson. Deduplicated by source_trace_id, so a
 * re-finalized or re-processed mission never writes twice.
 */
export async function rememberMissionOutcome(
  q: Queryable,
  m: { id: number; title: string; createdBy: string },
  status: 'succeeded' | 'failed',
  stepKinds: string[],
  reason: string | null,
  now: string,
): Promise<void> {
  const plan = stepKinds.join(' → ');
  if (status === 'succeeded') {
    await writeMemory(
      q,
      {
        agentId: m.createdBy,
        type: 'strategy',
        content: `"${m.title}" worked as a plan of ${plan}.`,
        confidence: 0.6,
        tags: ['mission', 'succeeded', ...stepKinds],
        sourceTraceId: `mission:${m.id}:outcome`,
        provenance: 'mission',
      },
      now,
    );
  } else {
    await writeMemory(
      q,
      {
        agentId: m.createdBy,
        type: 'lesson',
        content: `"${m.title}" (${plan}) failed: ${reason ?? 'unknown reason'}`.slice(0, 500),
        confidence: 0.65,
        tags: ['mission', 'failed', ...stepKinds],
        sourceTraceId: `mission:${m.id}:outcome`,
        provenance: 'mission',
      },
      now,
    );
  }
}
