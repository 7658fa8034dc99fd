import { AppError } from '../api/errors.js';
import { lockKey, type Queryable, type Tx } from '../db/db.js';
import { queryMemories } from '../memory/store.js';
import type { EngineCtx } from '../ops/ctx.js';
import { getPolicy } from '../ops/policy.js';
import { pick, randInt, type Random } from '../ports/random.js';
import { capOnWord } from '../executors/prompts.js';
import type { ConversationFormat } from './formats.js';
import { checkParticipants, chooseParticipants } from './participants.js';
import { countToday, insertConversation, type ConversationRow, type NewConversation } from './queue.js';
import { dailySchedule, type ParticipantsRule } from './schedule.js';

/** Serializes the daily-cap check and the insert that uses it up (scheduler and user). */
export const CAP_LOCK = lockKey('emtesseract:roundtable-cap');

/**
 * A topic from the format's pool. With memory_influence_policy.probability
 * (30%) it is steered by a strategy or lesson one of the participants
 * remembers — memory-influenced, not memory-dependent.
 */
export async function chooseTopic(
  q: Queryable,
  format: ConversationFormat,
  participants: string[],
  random: Random,
): Promise<{ topic: string; memoryId: number | null }> {
  const base = pick(random, format.topics);
  const influence = await getPolicy(q, 'memory_influence_policy');
  if (!influence.enabled || random.next() >= influence.probability) return { topic: base, memoryId: null };
  const memories = [];
  for (const who of participants) memories.push(...(await queryMemories(q, { agentId: who, types: ['strategy', 'lesson'], minConfidence: 0.6, limit: 5 })));
  if (memories.length === 0) return { topic: base, memoryId: null };
  const m = pick(random, memories);
  return { topic: capOnWord(`${base} — in light of what ${m.agentId} learned: ${m.content.replace(/\s+/g, ' ')}`, 300), memoryId: m.id };
}

/** Fills in who talks, about what and for how many turns. Null when too few agents are enabled. */
export async function planConversation(
  q: Queryable,
  format: ConversationFormat,
  who: ParticipantsRule | string[],
  random: Random,
  extra: { topic?: string; source: NewConversation['source']; slotName?: string },
): Promise<NewConversation | null> {
  const participants = Array.isArray(who) ? who : await chooseParticipants(q, who, format, random);
  if (!participants) return null;
  const topic = extra.topic ? { topic: extra.topic, memoryId: null } : await chooseTopic(q, format, participants, random);
  return {
    format: format.id,
    topic: topic.topic,
    participants,
    turnsPlanned: randInt(random, format.minTurns, format.maxTurns),
    source: extra.source,
    slotName: extra.slotName ?? null,
    memoryId: topic.memoryId,
  };
}

/**
 * A conversation the user (or another part of the engine) asks for: checked
 * against the format and the daily cap, which counts every conversation of
 * the day whatever its source.
 */
export async function enqueueConversation(
  ctx: EngineCtx,
  format: ConversationFormat,
  input: { topic?: string; participants?: string[]; source?: 'user' | 'system' },
): Promise<ConversationRow> {
  if (input.participants) {
    const problem = await checkParticipants(ctx.db, format, input.participants);
    if (problem) throw new AppError('invalid_input', problem);
  }
  return ctx.db.transaction(async (tx: Tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [CAP_LOCK]);
    const policy = await getPolicy(tx, 'roundtable_policy');
    if (!policy.enabled) throw new AppError('rejected', 'Conversations are turned off (Settings → Policies → Roundtables).');
    const tz = (await getPolicy(tx, 'timezone')).name;
    const used = await countToday(tx, ctx.clock.now(), tz);
    if (used >= policy.max_daily_conversations) {
      throw new AppError(
        'rejected',
        `Today's conversations are used up (${used}/${policy.max_daily_conversations}). Raise roundtable_policy.max_daily_conversations to hold more.`,
      );
    }
    const plan = await planConversation(tx, format, input.participants ?? defaultRule(format), ctx.random, {
      ...(input.topic ? { topic: input.topic } : {}),
      source: input.source ?? 'user',
    });
    if (!plan) throw new AppError('rejected', `Too few agents are turned on for a ${format.label.toLowerCase()} (it needs ${format.minAgents}).`);
    return insertConversation(ctx, tx, plan);
  });
}

/** Who takes part when the user does not say: the rule of the format's first slot in the schedule. */
export function defaultRule(format: ConversationFormat): ParticipantsRule {
  return dailySchedule.find((s) => s.format === format.id)?.participants ?? { kind: 'random', count: [format.minAgents, format.maxAgents] };
}
