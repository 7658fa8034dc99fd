import { AgentAvatar } from '../../components/agent-avatar.js';
import { StatusBadge } from '../../components/status-badge.js';
import { missionHref } from '../../lib/router.js';
import { timeAgo } from '../../lib/time-format.js';
import type { MissionSummary } from '../../store/entities.js';

interface Props {
  mission: MissionSummary;
  agentName: string;
  selected: boolean;
  now: number;
}

export function MissionRow({ mission: m, agentName, selected, now }: Props) {
  const pct = m.stepsTotal ? Math.round((m.stepsDone / m.stepsTotal) * 100) : 0;
  return (
    <a className={`mission-row${selected ? ' is-selected' : ''}`} href={missionHref(m.id)} data-testid="mission-row" data-mission={m.id} data-status={m.status}>
      <AgentAvatar agentId={m.createdBy} name={agentName} size="sm" />
      <div className="mission-row-main">
        <div className="mission-row-title">
          <span className="mission-id">#{m.id}</span> {m.title}
        </div>
        <div className="mission-row-meta">
          {agentName} · {timeAgo(m.createdAt, now)} · {m.stepKinds.map((k) => k.replace(/_/g, ' ')).join(' → ')}
        </div>
        <div className={`progress progress-${m.status}`} aria-label={`${m.stepsDone} of ${m.stepsTotal} steps done`}>
          <div className="progress-fill" style={{ width: `${pct}%` }} />
        </div>
      </div>
      <StatusBadge status={m.status} />
    </a>
  );
}
