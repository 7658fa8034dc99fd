import { z } from 'zod';

/**
 * The 16 conversation formats, as data: who may take part, how long it runs,
 * how loose the talk is (temperature), whether the leader opens, and whether
 * its action items may become proposals (only the formal formats: standup,
 * war_room, brainstorm).
 */
export const formatSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/),
    label: z.string().min(1).max(60),
    purpose: z.string().min(1).max(300),
    minAgents: z.number().int().min(2).max(6),
    maxAgents: z.number().int().min(2).max(6),
    minTurns: z.number().int().min(1).max(20),
    maxTurns: z.number().int().min(1).max(20),
    temperature: z.number().min(0).max(2),
    leaderOpens: z.boolean(),
    actionItemsAllowed: z.boolean(),
    topics: z.array(z.string().min(1).max(200)).min(1),
  })
  .refine((f) => f.minAgents <= f.maxAgents && f.minTurns <= f.maxTurns, 'min must not exceed max');
export type ConversationFormat = z.infer<typeof formatSchema>;

type Row = Omit<ConversationFormat, 'id'>;

const rows = {
  standup: {
    label: 'Standup',
    purpose: 'Align on priorities and surface blockers. Short status lines, then who does what next.',
    minAgents: 4, maxAgents: 6, minTurns: 6, maxTurns: 12, temperature: 0.6, leaderOpens: true, actionItemsAllowed: true,
    topics: ["Today's priorities and blockers", 'What shipped yesterday and what is stuck', 'Where we are on this week\'s goals'],
  },
  debate: {
    label: 'Debate',
    purpose: 'Two or three agents who disagree face off and defend their positions.',
    minAgents: 2, maxAgents: 3, minTurns: 6, maxTurns: 10, temperature: 0.8, leaderOpens: false, actionItemsAllowed: false,
    topics: ['Quality or speed: which matters more this month?', 'Should we post more often or post better?', 'Data or gut: who should make the call on new channels?'],
  },
  watercooler: {
    label: 'Watercooler',
    purpose: 'Casual chitchat between colleagues; small surprises welcome.',
    minAgents: 2, maxAgents: 3, minTurns: 2, maxTurns: 5, temperature: 0.9, leaderOpens: false, actionItemsAllowed: false,
    topics: ['Something odd we noticed this week', 'The best idea nobody has tried yet', 'What the audience seems to love lately'],
  },
  war_room: {
    label: 'War room',
    purpose: 'Something is on fire: diagnose it fast, decide, and assign owners.',
    minAgents: 3, maxAgents: 5, minTurns: 6, maxTurns: 12, temperature: 0.5, leaderOpens: true, actionItemsAllowed: true,
    topics: ['A mission failed twice today: what is going on?', 'Engagement dropped sharply: find the cause', 'We missed a deadline: recover the plan'],
  },
  brainstorm: {
    label: 'Brainstorm',
    purpose: 'Generate many ideas quickly, build on each other, then pick the best to try.',
    minAgents: 3, maxAgents: 5, minTurns: 6, maxTurns: 10, temperature: 0.9, leaderOpens: false, actionItemsAllowed: true,
    topics: ['New content series ideas', 'Ways to grow the audience this month', 'Experiments we could run this week'],
  },
  conflict_resolution: {
    label: 'Conflict resolution',
    purpose: 'Two colleagues with friction talk it out and look for common ground.',
    minAgents: 2, maxAgents: 3, minTurns: 4, maxTurns: 8, temperature: 0.6, leaderOpens: false, actionItemsAllowed: false,
    topics: ['How we work together when we disagree', 'The last time our approaches clashed', 'What each of us needs from the other'],
  },
  mentoring: {
    label: 'Mentoring',
    purpose: 'The more experienced agent shares what it learned; the other asks and tries to apply it.',
    minAgents: 2, maxAgents: 2, minTurns: 4, maxTurns: 8, temperature: 0.6, leaderOpens: false, actionItemsAllowed: false,
    topics: ['What experience taught me about our work', 'Mistakes worth avoiding', 'How to get better at your role'],
  },
  strategy_session: {
    label: 'Strategy session',
    purpose: 'Step back from daily work and agree on direction for the coming weeks.',
    minAgents: 3, maxAgents: 5, minTurns: 6, maxTurns: 10, temperature: 0.6, leaderOpens: true, actionItemsAllowed: false,
    topics: ['Where should we focus next month?', 'What should we stop doing?', 'Our biggest long-term bet'],
  },
  deep_dive: {
    label: 'Deep dive',
    purpose: 'Dig into one question carefully, with evidence, until it is understood.',
    minAgents: 2, maxAgents: 3, minTurns: 6, maxTurns: 10, temperature: 0.5, leaderOpens: false, actionItemsAllowed: false,
    topics: ['Why our best post worked', 'What our audience actually responds to', 'Where our time really goes'],
  },
  check_in: {
    label: 'Check-in',
    purpose: 'A quick afternoon pulse: progress since the morning and anything needing help.',
    minAgents: 2, maxAgents: 3, minTurns: 3, maxTurns: 6, temperature: 0.6, leaderOpens: true, actionItemsAllowed: false,
    topics: ['Progress since the standup', 'Anything blocking you this afternoon?', 'Are we still on track for today?'],
  },
  content_review: {
    label: 'Content review',
    purpose: 'Review drafts and recent posts: what works, what to cut, what to try next.',
    minAgents: 2, maxAgents: 4, minTurns: 4, maxTurns: 8, temperature: 0.6, leaderOpens: false, actionItemsAllowed: false,
    topics: ["This week's drafts", 'Our last five posts', 'The voice of our content'],
  },
  metrics_review: {
    label: 'Metrics review',
    purpose: 'Read the numbers together and agree on what they mean.',
    minAgents: 2, maxAgents: 4, minTurns: 4, maxTurns: 8, temperature: 0.4, leaderOpens: false, actionItemsAllowed: false,
    topics: ['Engagement this week', 'Which missions succeeded and which failed', 'Cost and effort versus results'],
  },
  pitch: {
    label: 'Pitch',
    purpose: 'One agent pitches a bold idea; the others poke holes and improve it.',
    minAgents: 2, maxAgents: 4, minTurns: 4, maxTurns: 8, temperature: 0.85, leaderOpens: false, actionItemsAllowed: false,
    topics: ['A crazy idea that might just work', 'A new channel we are ignoring', 'A stunt people would talk about'],
  },
  retrospective: {
    label: 'Retrospective',
    purpose: 'Look back at recent work: what went well, what did not, what to change.',
    minAgents: 4, maxAgents: 6, minTurns: 6, maxTurns: 12, temperature: 0.6, leaderOpens: true, actionItemsAllowed: false,
    topics: ['This week in review', 'Our last failed mission', 'What we would do differently'],
  },
  night_briefing: {
    label: 'Night briefing',
    purpose: 'Wrap up the day: what happened, what is pending, what matters tomorrow.',
    minAgents: 2, maxAgents: 4, minTurns: 4, maxTurns: 8, temperature: 0.5, leaderOpens: true, actionItemsAllowed: false,
    topics: ["Today's wins and misses", 'What carries over to tomorrow', 'Anything we should watch overnight'],
  },
  deep_discussion: {
    label: 'Deep discussion',
    purpose: 'A slow late-night talk about the big questions behind the work.',
    minAgents: 2, maxAgents: 3, minTurns: 4, maxTurns: 8, temperature: 0.85, leaderOpens: false, actionItemsAllowed: false,
    topics: ['Why does this company exist?', 'What would make our work matter?', 'What are we getting wrong without noticing?'],
  },
} satisfies Record<string, Row>;

export type FormatId = keyof typeof rows;
export const formatIds = Object.keys(rows) as [FormatId, ...FormatId[]];

export const formats: Record<FormatId, ConversationFormat> = Object.fromEntries(
  Object.entries(rows).map(([id, row]) => [id, formatSchema.parse({ id, ...row })]),
) as Record<FormatId, ConversationFormat>;

export function isFormatId(id: string): id is FormatId {
  return Object.prototype.hasOwnProperty.call(rows, id);
}

export function getFormat(id: string): ConversationFormat | null {
  return isFormatId(id) ? formats[id] : null;
}
