import { create } from 'zustand';
import type { CallOutput } from '../../core/api/contract.js';
import { callQuiet } from './call.js';

export type StepKindInfo = CallOutput<'steps.kinds'>[number];

/** Step kinds that need the LLM: they wait (queued, not failed) while no Ollama host answers. */
export const llmStepKinds: readonly string[] = ['analyze', 'write_content', 'draft_tweet', 'briefing'];

interface StepKindsState {
  kinds: StepKindInfo[];
  loaded: boolean;
  load(): Promise<void>;
}

/** The engine's step kinds with their payload schemas (the Give task form is drawn from them). */
export const useStepKinds = create<StepKindsState>((set) => ({
  kinds: [],
  loaded: false,
  async load() {
    // asked each time the dialog opens: auto_approve may have changed since
    try {
      set({ kinds: await callQuiet('steps.kinds', {}), loaded: true });
    } catch {
      // an older engine without steps.kinds: the dialog falls back to its templates and JSON
      set({ loaded: true });
    }
  },
}));
