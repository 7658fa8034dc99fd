import { create } from 'zustand';
import type { CallInput } from '../../core/api/contract.js';
import { callOrToast } from './call.js';
import type { AgentEvent } from './entities.js';
import { appendOlder, EDGE_PAGE, emptyWindow, insertLive, PAGE, prependNewer, type FeedWindow } from './feed-window.js';

export interface FeedFilters {
  agentId: string;
  kind: string;
  tag: string;
  q: string;
}

export const emptyFilters: FeedFilters = { agentId: '', kind: '', tag: '', q: '' };

const RECENT_MAX = 300;

/** Rows that joined (+) or left (−) the top of the window: the list moves its scroll by as much, so nothing moves under the reader. */
export interface TopShift {
  seq: number;
  rows: number;
  /** Index in the window where they joined or left (0: the top). */
  at: number;
  live: boolean;
}

interface FeedState extends FeedWindow {
  filters: FeedFilters;
  /** Every event matching the filters, live; null until counted. */
  total: number | null;
  loading: boolean;
  loadingOlder: boolean;
  loadingNewer: boolean;
  loaded: boolean;
  /** Live arrivals since the reader last looked at the newest (the "N new" pill). */
  unseen: number;
  shift: TopShift;
  /** A jump asks the list to scroll to the start (newest first) or the end (oldest last) of the window. */
  jump: { seq: number; to: 'start' | 'end' };
  /** Ids that arrived live, for a brief highlight. */
  fresh: Set<number>;
  /** The latest events of everyone, unfiltered: what the stage derives activity from. */
  recent: AgentEvent[];
  setFilters(patch: Partial<FeedFilters>): void;
  /** Back to the newest page. `keepTotal`: the live-kept total still holds (same filters, stream open), so no recount. */
  reload(opts?: { keepTotal?: boolean }): Promise<void>;
  /** The filters the total was counted for (JSON), or null. */
  countedFor: string | null;
  jumpToDate(iso: string): Promise<void>;
  jumpToOldest(): Promise<void>;
  loadOlder(): Promise<void>;
  loadNewer(): Promise<void>;
  /** Kept for callers of the old API: the next older page. */
  loadMore(): Promise<void>;
  markSeen(): void;
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

type PageInput = Exclude<CallInput<'events.page'>, undefined>;

function query(f: FeedFilters, extra: PageInput = {}): PageInput {
  return {
    limit: PAGE,
    ...(f.agentId ? { agentId: f.agentId } : {}),
    ...(f.kind ? { kind: f.kind } : {}),
    ...(f.tag.trim() ? { tag: f.tag.trim() } : {}),
    ...(f.q.trim() ? { q: f.q.trim() } : {}),
    ...extra,
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

export const useFeed = create<FeedState>((set, get) => {
  /** Replaces the window with a fresh page (a reload or a jump); live events that raced it are folded in. */
  async function replace(extra: PageInput, place: (p: Awaited<ReturnType<typeof fetchPage>>) => FeedWindow, to: 'start' | 'end', count = true): Promise<void> {
    const gen = ++generation;
    arrivedDuringReload = [];
    const filtersKey = JSON.stringify(get().filters);
    set({ loading: true });
    try {
      const page = await fetchPage(extra, count);
      if (gen !== generation) return;
      let w = place(page);
      let total = page.total ?? get().total;
      if (w.newerCursor === null) {
        const newest = w.rows[0]?.id ?? 0;
        for (const e of arrivedDuringReload) {
          if (e.id <= newest || !matchesFilters(e, get().filters)) continue;
          const r = insertLive(w, e);
          if (r) w = r.window;
          if (total !== null) total++;
        }
      }
      arrivedDuringReload = [];
      set((s) => ({ ...w, total, countedFor: count ? filtersKey : s.countedFor, loaded: true, fresh: new Set(), unseen: 0, jump: { seq: s.jump.seq + 1, to } }));
    } finally {
      if (gen === generation) set({ loading: false });
    }
  }
  const fetchPage = (extra: PageInput, count = true) => callOrToast('events.page', query(get().filters, { ...extra, ...(count ? { withTotal: true } : {}) }));

  return {
    ...emptyWindow,
    filters: emptyFilters,
    total: null,
    loading: false,
    loadingOlder: false,
    loadingNewer: false,
    loaded: false,
    unseen: 0,
    shift: { seq: 0, rows: 0, at: 0, live: false },
    jump: { seq: 0, to: 'start' },
    fresh: new Set(),
    recent: [],
    setFilters(patch) {
      set((s) => ({ filters: { ...s.filters, ...patch } }));
      void get().reload().catch(() => {});
    },
    countedFor: null,
    reload(opts) {
      const s = get();
      // Counting a million rows takes seconds: "Newest" keeps the total the stream has kept up to date.
      const keep = opts?.keepTotal === true && s.total !== null && s.countedFor === JSON.stringify(s.filters);
      return replace({}, (p) => ({ rows: p.items, olderCursor: p.nextCursor, newerCursor: null, startIndex: 0 }), 'start', !keep);
    },
    jumpToDate(iso) {
      return replace(
        { before: iso },
        (p) => ({
          rows: p.items,
          olderCursor: p.nextCursor,
          newerCursor: p.newerCount && p.items[0] ? String(p.items[0].id) : null,
          startIndex: p.newerCount ?? 0,
        }),
        'start',
      );
    },
    jumpToOldest() {
      return replace(
        { direction: 'newer' },
        (p) => ({ rows: p.items, olderCursor: null, newerCursor: p.prevCursor ?? null, startIndex: Math.max(0, (p.total ?? p.items.length) - p.items.length) }),
        'end',
      );
    },
    async loadOlder() {
      const { olderCursor, loadingOlder, loading } = get();
      if (!olderCursor || loadingOlder || loading) return;
      const gen = generation;
      set({ loadingOlder: true });
      try {
        const page = await callOrToast('events.page', query(get().filters, { cursor: olderCursor, limit: EDGE_PAGE }));
        if (gen !== generation || get().olderCursor !== olderCursor) return;
        const { window, droppedTop } = appendOlder(get(), page.items, page.nextCursor);
        set((s) => ({ ...window, shift: droppedTop ? { seq: s.shift.seq + 1, rows: -droppedTop, at: 0, live: false } : s.shift }));
      } finally {
        set({ loadingOlder: false });
      }
    },
    async loadNewer() {
      const { newerCursor, loadingNewer, loading } = get();
      if (!newerCursor || loadingNewer || loading) return;
      const gen = generation;
      set({ loadingNewer: true });
      try {
        const page = await callOrToast('events.page', query(get().filters, { cursor: newerCursor, direction: 'newer', limit: EDGE_PAGE }));
        if (gen !== generation || get().newerCursor !== newerCursor) return;
        const { window, addedTop } = prependNewer(get(), page.items, page.prevCursor ?? null);
        set((s) => ({ ...window, shift: { seq: s.shift.seq + 1, rows: addedTop, at: 0, live: false } }));
      } finally {
        set({ loadingNewer: false });
      }
    },
    loadMore() {
      return get().loadOlder();
    },
    markSeen() {
      if (get().unseen) set({ unseen: 0 });
    },
    async loadRecent() {
      const page = await callOrToast('events.page', { limit: 100 });
      set((s) => ({ recent: mergeNewestFirst(s.recent, page.items).slice(0, RECENT_MAX) }));
    },
    receive(e) {
      if (get().loading) arrivedDuringReload.push(e);
      set((s) => {
        const recent = s.recent[0] && s.recent[0].id < e.id ? [e, ...s.recent].slice(0, RECENT_MAX) : mergeNewestFirst(s.recent, [e]).slice(0, RECENT_MAX);
        if (!s.loaded || s.loading || !matchesFilters(e, s.filters)) return { recent };
        const total = s.total === null ? null : s.total + 1;
        if (s.newerCursor !== null) {
          // Reading older pages: the new one waits above, counted.
          return { recent, total, unseen: s.unseen + 1, startIndex: s.startIndex + 1 };
        }
        const r = insertLive(s, e);
        if (!r) return { recent };
        const fresh = new Set(s.fresh);
        fresh.add(e.id);
        setTimeout(() => forget(e.id), FRESH_MS);
        return { recent, total, ...r.window, fresh, unseen: s.unseen + 1, shift: { seq: s.shift.seq + 1, rows: 1, at: r.at, live: true } };
      });
    },
  };
});
