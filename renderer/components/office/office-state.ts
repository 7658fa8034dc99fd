/**
 * What each agent is doing in the office: a pure function of the stores
 * (open missions, running conversations, recent outcomes) and the time.
 * The canvas animates towards it; nothing here draws or keeps state.
 */
import type { Agent, MissionSummary } from '../../store/entities.js';
import type { RunningConversation } from '../../store/office-store.js';

export type OfficeState = 'working' | 'chatting' | 'coffee' | 'celebrating' | 'off';

export interface OfficeAgent {
  id: string;
  name: string;
  state: OfficeState;
  /** A short line for the tooltip and the accessible list. */
  doing: string;
  /** Where in the room it wants to be; the canvas walks it there. */
  spot: 'desk' | 'table' | 'coffee';
  /** Its seat index at the desk rows and at the table. */
  seat: number;
}


/** How long an agent celebrates after a mission it owns succeeded. */
export const CELEBRATE_MS = 12_000;

export function officeAgents(
  agents: readonly Agent[],
  missions: readonly MissionSummary[],
  conversations: readonly RunningConversation[],
  now: number,
): OfficeAgent[] {
  return agents.map((a, i) => {
    const base = { id: a.id, name: a.displayName, seat: i };
    if (!a.enabled) return { ...base, state: 'off', doing: 'Turned off', spot: 'desk' };
    const won = missions.find(
      (m) => m.createdBy === a.id && m.status === 'succeeded' && m.finishedAt !== null && now - Date.parse(m.finishedAt) < CELEBRATE_MS,
    );
    if (won) return { ...base, state: 'celebrating', doing: `Celebrating: ${won.title}`, spot: 'desk' };
    const talk = conversations.find((c) => c.participants.includes(a.id));
    if (talk) {
      return { ...base, state: 'chatting', doing: `In a ${talk.format.replace(/_/g, ' ')}: ${talk.topic}`, spot: 'table', seat: talk.participants.indexOf(a.id) };
    }
    const running = missions.find((m) => m.createdBy === a.id && m.status === 'running');
    if (running) {
      const kind = running.stepKinds[running.stepsDone]?.replace(/_/g, ' ') ?? 'a step';
      return { ...base, state: 'working', doing: `${running.title} · ${kind}`, spot: 'desk' };
    }
    return { ...base, state: 'coffee', doing: 'Having a coffee', spot: 'coffee' };
  });
}

export type Sky = 'night' | 'dawn' | 'day' | 'dusk';

/** The sky in the window, from the local hour. */
export function skyAt(date: Date): Sky {
  const h = date.getHours() + date.getMinutes() / 60;
  if (h < 5.5 || h >= 21) return 'night';
  if (h < 7.5) return 'dawn';
  if (h < 18) return 'day';
  return 'dusk';
}

/** The whiteboard's numbers. */
export interface OfficeMetrics {
  missionsToday: number;
  successRate: number | null;
  queuedSteps: number;
  tokensToday: number;
}

export function formatTokens(n: number): string {
  if (n >= 1_000_000) return `${(n / 1_000_000).toFixed(1)}M`;
  if (n >= 10_000) return `${Math.round(n / 1000)}k`;
  if (n >= 1000) return `${(n / 1000).toFixed(1)}k`;
  return String(n);
}

/** What the whiteboard writes, line by line (the canvas draws it; the page also says it in words). */
export function boardRows(m: OfficeMetrics): { label: 'missions' | 'success' | 'queued' | 'tokens'; value: string }[] {
  return [
    { label: 'missions', value: String(m.missionsToday) },
    { label: 'success', value: m.successRate === null ? '—' : `${Math.round(m.successRate * 100)}%` },
    { label: 'queued', value: String(m.queuedSteps) },
    { label: 'tokens', value: formatTokens(m.tokensToday) },
  ];
}
