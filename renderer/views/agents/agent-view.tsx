import { useEffect, type CSSProperties } from 'react';
import { AgentAvatar } from '../../components/agent-avatar.js';
import { EmptyState, Skeleton } from '../../components/empty-state.js';
import { PanelBoundary } from '../../components/panel-boundary.js';
import { agentLook } from '../../lib/agent-look.js';
import { routeHref } from '../../lib/router.js';
import { useNow } from '../../lib/use-now.js';
import { useAgentDetail } from '../../store/agent-detail-store.js';
import { useAgents } from '../../store/agents-store.js';
import { useUi } from '../../store/ui-store.js';
import { AgentPauseButton } from './agent-pause-button.js';
import { ChatPanel } from './chat-panel.js';
import { MemoriesPanel } from './memories-panel.js';
import { PersonaSummary } from './persona-summary.js';
import { WhisperForm } from './whisper-form.js';

/** One agent up close: persona and voice, memories, a note to whisper, and a chat. */
export function AgentView({ agentId }: { agentId: string }) {
  const agent = useAgents((s) => s.agents.find((a) => a.id === agentId));
  const agentsLoaded = useAgents((s) => s.loaded);
  const load = useAgentDetail((s) => s.load);
  const close = useAgentDetail((s) => s.close);
  const openGiveTask = useUi((s) => s.openGiveTask);
  const now = useNow(15_000);
  const exists = agent !== undefined;
  useEffect(() => {
    if (!exists) return;
    void load(agentId).catch(() => {});
    return close;
  }, [load, close, agentId, exists]);

  if (!agentsLoaded) {
    return (
      <div className="page">
        <Skeleton lines={6} />
      </div>
    );
  }
  if (!agent) {
    return (
      <div className="page">
        <EmptyState title={`There is no agent "${agentId}"`}>
          <a href={routeHref({ view: 'stage' })}>Back to the stage</a>
        </EmptyState>
      </div>
    );
  }
  const look = agentLook(agent.id);
  const style = { '--agent': look.color, '--agent-soft': look.soft } as CSSProperties;
  return (
    <div className="page agent-page" data-testid="agent-view" data-agent={agent.id}>
      <header className="agent-hero" style={style}>
        <AgentAvatar agentId={agent.id} name={agent.displayName} size="lg" />
        <div className="agent-hero-id">
          <a className="detail-kicker" href={routeHref({ view: 'agents', agentId: null })}>
            ← The team
          </a>
          <h1 className="agent-hero-name">{agent.displayName}</h1>
          <div className="agent-role">
            {agent.role}
            {!agent.enabled && <span className="badge badge-muted">off</span>}
          </div>
        </div>
        <AgentPauseButton agentId={agent.id} name={agent.displayName} />
        <button type="button" className="btn btn-ghost" disabled={!agent.enabled} onClick={() => openGiveTask(agent.id)}>
          Give task
        </button>
      </header>
      <div className="agent-grid-detail">
        <div className="agent-col">
          <PanelBoundary name="Persona">
            <PersonaSummary agent={agent} />
          </PanelBoundary>
          <PanelBoundary name="Whisper">
            <WhisperForm agentName={agent.displayName} />
          </PanelBoundary>
          <PanelBoundary name="Memories">
            <MemoriesPanel now={now} />
          </PanelBoundary>
        </div>
        <div className="agent-col">
          <PanelBoundary name="Chat">
            <ChatPanel agent={agent} />
          </PanelBoundary>
        </div>
      </div>
    </div>
  );
}
