import { create } from 'zustand';
import { callOrToast } from './call.js';
import type { Agent, AgentPatch } from './entities.js';

interface AgentsState {
  agents: Agent[];
  loaded: boolean;
  load(): Promise<void>;
  update(id: string, patch: AgentPatch): Promise<Agent>;
}

export const useAgents = create<AgentsState>((set) => ({
  agents: [],
  loaded: false,
  async load() {
    const agents = await callOrToast('agents.list', {});
    set({ agents, loaded: true });
  },
  async update(id, patch) {
    const agent = await callOrToast('agents.update', { id, patch });
    set((s) => ({ agents: s.agents.map((a) => (a.id === id ? agent : a)) }));
    return agent;
  },
}));

export function agentName(agents: readonly Agent[], id: string | null | undefined): string {
  if (!id) return 'System';
  return agents.find((a) => a.id === id)?.displayName ?? id;
}
