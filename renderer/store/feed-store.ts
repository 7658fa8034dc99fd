import { create } from 'zustand';
import { callOrToast } from './call.js';
import type { AgentEvent } from './entities.js';

export interface FeedFilters {
  agentId: string;
  kind: string;
  tag: string;
  q: string;
}

export const emptyFilters: FeedFilters = { agentId: '', kind: '', tag: '', q: '' };

const PAGE = 60;
const RECENT_MAX = 300;

interface FeedState {
  filters: FeedFilters;
  items: AgentEvent[];
  nextCursor: string | null;
  loading: boolean;
  loaded: boolean;
  /** Ids that arrived live, for a brief highlight. */
  fresh: Set<number>;
  /** The latest events of everyone, unfiltered: what the stage derives activity from. */
  recent: AgentEvent[];
  setFilters(patch: Partial<FeedFilters>): void;
  reload(): Promise<void>;
  loadMore(): Promise<void>;
  loadRecent(): Promise<void>;
  receive(e: AgentEvent): void;
}

/** Does a live event belong in the filtered feed? Mirrors the server's filters closely enough. */
export function matchesFilters(e: AgentEvent, f: FeedFilters): boolean {
  if (f.agentId && e.agentId !== f.agentId) return false;
  if (f.kind && e.kind !== f.kind) return false;
  if (f.tag && !e.tags.includes(f.tag.trim().toLowerCase())) return false;
  if (f.q.trim()) {
    const text = `${e.title} ${e.summary} ${e.kind} ${e.tags.join(' ')}`.toLowerCase();
    if (!f.q.toLowerCase().split(/\s+/).filter(Boolean).every((w) => text.includes(w))) return false;
  }
  return true;
}

function query(f: FeedFilters, cursor: string | null) {
  return {
    limit: PAGE,
    ...(cursor ? { cursor } : {}),
    ...(f.agentId ? { agentId: f.agentId } : {}),
    ...(f.kind ? { kind: f.kind } : {}),
    ...(f.tag.trim() ? { tag: f.tag.trim() } : {}),
    ...(f.q.trim() ? { q: f.q.trim() } : {}),
  };
}

function mergeNewestFirst(a: readonly AgentEvent[], b: readonly AgentEvent[]): AgentEvent[] {
  const byId = new Map<number, AgentEvent>();
  for (const e of a) byId.set(e.id, e);
  for (const e of b) byId.set(e.id, e);
  return [...byId.values()].sort((x, y) => y.id - x.id);
}

let generation = 0;
let arrivedDuringReload: AgentEvent[] = [];
/** How long a live arrival stays highlighted. */
const FRESH_MS = 2000;

function forget(id: number): void {
  const { fresh } = useFeed.getState();
  if (!fresh.has(id)) return;
  const next = new Set(fresh);
  next.delete(id);
  useFeed.setState({ fresh: next });
}

export const useFeed = create<FeedState>((set, get) => ({
  filters: emptyFilters,
  items: [],
  nextCursor: null,
  loading: false,
  loaded: false,
  fresh: new Set(),
  recent: [],
  setFilters(patch) {
    set((s) => ({ filters: { ...s.filters, ...patch } }));
    void get().reload().catch(() => {});
  },
  async reload() {
    const gen = ++generation;
    arrivedDuringReload = [];
    set({ loading: true });
    try {
      const page = await callOrToast('events.page', query(get().filters, null));
      if (gen !== generation) return;
      // Live events that arrived while the page was in flight may be newer than it.
      const newest = page.items[0]?.id ?? 0;
      const live = arrivedDuringReload.filter((e) => e.id > newest && matchesFilters(e, get().filters));
      arrivedDuringReload = [];
      set({ items: mergeNewestFirst(live, page.items), nextCursor: page.nextCursor, loaded: true, fresh: new Set() });
    } finally {
      if (gen === generation) set({ loading: false });
    }
  },
  async loadMore() {
    const { nextCursor, loading, filters } = get();
    if (!nextCursor || loading) return;
    const gen = generation;
    set({ loading: true });
    try {
      const page = await callOrToast('events.page', query(filters, nextCursor));
      if (gen !== generation) return;
      set((s) => ({ items: mergeNewestFirst(s.items, page.items), nextCursor: page.nextCursor }));
    } finally {
      if (gen === generation) set({ loading: false });
    }
  },
  async loadRecent() {
    const page = await callOrToast('events.page', { limit: 100 });
    set((s) => ({ recent: mergeNewestFirst(s.recent, page.items).slice(0, RECENT_MAX) }));
  },
  receive(e) {
    if (get().loading) arrivedDuringReload.push(e);
    set((s) => {
      const recent = mergeNewestFirst(s.recent, [e]).slice(0, RECENT_MAX);
      if (!s.loaded || !matchesFilters(e, s.filters) || s.items.some((x) => x.id === e.id)) return { recent };
      const fresh = new Set(s.fresh);
      fresh.add(e.id);
      setTimeout(() => forget(e.id), FRESH_MS);
      return { recent, items: mergeNewestFirst([e], s.items), fresh };
    });
  },
}));
