import { AppError } from '../api/errors.js';
import type { Queryable } from '../db/db.js';
import { agentSystemPrompt, capOnWord, tidy } from '../executors/prompts.js';
import type { LlmService } from '../llm/llm-service.js';
import { queryMemories } from '../memory/store.js';
import { deriveVoiceModifiers } from '../memory/voice.js';
import { requireAgent } from '../ops/agents.js';
import type { EngineCtx } from '../ops/ctx.js';
import { writeEvent } from '../ops/events.js';
import { isoNow } from '../ports/clock.js';

export interface ChatMessage {
  id: number;
  agentId: string;
  role: 'user' | 'agent';
  text: string;
  createdAt: string;
}

const COLUMNS = 'id, agent_id AS "agentId", role, text, created_at AS "createdAt"';
/** Earlier messages the agent sees. */
const CONTEXT_MESSAGES = 20;
const REPLY_MAX_CHARS = 2000;
/** About REPLY_MAX_CHARS of English: the model is not asked for more than is kept. */
const REPLY_MAX_TOKENS = 600;

/** The conversation with one agent, oldest first (the most recent `limit`). */
export async function chatHistory(q: Queryable, agentId: string, limit = 100): Promise<ChatMessage[]> {
  const res = await q.query<ChatMessage>(`SELECT ${COLUMNS} FROM ops_chat_messages WHERE agent_id = $1 ORDER BY id DESC LIMIT $2`, [agentId, limit]);
  return res.rows.reverse();
}

/**
 * The user talks to one agent, who answers in its own voice — directive,
 * tone, quirk, personality evolution — with what it remembers, including
 * notes the user whispered. Both messages are stored once the answer is in:
 * a failed call leaves nothing behind, so sending again is safe.
 */
export async function sendChat(ctx: EngineCtx, llm: LlmService | null, input: { agentId: string; text: string }): Promise<{ message: ChatMessage; reply: ChatMessage }> {
  if (!llm) throw new AppError('not_configured', 'No model is set up, so agents cannot answer yet (Settings → Ollama hosts, and a model in Models).');
  const agent = await requireAgent(ctx.db, input.agentId);
  if (!agent.enabled) throw new AppError('rejected', `${agent.displayName} is turned off.`);
  const history = await chatHistory(ctx.db, agent.id, CONTEXT_MESSAGES);
  const memories = await queryMemories(ctx.db, { agentId: agent.id, minConfidence: 0.6, limit: 8 });
  const system = agentSystemPrompt(agent, {
    modifiers: (await deriveVoiceModifiers(ctx.db, agent.id)).modifiers,
    memories,
    task: 'You are talking one-on-one with the person who runs this company. Answer in your own voice, briefly (under 80 words), and honestly.',
  });
  const res = await llm.chat(
    { agentId: agent.id, purpose: 'chat' },
    {
      system,
      messages: [
        ...history.map((m) => ({ role: m.role === 'user' ? ('user' as const) : ('assistant' as const), content: m.text })),
        { role: 'user' as const, content: input.text },
      ],
      temperature: 0.7,
      maxTokens: REPLY_MAX_TOKENS,
    },
  );
  const answer = capOnWord(tidy(res.text), REPLY_MAX_CHARS) || agent.signatureLine || '…';
  return ctx.db.transaction(async (tx) => {
    const now = isoNow(ctx.clock);
    const ins = await tx.query<ChatMessage>(
      `INSERT INTO ops_chat_messages (agent_id, role, text, created_at) VALUES ($1, 'user', $2, $4), ($1, 'agent', $3, $4) RETURNING ${COLUMNS}`,
      [agent.id, input.text, answer, now],
    );
    const [message, reply] = [...ins.rows].sort((a, b) => a.id - b.id) as [ChatMessage, ChatMessage];
    await writeEvent(ctx, tx, {
      agentId: agent.id,
      kind: 'chat_reply',
      title: `${agent.displayName} answered you`,
      summary: answer,
      tags: ['chat', 'user'],
      payload: { messageId: message.id, replyId: reply.id },
    });
    return { message, reply };
  });
}
