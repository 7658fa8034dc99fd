import { create } from 'zustand';
import { debounce } from '../lib/debounce.js';
import { callOrToast } from './call.js';
import type { CreateProposalInput, CreateProposalResult, Proposal } from './entities.js';
import { appendPage, LIST_PAGE, mergeHead } from './paged-list.js';

interface ProposalsState {
  pending: Proposal[];
  /** Where the next older page of pending proposals starts, or null. */
  pendingCursor: number | null;
  recent: Proposal[];
  recentCursor: number | null;
  loaded: boolean;
  /** Proposal ids with a decision in flight. */
  busy: Set<number>;
  /** What the last decision made here became: the mission an accepted proposal turned into. */
  lastDecision: { proposalId: number; title: string; decision: 'accept' | 'reject'; missionId: number | null } | null;
  /** Proposals fetched one by one (a link to one that is not on a loaded page). */
  single: Map<number, Proposal>;
  fetchOne(id: number): Promise<Proposal | null>;
  load(): Promise<void>;
  loadOlder(which: 'pending' | 'recent'): Promise<void>;
  create(input: CreateProposalInput): Promise<CreateProposalResult>;
  decide(id: number, decision: 'accept' | 'reject', reason?: string, steps?: { kind: string; payload: Record<string, unknown> }[]): Promise<void>;
  touched(): void;
}

export const useProposals = create<ProposalsState>((set, get) => {
  const refresh = debounce(() => void get().load().catch(() => {}), 250);
  return {
    pending: [],
    pendingCursor: null,
    recent: [],
    recentCursor: null,
    loaded: false,
    busy: new Set(),
    lastDecision: null,
    single: new Map(),
    async fetchOne(id) {
      // the page that starts just above it: the proposal itself, if it exists
      const [p] = await callOrToast('proposals.list', { cursor: id + 1, limit: 1 });
      const found = p && p.id === id ? p : null;
      if (found) set((s) => ({ single: new Map(s.single).set(id, found) }));
      return found;
    },
    async load() {
      const [pending, recent] = await Promise.all([
        callOrToast('proposals.list', { status: 'pending', limit: LIST_PAGE }),
        callOrToast('proposals.list', { limit: LIST_PAGE }),
      ]);
      const s = get();
      // A decided proposal leaves the pending list: the pending head replaces what it covers.
      const p = mergeHead({ items: s.pending, cursor: s.pendingCursor }, pending, LIST_PAGE);
      const r = mergeHead({ items: s.recent, cursor: s.recentCursor }, recent, LIST_PAGE);
      set({ pending: p.items, pendingCursor: p.cursor, recent: r.items, recentCursor: r.cursor, loaded: true });
    },
    async loadOlder(which) {
      const s = get();
      const cursor = which === 'pending' ? s.pendingCursor : s.recentCursor;
      if (cursor === null) return;
      const page = await callOrToast('proposals.list', { limit: LIST_PAGE, cursor, ...(which === 'pending' ? { status: 'pending' as const } : {}) });
      const cur = get();
      if (which === 'pending') {
        const next = appendPage({ items: cur.pending, cursor }, page, LIST_PAGE);
        set({ pending: next.items, pendingCursor: next.cursor });
      } else {
        const next = appendPage({ items: cur.recent, cursor }, page, LIST_PAGE);
        set({ recent: next.items, recentCursor: next.cursor });
      }
    },
    async create(input) {
      const out = await callOrToast('proposals.create', input);
      refresh();
      return out;
    },
    async decide(id, decision, reason, steps) {
      set((s) => ({ busy: new Set(s.busy).add(id) }));
      try {
        const out = await callOrToast('proposals.decide', { id, decision, ...(reason?.trim() ? { reason: reason.trim() } : {}), ...(steps ? { steps } : {}) });
        set((s) => {
          const single = new Map(s.single);
          single.delete(id);
          return { lastDecision: { proposalId: id, title: out.proposal.title, decision, missionId: out.mission?.id ?? null }, single };
        });
        await get().load();
      } finally {
        set((s) => {
          const busy = new Set(s.busy);
          busy.delete(id);
          return { busy };
        });
      }
    },
    touched() {
      refresh();
    },
  };
});
