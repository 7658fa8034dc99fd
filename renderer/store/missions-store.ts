import { create } from 'zustand';
import { debounce } from '../lib/debounce.js';
import { callOrToast } from './call.js';
import type { MissionDetail, MissionStatus, MissionSummary } from './entities.js';
import { appendPage, LIST_PAGE, mergeHead } from './paged-list.js';

interface MissionsState {
  filter: MissionStatus | 'all';
  list: MissionSummary[];
  /** Where the next older page starts, or null when the list is complete. */
  listCursor: number | null;
  listLoaded: boolean;
  loadingOlder: boolean;
  /** The latest missions of everyone, unfiltered: the stage reads who is working from it. */
  latest: MissionSummary[];
  details: Record<number, MissionDetail>;
  setFilter(f: MissionStatus | 'all'): void;
  loadList(): Promise<void>;
  loadOlder(): Promise<void>;
  loadLatest(): Promise<void>;
  loadDetail(id: number): Promise<void>;
  cancel(id: number): Promise<void>;
  /** A mission, step or event of mission `id` changed: refresh what shows it. */
  touched(id: number | null): void;
}

let listGen = 0;
const dirty = new Set<number>();

export const useMissions = create<MissionsState>((set, get) => {
  const refreshLists = debounce(() => {
    void get().loadList().catch(() => {});
    void get().loadLatest().catch(() => {});
  }, 250);
  const refreshDetails = debounce(() => {
    const ids = [...dirty];
    dirty.clear();
    for (const id of ids) if (get().details[id]) void get().loadDetail(id).catch(() => {});
  }, 250);

  return {
    filter: 'all',
    list: [],
    listCursor: null,
    listLoaded: false,
    loadingOlder: false,
    latest: [],
    details: {},
    setFilter(filter) {
      set({ filter, list: [], listCursor: null, listLoaded: false });
      void get().loadList().catch(() => {});
    },
    async loadList() {
      const gen = ++listGen;
      const f = get().filter;
      const head = await callOrToast('missions.list', { limit: LIST_PAGE, ...(f === 'all' ? {} : { status: f }) });
      if (gen !== listGen) return;
      const merged = mergeHead({ items: get().list, cursor: get().listCursor }, head, LIST_PAGE);
      set({ list: merged.items, listCursor: merged.cursor, listLoaded: true });
    },
    async loadOlder() {
      const { listCursor, loadingOlder, filter: f } = get();
      if (listCursor === null || loadingOlder) return;
      const gen = listGen;
      set({ loadingOlder: true });
      try {
        const page = await callOrToast('missions.list', { limit: LIST_PAGE, cursor: listCursor, ...(f === 'all' ? {} : { status: f }) });
        if (gen !== listGen) return;
        const next = appendPage({ items: get().list, cursor: listCursor }, page, LIST_PAGE);
        set({ list: next.items, listCursor: next.cursor });
      } finally {
        set({ loadingOlder: false });
      }
    },
    async loadLatest() {
      const latest = await callOrToast('missions.list', { limit: 60 });
      set({ latest });
    },
    async loadDetail(id) {
      const detail = await callOrToast('missions.get', { id });
      set((s) => ({ details: { ...s.details, [id]: detail } }));
    },
    async cancel(id) {
      await callOrToast('missions.cancel', { id });
      get().touched(id);
    },
    touched(id) {
      if (id !== null) dirty.add(id);
      refreshLists();
      refreshDetails();
    },
  };
});
