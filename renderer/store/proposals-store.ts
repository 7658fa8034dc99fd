import { create } from 'zustand';
import { debounce } from '../lib/debounce.js';
import { callOrToast } from './call.js';
import type { CreateProposalInput, CreateProposalResult, Proposal } from './entities.js';

interface ProposalsState {
  pending: Proposal[];
  recent: Proposal[];
  loaded: boolean;
  /** Proposal ids with a decision in flight. */
  busy: Set<number>;
  load(): Promise<void>;
  create(input: CreateProposalInput): Promise<CreateProposalResult>;
  decide(id: number, decision: 'accept' | 'reject', reason?: string, steps?: { kind: string; payload: Record<string, unknown> }[]): Promise<void>;
  touched(): void;
}

export const useProposals = create<ProposalsState>((set, get) => {
  const refresh = debounce(() => void get().load().catch(() => {}), 250);
  return {
    pending: [],
    recent: [],
    loaded: false,
    busy: new Set(),
    async load() {
      const [pending, recent] = await Promise.all([
        callOrToast('proposals.list', { status: 'pending', limit: 100 }),
        callOrToast('proposals.list', { limit: 50 }),
      ]);
      set({ pending, recent, loaded: true });
    },
    async create(input) {
      const out = await callOrToast('proposals.create', input);
      refresh();
      return out;
    },
    async decide(id, decision, reason, steps) {
      set((s) => ({ busy: new Set(s.busy).add(id) }));
      try {
        await callOrToast('proposals.decide', { id, decision, ...(reason?.trim() ? { reason: reason.trim() } : {}), ...(steps ? { steps } : {}) });
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
