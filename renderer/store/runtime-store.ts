import { create } from 'zustand';
import { transport } from '../transport/pick-transport.js';
import { CallError, errorMessage } from '../transport/transport.js';
import { useUi } from './ui-store.js';
import type { StreamStatus } from '../transport/transport.js';
import type { RuntimeStatus } from './entities.js';

interface RuntimeState {
  status: RuntimeStatus | null;
  error: string | null;
  stream: StreamStatus;
  load(): Promise<void>;
  setStream(s: StreamStatus): void;
}

/** runtime.status, polled; a failed poll shows in the strip rather than as a toast every few seconds. */
export const useRuntime = create<RuntimeState>((set) => ({
  status: null,
  error: null,
  stream: 'connecting',
  async load() {
    try {
      const status = await transport.call('runtime.status', {});
      set({ status, error: null });
    } catch (err) {
      if (err instanceof CallError && err.code === 'unauthorized') useUi.getState().setNeedsToken();
      set({ error: errorMessage(err) });
    }
  },
  setStream(stream) {
    set({ stream });
  },
}));
