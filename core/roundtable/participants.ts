import type { Queryable } from '../db/db.js';
import { listAgents } from '../ops/agents.js';
import { randInt, shuffle, type Random } from '../ports/random.js';
import { lowAffinityPair, mentorPair } from '../relationships/pairing.js';
import { loadAffinities } from '../relationships/store.js';
import type { ConversationFormat } from './formats.js';
import type { ParticipantsRule } from './schedule.js';

/** The agent who opens when a format says the leader opens. */
export const LEADER_ID = 'opus';

export async function enabledAgentIds(q: Queryable): Promise<string[]> {
  return (await listAgents(q)).filter((a) => a.enabled).map((a) => a.id);
}

async function memoryCounts(q: Queryable): Promise<Map<string, number>> {
  const res = await q.query<{ agent_id: string; n: number }>(
    'SELECT agent_id, count(*)::int AS n FROM ops_agent_memory WHERE superseded_at IS NULL GROUP BY agent_id',
  );
  return new Map(res.rows.map((r) => [r.agent_id, r.n]));
}

/**
 * Picks who takes part, following the slot's rule, among enabled agents only,
 * trimmed to the format's min/max. Null when too few agents are enabled.
 */
export async function chooseParticipants(
  q: Queryable,
  rule: ParticipantsRule,
  format: ConversationFormat,
  random: Random,
): Promise<string[] | null> {
  const enabled = await enabledAgentIds(q);
  if (enabled.length < format.minAgents) return null;
  const fill = (required: string[], want: number): string[] => {
    const others = shuffle(random, enabled.filter((a) => !required.includes(a)));
    const n = Math.min(Math.max(want, format.minAgents), format.maxAgents);
    return [...required, ...others].slice(0, n);
  };
  switch (rule.kind) {
    case 'with': {
      const required = rule.agents.filter((a) => enabled.includes(a)).slice(0, format.maxAgents);
      return fill(required, required.length + randInt(random, rule.extra[0], rule.extra[1]));
    }
    case 'random':
      return fill([], randInt(random, rule.count[0], rule.count[1]));
    case 'all':
      return fill(enabled.includes(LEADER_ID) ? [LEADER_ID] : [], enabled.length);
    case 'low_affinity_pair': {
      const pair = lowAffinityPair(enabled, await loadAffinities(q), random);
      return pair ? fill(pair, 2) : null;
    }
    case 'mentor_pair': {
      const pair = mentorPair(enabled, await loadAffinities(q), await memoryCounts(q), random);
      return pair ? fill(pair, 2) : null;
    }
  }
}

/** Checks participants the user chose: distinct, existing, enabled, and as many as the format allows. */
export async function checkParticipants(q: Queryable, format: ConversationFormat, participants: string[]): Promise<string | null> {
  if (new Set(participants).size !== participants.length) return 'Each agent can take part only once.';
  if (participants.length < format.minAgents || participants.length > format.maxAgents) {
    const range = format.minAgents === format.maxAgents ? `${format.minAgents}` : `${format.minAgents}–${format.maxAgents}`;
    return `A ${format.label.toLowerCase()} takes ${range} agents; you chose ${participants.length}.`;
  }
  const agents = await listAgents(q);
  for (const id of participants) {
    const a = agents.find((x) => x.id === id);
    if (!a) return `There is no agent "${id}".`;
    if (!a.enabled) return `${a.displayName} is turned off.`;
  }
  return null;
}
