import { z } from 'zod';
import { memoryTypes } from '../memory/store.js';
import type { Agent } from '../ops/agents.js';
import type { ConversationFormat } from './formats.js';

/** Step kinds an action item may become: work an agent can start from a title alone. */
export const ACTION_STEP_KINDS = ['analyze', 'write_content', 'draft_tweet'] as const;

/**
 * What the one distillation call returns. The JSON schema sent to the model
 * (Ollama `format`) lists only the participants, the five memory types and
 * the action step kinds; a reply that names anything else still parses (the
 * value becomes "unknown") so the rules can drop that one item instead of the
 * whole reply. Arrays and strings are bounded.
 */
export function distillSchema(participants: readonly string[]) {
  const agent = z.union([z.enum(participants as [string, ...string[]]), z.literal('unknown')]).catch('unknown');
  return z.object({
    memories: z
      .array(
        z.object({
          agent_id: agent,
          type: z.union([z.enum(memoryTypes), z.literal('unknown')]).catch('unknown'),
          content: z.string().max(300),
          confidence: z.number().min(0).max(1),
          tags: z.array(z.string().max(40)).max(6).default([]),
        }),
      )
      .max(16),
    pairwise_drift: z
      .array(z.object({ agent_a: agent, agent_b: agent, drift: z.number().min(-1).max(1), reason: z.string().max(200) }))
      .max(15)
      .default([]),
    action_items: z
      .array(
        z.object({
          title: z.string().max(200),
          agent_id: agent,
          step_kind: z.union([z.enum(ACTION_STEP_KINDS), z.literal('unknown')]).catch('unknown'),
        }),
      )
      .max(5)
      .default([]),
  });
}
export type DistillReply = z.infer<ReturnType<typeof distillSchema>>;

export function distillPrompt(input: {
  conversationId: number;
  format: ConversationFormat;
  topic: string;
  participants: readonly Agent[];
  transcript: readonly { speaker: string; text: string }[];
  maxDrift: number;
  /** Earlier lines left out to fit the model's context window. */
  omitted?: number;
}): { system: string; user: string } {
  const system =
    'You are a memory distiller for a small team of AI agents. Read their conversation and extract what is worth remembering, ' +
    'how it changed their relationships, and any concrete tasks they agreed on. Answer with one JSON object only.';
  const ids = input.participants.map((a) => `${a.id} (${a.displayName}, ${a.role})`).join(', ');
  const actions = input.format.actionItemsAllowed
    ? `- action_items: up to 3 concrete tasks the team agreed on: title, agent_id (the owner), step_kind (${ACTION_STEP_KINDS.join(', ')}). Use [] if none.`
    : '- action_items: [] (this kind of conversation does not create tasks).';
  const user = [
    `Conversation #${input.conversationId}, a ${input.format.label.toLowerCase()} about "${input.topic}".`,
    `Participants (use exactly these agent_id values): ${ids}.`,
    `Transcript${input.omitted ? ` (the last ${input.transcript.length} lines; ${input.omitted} earlier ones left out)` : ''}:\n${input.transcript.map((t) => `${t.speaker}: ${t.text}`).join('\n')}`,
    [
      'Return:',
      `- memories: up to 6 things individual participants learned. type is one of ${memoryTypes.join(', ')}; content is one sentence under 200 characters; confidence from 0 to 1 (below 0.55 is not kept); tags are 1-3 lowercase words.`,
      `- pairwise_drift: for pairs whose relationship changed: agent_a, agent_b, drift between -${input.maxDrift} and ${input.maxDrift}, and a short reason.`,
      actions,
    ].join('\n'),
  ].join('\n\n');
  return { system, user };
}
