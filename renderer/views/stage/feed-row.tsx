import { memo } from 'react';
import { AgentAvatar } from '../../components/agent-avatar.js';
import { fitTags, type TagMetrics } from '../../lib/fit-tags.js';
import { missionHref } from '../../lib/router.js';
import { clockTime, timeAgo } from '../../lib/time-format.js';
import type { AgentEvent } from '../../store/entities.js';

interface Props {
  event: AgentEvent;
  agentName: string;
  fresh: boolean;
  now: number;
  /** How tags fit on a line, once the feed has measured it (until then every tag is laid out and the line wraps out of sight). */
  tagMetrics: TagMetrics | null;
  onTag(tag: string): void;
}

function tone(kind: string): string {
  if (/failed|rejected|error|disabled/.test(kind)) return 'bad';
  if (/succeeded|accepted/.test(kind)) return 'ok';
  if (/pending|retry|paused|recovered/.test(kind)) return 'warn';
  return 'plain';
}

/** One signal: who, what, when, and the tags to filter by. */
export const FeedRow = memo(function FeedRow({ event: e, agentName, fresh, now, tagMetrics, onTag }: Props) {
  const shown = tagMetrics ? fitTags(e.tags.map((t) => `#${t}`), tagMetrics) : e.tags.length;
  const rest = e.tags.slice(shown);
  return (
    <div className={`feed-row feed-${tone(e.kind)}${fresh ? ' is-fresh' : ''}`} data-testid="feed-row" data-kind={e.kind} data-mission={e.missionId ?? ''}>
      <AgentAvatar agentId={e.agentId} name={agentName} size="sm" />
      <div className="feed-main">
        <div className="feed-title-line">
          <span className="feed-title">{e.title}</span>
          <time className="feed-time" dateTime={e.createdAt} title={clockTime(e.createdAt)}>
            {timeAgo(e.createdAt, now)}
          </time>
        </div>
        <div className="feed-meta">
          <span className="feed-agent">{agentName}</span>
          <span className="feed-kind">{e.kind.replace(/_/g, ' ')}</span>
          {e.missionId !== null && (
            <a className="feed-mission" href={missionHref(e.missionId)}>
              mission #{e.missionId}
            </a>
          )}
        </div>
        {e.summary && <div className="feed-summary">{e.summary}</div>}
        {e.tags.length > 0 && (
          <div className="feed-tags">
            {e.tags.slice(0, shown).map((t) => (
              <button key={t} type="button" className="tag" onClick={() => onTag(t)} title={`Show only #${t}`}>
                #{t}
              </button>
            ))}
            {rest.length > 0 && (
              <span className="tag tag-more" data-testid="feed-tags-more" title={rest.map((t) => `#${t}`).join(' ')} aria-label={`${rest.length} more tags: ${rest.join(', ')}`}>
                +{rest.length}
              </span>
            )}
          </div>
        )}
      </div>
    </div>
  );
});
