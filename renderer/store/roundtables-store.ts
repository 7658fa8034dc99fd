import { create } from 'zustand';
import { coalesced } from '../lib/coalesce.js';
import type { CallInput, CallOutput } from '../../core/api/contract.js';
import { errorMessage } from '../transport/transport.js';
import { callOrToast, callQuiet } from './call.js';

export type Conversation = CallOutput<'roundtables.list'>[number];
export type ConversationDetail = CallOutput<'roundtables.get'>;
export type ConversationTurn = ConversationDetail['turns'][number];
export type ConversationFormat = CallOutput<'roundtables.formats'>[number];
export type Schedule = CallOutput<'roundtables.schedule'>;
export type ScheduleSlot = Schedule['slots'][number];
export type Relationship = CallOutput<'relationships.list'>[number];
export type EnqueueInput = CallInput<'roundtables.enqueue'>;

interface RoundtablesState {
  conversations: Conversation[];
  formats: ConversationFormat[];
  schedule: Schedule | null;
  relationships: Relationship[];
  loaded: boolean;
  /** The view is open: stream messages refresh it. */
  active: boolean;
  /** The conversation whose transcript is open, and what was read of it. */
  openId: number | null;
  detail: ConversationDetail | null;
  setActive(active: boolean): void;
  load(): Promise<void>;
  open(id: number | null): Promise<void>;
  /** Queues a conversation; resolves to it, or to the server's refusal as a sentence. */
  enqueue(input: EnqueueInput): Promise<{ ok: true; conversation: Conversation } | { ok: false; error: string }>;
}


export const useRoundtables = create<RoundtablesState>((set, get) => {
  async function loadOnce(): Promise<void> {
    const needFormats = get().formats.length === 0;
    const [conversations, schedule, relationships, formats] = await Promise.all([
      callOrToast('roundtables.list', { limit: 100 }),
      callOrToast('roundtables.schedule', {}),
      callOrToast('relationships.list', {}),
      needFormats ? callOrToast('roundtables.formats', {}) : Promise.resolve(get().formats),
    ]);
    set({ conversations, schedule, relationships, formats, loaded: true });
    const id = get().openId;
    if (id !== null) await get().open(id);
  }

  return {
    conversations: [],
    formats: [],
    schedule: null,
    relationships: [],
    loaded: false,
    active: false,
    openId: null,
    detail: null,
    setActive(active) {
      set({ active });
    },
    load: coalesced(loadOnce),
    async open(id) {
      if (id !== get().openId) set({ openId: id, detail: null });
      if (id === null) return;
      const detail = await callOrToast('roundtables.get', { id });
      // Another conversation may have been opened meanwhile.
      if (get().openId === id) set({ detail });
    },
    async enqueue(input) {
      try {
        const conversation = await callQuiet('roundtables.enqueue', input);
        set((s) => ({ conversations: [conversation, ...s.conversations.filter((c) => c.id !== conversation.id)] }));
        return { ok: true, conversation };
      } catch (err) {
        return { ok: false, error: errorMessage(err) };
      }
    },
  };
});
