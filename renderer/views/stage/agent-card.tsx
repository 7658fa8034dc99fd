import type { CSSProperties } from 'react';
import { AgentAvatar } from '../../components/agent-avatar.js';
import type { Activity } from '../../lib/agent-activity.js';
import { agentLook } from '../../lib/agent-look.js';
import { agentHref, missionHref, navigate } from '../../lib/router.js';
import { timeAgo } from '../../lib/time-format.js';
import type { Agent } from '../../store/entities.js';

const stateLabels = { working: 'Working', chatting: 'Chatting', idle: 'Idle', off: 'Off' } as const;

interface Props {
  agent: Agent;
  activity: Activity;
  now: number;
  onGiveTask(agentId: string): void;
}

export function AgentCard({ agent, activity, now, onGiveTask }: Props) {
  const look = agentLook(agent.id);
  const style = { '--agent': look.color, '--agent-soft': look.soft } as CSSProperties;
  return (
    <article
      className={`agent-card is-${activity.state}`}
      style={style}
      data-testid="agent-card"
      data-agent={agent.id}
      data-state={activity.state}
      title={`Open ${agent.displayName}: memories, voice and chat`}
      onClick={(e) => {
        // Links and buttons inside the card do their own thing.
        if (!(e.target as HTMLElement).closest('a, button')) navigate({ view: 'agents', agentId: agent.id });
      }}
    >
      <header className="agent-head">
        <AgentAvatar agentId={agent.id} name={agent.displayName} size="lg" state={activity.state} />
        <div className="agent-id">
          <a className="agent-name" href={agentHref(agent.id)}>
            {agent.displayName}
          </a>
          <div className="agent-role">{agent.role}</div>
        </div>
        <span className={`state-pill state-${activity.state}`}>{stateLabels[activity.state]}</span>
      </header>
      <div className="agent-activity">
        {activity.missionId ? (
          <a href={missionHref(activity.missionId)} className="agent-activity-text">
            {activity.label}
          </a>
        ) : (
          <span className="agent-activity-text">{activity.label}</span>
        )}
        <span className="agent-activity-time">{activity.at ? timeAgo(activity.at, now) : ''}</span>
      </div>
      <footer className="agent-foot">
        <q className="agent-line">{agent.signatureLine}</q>
        <button type="button" className="btn btn-small btn-ghost" onClick={() => onGiveTask(agent.id)} disabled={!agent.enabled}>
          Give task
        </button>
      </footer>
    </article>
  );
}
