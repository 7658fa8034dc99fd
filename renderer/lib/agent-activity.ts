import type { Agent, AgentEvent, MissionSummary } from '../store/entities.js';

export type ActivityState = 'working' | 'chatting' | 'idle' | 'off';

export interface Activity {
  state: ActivityState;
  /** One line: what the agent is doing, or last did. */
  label: string;
  /** When that happened (ISO), if known. */
  at: string | null;
  missionId: number | null;
}

const CHAT_WINDOW_MS = 3 * 60_000;
const chatTags = new Set(['roundtable', 'conversation', 'chat', 'meeting']);

function isChat(e: AgentEvent): boolean {
  return e.kind.startsWith('roundtable') || e.kind.startsWith('conversation') || e.tags.some((t) => chatTags.has(t));
}

/**
 * What an agent is doing, from the recent events and open missions: working
 * while one of its missions is approved or running, chatting right after a
 * conversation event, idle otherwise.
 */
export function deriveActivity(agent: Agent, missions: readonly MissionSummary[], recent: readonly AgentEvent[], now: number): Activity {
  const last = recent.find((e) => e.agentId === agent.id) ?? null;
  if (!agent.enabled) return { state: 'off', label: 'Turned off', at: last?.createdAt ?? null, missionId: null };
  const open = missions.find((m) => m.createdBy === agent.id && (m.status === 'running' || m.status === 'approved'));
  if (open) {
    const next = open.stepKinds[open.stepsDone]?.replace(/_/g, ' ');
    // An approved mission has no step claimed yet: its first step waits in the queue.
    const stepLabel = !next ? '' : open.status === 'approved' ? ` · ${next} queued` : ` · ${next} (${open.stepsDone + 1}/${open.stepsTotal})`;
    return { state: 'working', label: `${open.title}${stepLabel}`, at: open.startedAt ?? open.createdAt, missionId: open.id };
  }
  if (last && isChat(last) && now - Date.parse(last.createdAt) < CHAT_WINDOW_MS) {
    return { state: 'chatting', label: last.title, at: last.createdAt, missionId: last.missionId };
  }
  // the last thing it did links to its mission ("Mission succeeded" opens that mission, not the agent)
  return { state: 'idle', label: last ? last.title : 'No activity yet', at: last?.createdAt ?? null, missionId: last?.missionId ?? null };
}
