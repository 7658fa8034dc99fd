import { AppError } from '../api/errors.js';
import type { roundtableCalls } from '../api/roundtable-calls.js';
import type { HandlersFor } from '../feature.js';
import type { LlmService } from '../llm/llm-service.js';
import { deleteMemory, listMemories, updateMemory, whisper } from '../memory/admin.js';
import { deriveVoiceModifiers } from '../memory/voice.js';
import { listAgents, requireAgent } from '../ops/agents.js';
import type { EngineCtx } from '../ops/ctx.js';
import { cachedPolicy } from '../ops/policy.js';
import { localDate, localHour } from '../ops/time.js';
import { listRelationships } from '../relationships/store.js';
import { chatHistory, sendChat } from './chat.js';
import { formatIds, formats, getFormat } from './formats.js';
import { enqueueConversation } from './plan.js';
import { countToday, getConversationRow, getTurns, listConversations, type ConversationRow } from './queue.js';
import { dailySchedule, describeRule } from './schedule.js';
import { slotDecisions } from './scheduler.js';

function summary(c: ConversationRow, turnCount: number) {
  return {
    id: c.id,
    format: c.format,
    topic: c.topic,
    participants: c.participants,
    turnsPlanned: c.turnsPlanned,
    turnCount,
    source: c.source,
    slotName: c.slotName,
    status: c.status,
    attempts: c.attempts,
    distillStatus: c.distillStatus,
    lastError: c.lastError,
    createdAt: c.createdAt,
    startedAt: c.startedAt,
    finishedAt: c.finishedAt,
  };
}

export function roundtableHandlers(ctx: EngineCtx, llm: LlmService | null): HandlersFor<typeof roundtableCalls> {
  return {
    'roundtables.list': async (input) => (await listConversations(ctx.db, input)).map((c) => summary(c, c.turnCount)),
    'roundtables.get': async ({ id }) => {
      const c = await getConversationRow(ctx.db, id);
      if (!c) throw new AppError('not_found', `There is no conversation #${id}.`);
      const turns = await getTurns(ctx.db, id);
      const names = new Map((await listAgents(ctx.db)).map((a) => [a.id, a.displayName]));
      return {
        conversation: summary(c, turns.length),
        turns: turns.map((t) => ({ ...t, speakerName: names.get(t.speaker) ?? t.speaker })),
        voiceModifiers: c.voiceModifiers ?? {},
        distill: c.distill,
      };
    },
    'roundtables.enqueue': async ({ format, topic, participants }) => {
      const f = getFormat(format);
      if (!f) throw new AppError('invalid_input', `There is no format "${format}". Known formats: ${formatIds.join(', ')}.`);
      const row = await enqueueConversation(ctx, f, { ...(topic ? { topic } : {}), ...(participants ? { participants } : {}) });
      return summary(row, 0);
    },
    'roundtables.formats': async () => formatIds.map((id) => formats[id]),
    'roundtables.schedule': async () => {
      const tz = (await cachedPolicy(ctx, 'timezone')).name;
      const policy = await cachedPolicy(ctx, 'roundtable_policy');
      const day = localDate(ctx.clock.now(), tz);
      const decisions = new Map((await slotDecisions(ctx, day)).map((d) => [d.hour, d]));
      // When the company began (its first migration): a slot that ended before then was not missed, it never had a chance.
      const since = await ctx.db.query<{ ms: number | null }>('SELECT (extract(epoch FROM min(applied_at)) * 1000)::float8 AS ms FROM schema_migrations');
      const sinceMs = Number(since.rows[0]?.ms ?? NaN);
      const startedToday = Number.isFinite(sinceMs) && localDate(sinceMs, tz) === day;
      const names = new Map((await listAgents(ctx.db)).map((a) => [a.id, a.displayName]));
      const beforeStart = (hour: number, grace: number): boolean => startedToday && localHour(sinceMs, tz) > hour + grace;
      return {
        timezone: tz,
        day,
        maxDailyConversations: policy.max_daily_conversations,
        usedToday: await countToday(ctx.db, ctx.clock.now(), tz),
        slots: dailySchedule.map((s) => {
          const d = decisions.get(s.hour);
          return {
            hour: s.hour,
            name: s.name,
            format: s.format,
            participants: describeRule(s.participants, (id) => names.get(id) ?? id),
            probability: s.probability,
            decision: !d
              ? null
              : d.decision === 'missed' && beforeStart(s.hour, s.graceHours)
                ? { decision: 'before_start' as const, detail: 'The company did not exist yet at this hour.', conversationId: null, decidedAt: d.decidedAt }
                : { decision: d.decision, detail: d.detail, conversationId: d.conversationId, decidedAt: d.decidedAt },
          };
        }),
      };
    },
    'memories.list': (input) => listMemories(ctx, input),
    'memories.update': (input) => updateMemory(ctx, input),
    'memories.delete': async ({ id }) => ({ deleted: true as const, memory: await deleteMemory(ctx, id) }),
    'memories.whisper': (input) => whisper(ctx, input),
    'relationships.list': () => listRelationships(ctx.db),
    'voice.modifiers': async ({ agentId }) => {
      await requireAgent(ctx.db, agentId);
      return { agentId, ...(await deriveVoiceModifiers(ctx.db, agentId)) };
    },
    'chat.send': (input) => sendChat(ctx, llm, input),
    'chat.history': async ({ agentId, limit }) => {
      await requireAgent(ctx.db, agentId);
      return chatHistory(ctx.db, agentId, limit ?? 100);
    },
  };
}
