import { create } from 'zustand';
import { debounce } from '../lib/debounce.js';
import { callOrToast } from './call.js';
import type { MissionDetail, MissionStatus, MissionSummary } from './entities.js';

interface MissionsState {
  filter: MissionStatus | 'all';
  list: MissionSummary[];
  listLoaded: boolean;
  /** The latest missions of everyone, unfiltered: the stage reads who is working from it. */
  latest: MissionSummary[];
  details: Record<number, MissionDetail>;
  setFilter(f: MissionStatus | 'all'): void;
  loadList(): Promise<void>;
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
    listLoaded: false,
    latest: [],
    details: {},
    setFilter(filter) {
      set({ filter });
      void get().loadList().catch(() => {});
    },
    async loadList() {
      const gen = ++listGen;
      const f = get().filter;
      const list = await callOrToast('missions.list', { limit: 100, ...(f === 'all' ? {} : { status: f }) });
      if (gen === listGen) set({ list, listLoaded: true });
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
