import type { FormatId } from './formats.js';

/**
 * Who takes part in a scheduled conversation:
 * - with: these agents (when enabled) plus `extra` random others;
 * - random: a random group of `count` agents;
 * - low_affinity_pair: the pair that gets along worst (conflict resolution);
 * - mentor_pair: high affinity and a gap in experience (mentoring);
 * - all: every enabled agent, up to the format's maximum.
 * The result is always trimmed to the format's min/max.
 */
export type ParticipantsRule =
  | { kind: 'with'; agents: string[]; extra: [number, number] }
  | { kind: 'random'; count: [number, number] }
  | { kind: 'low_affinity_pair' }
  | { kind: 'mentor_pair' }
  | { kind: 'all' };

export interface ScheduleSlot {
  /** Local hour in the user's time zone (timezone policy). */
  hour: number;
  name: string;
  format: FormatId;
  participants: ParticipantsRule;
  /** Chance the slot happens on a given day (0.4–1.0). */
  probability: number;
  /** How many hours after its own hour a slot not yet decided may still run (the app was closed, or a DST jump skipped the hour). */
  graceHours: number;
}

const LEADER = 'opus';

/**
 * The day's 24 slots. Morning: the standup (always) plus brainstorm and
 * strategy; afternoon: deep dives, check-ins, reviews; evening: watercooler,
 * debate, night briefing; late night: deep talk and the night shift.
 */
export const dailySchedule: ScheduleSlot[] = [
  { hour: 0, name: 'Midnight deep talk', format: 'deep_discussion', participants: { kind: 'random', count: [2, 3] }, probability: 0.4, graceHours: 1 },
  { hour: 1, name: 'Night-shift chatter', format: 'watercooler', participants: { kind: 'random', count: [2, 2] }, probability: 0.4, graceHours: 1 },
  { hour: 2, name: 'Night-shift research', format: 'deep_dive', participants: { kind: 'with', agents: ['brain', 'observer'], extra: [0, 1] }, probability: 0.4, graceHours: 1 },
  { hour: 3, name: '3 a.m. idea', format: 'pitch', participants: { kind: 'with', agents: ['twitter-alt'], extra: [1, 2] }, probability: 0.4, graceHours: 1 },
  { hour: 4, name: 'Overnight numbers', format: 'metrics_review', participants: { kind: 'with', agents: ['brain'], extra: [1, 2] }, probability: 0.4, graceHours: 1 },
  { hour: 5, name: 'Early birds', format: 'watercooler', participants: { kind: 'random', count: [2, 3] }, probability: 0.5, graceHours: 1 },
  { hour: 6, name: 'Morning Standup', format: 'standup', participants: { kind: 'with', agents: [LEADER, 'brain'], extra: [2, 4] }, probability: 1.0, graceHours: 5 },
  { hour: 7, name: 'Morning brainstorm', format: 'brainstorm', participants: { kind: 'with', agents: ['creator', 'growth'], extra: [1, 3] }, probability: 0.7, graceHours: 1 },
  { hour: 8, name: 'Strategy session', format: 'strategy_session', participants: { kind: 'with', agents: [LEADER], extra: [2, 4] }, probability: 0.6, graceHours: 1 },
  { hour: 9, name: 'Content review', format: 'content_review', participants: { kind: 'with', agents: ['creator', 'twitter-alt'], extra: [0, 2] }, probability: 0.6, graceHours: 1 },
  { hour: 10, name: 'Mentoring hour', format: 'mentoring', participants: { kind: 'mentor_pair' }, probability: 0.5, graceHours: 1 },
  { hour: 11, name: 'Late-morning debate', format: 'debate', participants: { kind: 'random', count: [2, 3] }, probability: 0.6, graceHours: 1 },
  { hour: 12, name: 'Lunch at the watercooler', format: 'watercooler', participants: { kind: 'random', count: [2, 3] }, probability: 0.7, graceHours: 1 },
  { hour: 13, name: 'Afternoon deep dive', format: 'deep_dive', participants: { kind: 'with', agents: ['brain'], extra: [1, 2] }, probability: 0.6, graceHours: 1 },
  { hour: 14, name: 'Afternoon check-in', format: 'check_in', participants: { kind: 'with', agents: [LEADER], extra: [1, 2] }, probability: 0.7, graceHours: 1 },
  { hour: 15, name: 'Draft review', format: 'content_review', participants: { kind: 'with', agents: ['creator'], extra: [1, 3] }, probability: 0.6, graceHours: 1 },
  { hour: 16, name: 'Clearing the air', format: 'conflict_resolution', participants: { kind: 'low_affinity_pair' }, probability: 0.5, graceHours: 1 },
  { hour: 17, name: 'End-of-day war room', format: 'war_room', participants: { kind: 'with', agents: [LEADER, 'observer'], extra: [1, 3] }, probability: 0.5, graceHours: 1 },
  { hour: 18, name: 'Evening watercooler', format: 'watercooler', participants: { kind: 'random', count: [2, 3] }, probability: 0.8, graceHours: 1 },
  { hour: 19, name: 'Evening debate', format: 'debate', participants: { kind: 'random', count: [2, 3] }, probability: 0.7, graceHours: 1 },
  { hour: 20, name: 'Night briefing', format: 'night_briefing', participants: { kind: 'with', agents: [LEADER, 'observer'], extra: [0, 2] }, probability: 0.8, graceHours: 1 },
  { hour: 21, name: 'Weekly retrospective', format: 'retrospective', participants: { kind: 'all' }, probability: 0.5, graceHours: 1 },
  { hour: 22, name: 'Late brainstorm', format: 'brainstorm', participants: { kind: 'random', count: [3, 4] }, probability: 0.5, graceHours: 1 },
  { hour: 23, name: 'Last call', format: 'deep_discussion', participants: { kind: 'random', count: [2, 3] }, probability: 0.5, graceHours: 1 },
];

/** Sum of the slots' probabilities up to and including `hour`, over the whole day's sum: how much of the day's expected talk is "due" by then. */
export function expectedShareBy(hour: number, slots: readonly ScheduleSlot[] = dailySchedule): number {
  const total = slots.reduce((a, s) => a + s.probability, 0);
  const upTo = slots.filter((s) => s.hour <= hour).reduce((a, s) => a + s.probability, 0);
  return total > 0 ? upTo / total : 1;
}

/** "a", "a and b", "a, b and c". */
function listOf(names: string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/**
 * Who takes part, in words a person reads: agents by their display name
 * (`nameOf`, the id where it has none), "Opus, Brain and 2–4 more".
 */
export function describeRule(rule: ParticipantsRule, nameOf: (agentId: string) => string = (id) => id): string {
  switch (rule.kind) {
    case 'with': {
      const names = rule.agents.map(nameOf);
      const [lo, hi] = rule.extra;
      if (hi === 0) return listOf(names);
      const more = lo === hi ? `${lo} more` : lo === 0 ? `up to ${hi} more` : `${lo}–${hi} more`;
      return `${names.join(', ')} and ${more}`;
    }
    case 'random':
      return `${rule.count[0] === rule.count[1] ? rule.count[0] : `${rule.count[0]}–${rule.count[1]}`} random agents`;
    case 'low_affinity_pair':
      return 'the pair with the lowest affinity';
    case 'mentor_pair':
      return 'a close pair with an experience gap (mentor and mentee)';
    case 'all':
      return 'everyone';
  }
}
