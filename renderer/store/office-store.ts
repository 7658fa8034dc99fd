/**
 * What the office reads besides the team and missions: the conversations
 * running now and today's figures for the whiteboard. Refreshed when the
 * feed's live events say something changed, and every half minute.
 */
import { create } from 'zustand';
import type { CallOutput } from '../../core/api/contract.js';
import { debounce } from '../lib/debounce.js';
import { callQuiet } from './call.js';
import { useFeed } from './feed-store.js';

type Today = CallOutput<'stats.today'>;

/** The part of a running conversation the office reads. */
export interface RunningConversation {
  id: number;
  format: string;
  topic: string;
  participants: readonly string[];
}

interface OfficeData {
  talks: RunningConversation[];
  today: Today | null;
  loadTalks(): Promise<void>;
  loadToday(): Promise<void>;
}

export const useOffice = create<OfficeData>((set) => ({
  talks: [],
  today: null,
  async loadTalks() {
    const running = await callQuiet('roundtables.list', { status: 'running', limit: 20 });
    set({ talks: running.map((c) => ({ id: c.id, format: c.format, topic: c.topic, participants: c.participants })) });
  },
  async loadToday() {
    set({ today: await callQuiet('stats.today', {}) });
  },
}));

const REFRESH_MS = 30_000;

/** Keeps the office's data fresh while it is on screen; returns the stop function. */
export function startOfficeSync(): () => void {
  const quiet = (p: Promise<unknown>): void => void p.catch(() => {});
  const { loadTalks, loadToday } = useOffice.getState();
  const talks = debounce(() => quiet(loadTalks()), 150);
  const today = debounce(() => quiet(loadToday()), 800);
  quiet(loadTalks());
  quiet(loadToday());
  const unsubscribe = useFeed.subscribe((s, prev) => {
    if (s.recent === prev.recent) return;
    const newest = s.recent[0];
    if (!newest || newest.id === prev.recent[0]?.id) return;
    if (newest.kind.startsWith('roundtable')) talks();
    if (newest.missionId !== null || newest.kind.startsWith('step') || newest.kind.startsWith('mission')) today();
  });
  const timer = setInterval(() => {
    quiet(loadTalks());
    quiet(loadToday());
  }, REFRESH_MS);
  return () => {
    unsubscribe();
    clearInterval(timer);
    talks.cancel();
    today.cancel();
  };
}
