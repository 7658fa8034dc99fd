import { create } from 'zustand';
import type { CallInput, CallOutput } from '../../core/api/contract.js';
import { CallError, errorMessage } from '../transport/transport.js';
import { callOrToast, callQuiet } from './call.js';
import { toastError, toastSuccess } from './toast-store.js';
import { useUi } from './ui-store.js';

export type Memory = CallOutput<'memories.list'>[number];
export type MemoryType = Memory['type'];
export type MemoryPatch = Omit<CallInput<'memories.update'>, 'id'>;
export type VoiceInfo = CallOutput<'voice.modifiers'>;
export type ChatMessage = CallOutput<'chat.history'>[number];
export type WhisperType = CallInput<'memories.whisper'>['type'];

interface AgentDetailState {
  agentId: string | null;
  memories: Memory[];
  voice: VoiceInfo | null;
  chat: ChatMessage[];
  loaded: boolean;
  /** A message sent and not answered yet: shown at once, with the agent "thinking" under it. */
  pending: string | null;
  load(agentId: string): Promise<void>;
  /** The view closed: stream messages stop refreshing it. */
  close(): void;
  /** Reloads memories and voice only (after a change, or a stream message about this agent). */
  refreshMemories(): Promise<void>;
  /** Resolves to the server's refusal as a sentence, or null when saved. */
  updateMemory(id: number, patch: MemoryPatch): Promise<string | null>;
  deleteMemory(id: number): Promise<boolean>;
  whisper(type: WhisperType, content: string): Promise<string | null>;
  /** Sends a chat message; resolves to true once the agent answered. */
  send(text: string): Promise<boolean>;
}

const MEMORY_LIMIT = 200;

export const useAgentDetail = create<AgentDetailState>((set, get) => {
  /** Applies a result only if the same agent is still open. */
  const forAgent = (agentId: string, patch: Partial<AgentDetailState>): void => {
    if (get().agentId === agentId) set(patch);
  };
  async function readMemories(agentId: string): Promise<void> {
    const [memories, voice] = await Promise.all([callOrToast('memories.list', { agentId, limit: MEMORY_LIMIT }), callOrToast('voice.modifiers', { agentId })]);
    forAgent(agentId, { memories, voice });
  }

  return {
    agentId: null,
    memories: [],
    voice: null,
    chat: [],
    loaded: false,
    pending: null,
    async load(agentId) {
      if (get().agentId !== agentId) set({ agentId, memories: [], voice: null, chat: [], loaded: false, pending: null });
      const [chat] = await Promise.all([callOrToast('chat.history', { agentId, limit: 200 }), readMemories(agentId)]);
      forAgent(agentId, { chat, loaded: true });
    },
    close() {
      set({ agentId: null, pending: null });
    },
    async refreshMemories() {
      const agentId = get().agentId;
      if (agentId) await readMemories(agentId);
    },
    async updateMemory(id, patch) {
      try {
        const memory = await callQuiet('memories.update', { id, ...patch });
        set((s) => ({ memories: s.memories.map((m) => (m.id === id ? memory : m)) }));
        void get().refreshMemories().catch(() => {});
        return null;
      } catch (err) {
        return errorMessage(err);
      }
    },
    async deleteMemory(id) {
      try {
        await callOrToast('memories.delete', { id });
      } catch {
        return false;
      }
      set((s) => ({ memories: s.memories.filter((m) => m.id !== id) }));
      toastSuccess(`Forgot memory #${id}`);
      void get().refreshMemories().catch(() => {});
      return true;
    },
    async whisper(type, content) {
      const agentId = get().agentId;
      if (!agentId) return 'No agent is open.';
      try {
        const memory = await callQuiet('memories.whisper', { agentId, type, content });
        forAgent(agentId, { memories: [memory, ...get().memories.filter((m) => m.id !== memory.id)] });
        void get().refreshMemories().catch(() => {});
        return null;
      } catch (err) {
        return errorMessage(err);
      }
    },
    async send(text) {
      const agentId = get().agentId;
      if (!agentId || get().pending !== null) return false;
      set({ pending: text });
      try {
        const { message, reply } = await callQuiet('chat.send', { agentId, text });
        forAgent(agentId, { chat: [...get().chat.filter((m) => m.id !== message.id && m.id !== reply.id), message, reply], pending: null });
        return true;
      } catch (err) {
        forAgent(agentId, { pending: null });
        if (err instanceof CallError && err.code === 'unauthorized') useUi.getState().setNeedsToken();
        else toastError('The agent could not answer', errorMessage(err));
        return false;
      }
    },
  };
});
