/**
 * Calls of the "agents meet and remember" area: conversations (roundtables),
 * memories, relationships, voice evolution and one-on-one chat. Self-contained
 * (zod only) so the renderer can import the contract without the engine.
 */
import { z } from 'zod';

const id = z.number().int().positive();
const agentId = z.string().min(1).max(32);
const isoTime = z.string();
const limit = (max: number) => z.number().int().min(1).max(max).optional();

export const memoryTypeEnum = z.enum(['insight', 'pattern', 'strategy', 'preference', 'lesson']);
export const memoryProvenanceEnum = z.enum(['conversation', 'outcome', 'mission', 'user', 'initiative', 'system']);
export const conversationStatusEnum = z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']);
export const interactionEnum = z.enum(['opening', 'supportive', 'agreement', 'neutral', 'critical', 'challenge']);
/** 'before_start' (shown, never stored): a slot recorded as missed that ended before the company existed. */
export const slotDecisionEnum = z.enum(['queued', 'skipped_probability', 'skipped_cap', 'skipped_disabled', 'skipped_no_participants', 'missed', 'before_start']);

export const conversationFormat = z.object({
  id: z.string(),
  label: z.string(),
  purpose: z.string(),
  minAgents: z.number(),
  maxAgents: z.number(),
  minTurns: z.number(),
  maxTurns: z.number(),
  temperature: z.number(),
  leaderOpens: z.boolean(),
  actionItemsAllowed: z.boolean(),
  topics: z.array(z.string()),
});

export const conversationSummary = z.object({
  id: z.number(),
  format: z.string(),
  topic: z.string(),
  participants: z.array(z.string()),
  turnsPlanned: z.number(),
  turnCount: z.number(),
  source: z.enum(['schedule', 'user', 'system']),
  slotName: z.string().nullable(),
  status: conversationStatusEnum,
  attempts: z.number(),
  distillStatus: z.enum(['pending', 'done', 'failed', 'skipped']),
  lastError: z.string().nullable(),
  createdAt: isoTime,
  startedAt: isoTime.nullable(),
  finishedAt: isoTime.nullable(),
});

export const conversationTurn = z.object({
  seq: z.number(),
  speaker: z.string(),
  speakerName: z.string(),
  text: z.string(),
  interaction: interactionEnum,
  replyingTo: z.string().nullable(),
  createdAt: isoTime,
});

export const memory = z.object({
  id: z.number(),
  agentId: z.string(),
  type: memoryTypeEnum,
  content: z.string(),
  confidence: z.number(),
  tags: z.array(z.string()),
  sourceTraceId: z.string().nullable(),
  provenance: memoryProvenanceEnum,
  supersededBy: z.number().nullable(),
  supersededAt: isoTime.nullable(),
  createdAt: isoTime,
});

export const relationship = z.object({
  agentA: z.string(),
  agentB: z.string(),
  affinity: z.number(),
  backstory: z.string(),
  totalInteractions: z.number(),
  positiveInteractions: z.number(),
  negativeInteractions: z.number(),
  driftLog: z.array(z.object({ at: isoTime, drift: z.number(), reason: z.string(), conversationId: z.number().nullable(), affinity: z.number() })),
  updatedAt: isoTime.nullable(),
});

export const chatMessage = z.object({ id: z.number(), agentId: z.string(), role: z.enum(['user', 'agent']), text: z.string(), createdAt: isoTime });

const memoryStats = z.object({
  total: z.number(),
  byType: z.record(z.string(), z.number()),
  topTags: z.array(z.object({ tag: z.string(), count: z.number() })),
  avgConfidence: z.number(),
  outcomeLessons: z.number(),
  userPreferences: z.number(),
});

const formatId = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'a format id is lower_snake_case, e.g. "standup"');
const empty = z.object({}).strict().default({});

export const roundtableCalls = {
  'roundtables.list': {
    input: z.object({ status: conversationStatusEnum.optional(), limit: limit(200), cursor: id.optional() }).default({}),
    output: z.array(conversationSummary),
  },
  'roundtables.get': {
    input: z.object({ id }),
    output: z.object({
      conversation: conversationSummary,
      turns: z.array(conversationTurn),
      voiceModifiers: z.record(z.string(), z.array(z.string())),
      distill: z.record(z.string(), z.unknown()).nullable(),
    }),
  },
  'roundtables.enqueue': {
    input: z.object({
      format: formatId,
      topic: z.string().trim().min(1, 'a topic cannot be empty').max(300).optional(),
      participants: z.array(agentId).min(2, 'a conversation needs at least two agents').max(6).optional(),
    }),
    output: conversationSummary,
  },
  'roundtables.formats': { input: empty, output: z.array(conversationFormat) },
  'roundtables.schedule': {
    input: empty,
    output: z.object({
      timezone: z.string(),
      day: z.string(),
      maxDailyConversations: z.number(),
      usedToday: z.number(),
      slots: z.array(
        z.object({
          hour: z.number(),
          name: z.string(),
          format: z.string(),
          participants: z.string(),
          probability: z.number(),
          decision: z
            .object({ decision: slotDecisionEnum, detail: z.string(), conversationId: z.number().nullable(), decidedAt: isoTime })
            .nullable(),
        }),
      ),
    }),
  },
  'memories.list': {
    input: z.object({ agentId, type: memoryTypeEnum.optional(), includeSuperseded: z.boolean().optional(), limit: limit(1000) }),
    output: z.array(memory),
  },
  'memories.update': {
    input: z
      .object({ id, content: z.string().trim().min(1, 'a memory cannot be empty').max(2000).optional(), confidence: z.number().min(0).max(1).optional() })
      .refine((v) => v.content !== undefined || v.confidence !== undefined, 'change the content, the confidence, or both'),
    output: memory,
  },
  'memories.delete': { input: z.object({ id }), output: z.object({ deleted: z.literal(true), memory }) },
  'memories.whisper': {
    input: z.object({ agentId, type: z.enum(['preference', 'insight']), content: z.string().trim().min(1, 'say something').max(2000) }),
    output: memory,
  },
  'relationships.list': { input: empty, output: z.array(relationship) },
  'voice.modifiers': { input: z.object({ agentId }), output: z.object({ agentId: z.string(), modifiers: z.array(z.string()), stats: memoryStats }) },
  'chat.send': {
    input: z.object({ agentId, text: z.string().trim().min(1, 'say something').max(4000) }),
    output: z.object({ message: chatMessage, reply: chatMessage }),
  },
  'chat.history': { input: z.object({ agentId, limit: limit(500) }), output: z.array(chatMessage) },
} as const;
