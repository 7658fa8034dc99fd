import { create } from 'zustand';

interface UiState {
  /** The Give task dialog: closed, or open with an agent preselected (or none). */
  giveTask: { open: false } | { open: true; agentId: string | null };
  openGiveTask(agentId?: string | null): void;
  closeGiveTask(): void;
  /** The server asks for a token this page does not have (or has wrong). */
  needsToken: boolean;
  setNeedsToken(): void;
}

export const useUi = create<UiState>((set) => ({
  giveTask: { open: false },
  openGiveTask(agentId = null) {
    set({ giveTask: { open: true, agentId } });
  },
  closeGiveTask() {
    set({ giveTask: { open: false } });
  },
  needsToken: false,
  setNeedsToken() {
    set({ needsToken: true });
  },
}));
