import { create } from 'zustand';
import { callOrToast, callQuiet } from './call.js';
import type { PolicyEntry } from './entities.js';
import { errorMessage } from '../transport/transport.js';

interface PolicyState {
  entries: PolicyEntry[];
  loaded: boolean;
  load(): Promise<void>;
  /** Saves a value; resolves to the server's refusal as a sentence, or null when saved. */
  save(key: string, value: unknown): Promise<string | null>;
}

export const usePolicies = create<PolicyState>((set, get) => ({
  entries: [],
  loaded: false,
  async load() {
    const entries = await callOrToast('policy.list', {});
    set({ entries, loaded: true });
  },
  async save(key, value) {
    try {
      await callQuiet('policy.set', { key, value });
    } catch (err) {
      return errorMessage(err);
    }
    await get().load().catch(() => {});
    return null;
  },
}));
