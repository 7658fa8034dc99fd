import { z } from 'zod';
import { describeIssues } from '../api/errors.js';
import { badPayload, type Executor } from '../workers/executor.js';
import { formatIds, getFormat } from './formats.js';
import { enqueueConversation } from './plan.js';

const payload = z.object({
  format: z.string().refine((f) => getFormat(f) !== undefined, `a format, one of: ${formatIds.join(', ')}`),
  topic: z.string().trim().min(1).max(300).optional(),
  participants: z.array(z.string()).min(2).max(8).optional(),
});

/**
 * The `roundtable` step: a mission that calls a meeting (e.g. the proactive
 * brainstorm rule). It queues the conversation through the same path as the
 * schedule and the user (daily cap included) and succeeds once it is queued.
 */
export const roundtableStepExecutor: Executor = {
  kind: 'roundtable',
  payloadSchema: payload,
  async run({ ctx, step, agentId }) {
    const p = payload.safeParse(step.payload);
    if (!p.success) throw badPayload('roundtable', describeIssues(p.error.issues));
    const format = getFormat(p.data.format)!;
    const row = await enqueueConversation(ctx, format, {
      ...(p.data.topic ? { topic: p.data.topic } : {}),
      ...(p.data.participants ? { participants: p.data.participants } : {}),
      source: 'system',
    });
    return {
      result: { conversationId: row.id, format: row.format, participants: row.participants },
      summary: `${agentId} called a ${row.format} on "${row.topic}" with ${row.participants.join(', ')}.`,
      tags: ['roundtable', row.format],
    };
  },
};
