import { useEffect, useState } from 'react';
import { AgentAvatar } from '../../components/agent-avatar.js';
import { Icon } from '../../components/icon.js';
import { clockTime, formatMs } from '../../lib/time-format.js';
import type { AgentEvent } from '../../store/entities.js';

const STEP_MS = 2000;

interface Props {
  events: readonly AgentEvent[];
  startedAt: string;
  /** The mission is still open: playback waits at the end for new events. */
  live: boolean;
  agentName(id: string | null): string;
}

function dotTone(kind: string): string {
  if (/failed|rejected|cancelled/.test(kind)) return 'bad';
  if (/succeeded/.test(kind)) return 'ok';
  if (/retry|paused|recovered/.test(kind)) return 'warn';
  return 'plain';
}

/** Replays a mission's events like a video: a timeline, play/pause, step through, 2 s per event. */
export function MissionPlayback({ events, startedAt, live, agentName }: Props) {
  const [index, setIndex] = useState(0);
  const [playing, setPlaying] = useState(false);
  const last = events.length - 1;
  const current = Math.min(index, Math.max(last, 0));

  useEffect(() => {
    if (!playing) return;
    if (current >= last) {
      if (!live) setPlaying(false);
      return;
    }
    const t = setTimeout(() => setIndex(current + 1), STEP_MS);
    return () => clearTimeout(t);
  }, [playing, current, last, live]);

  if (events.length === 0) return <div className="playback-empty">No events recorded for this mission yet.</div>;
  const e = events[current] as AgentEvent;
  const offset = Date.parse(e.createdAt) - Date.parse(startedAt);
  const go = (i: number): void => setIndex(Math.max(0, Math.min(last, i)));

  return (
    <div className="playback" data-testid="mission-playback">
      <div className="playback-controls">
        <button type="button" className="icon-btn" aria-label="First event" onClick={() => go(0)} disabled={current === 0}>
          <Icon name="first" />
        </button>
        <button type="button" className="icon-btn" aria-label="Previous event" onClick={() => go(current - 1)} disabled={current === 0}>
          <Icon name="prev" />
        </button>
        <button
          type="button"
          className="btn btn-primary btn-small play-btn"
          onClick={() => {
            if (!playing && current >= last) setIndex(0);
            setPlaying(!playing);
          }}
        >
          <Icon name={playing ? 'pause' : 'play'} size={12} />
          {playing ? 'Pause' : current >= last && last > 0 ? 'Replay' : 'Play'}
        </button>
        <button type="button" className="icon-btn" aria-label="Next event" onClick={() => go(current + 1)} disabled={current >= last}>
          <Icon name="next" />
        </button>
        <button type="button" className="icon-btn" aria-label="Last event" onClick={() => go(last)} disabled={current >= last}>
          <Icon name="last" />
        </button>
        <span className="playback-pos">
          Event {current + 1} of {events.length}
          {live && ' · live'}
        </span>
      </div>
      <div className="timeline" role="list">
        <div className="timeline-rail" />
        <div className="timeline-progress" style={{ width: last > 0 ? `${(current / last) * 100}%` : '0%' }} />
        {events.map((ev, i) => (
          <button
            key={ev.id}
            type="button"
            role="listitem"
            className={`timeline-dot tone-${dotTone(ev.kind)}${i === current ? ' is-current' : ''}${i < current ? ' is-past' : ''}`}
            style={{ left: last > 0 ? `${(i / last) * 100}%` : '50%' }}
            title={ev.title}
            aria-label={`Event ${i + 1}: ${ev.title}`}
            onClick={() => go(i)}
          />
        ))}
      </div>
      <div className="playback-card" key={e.id}>
        <AgentAvatar agentId={e.agentId} name={agentName(e.agentId)} />
        <div className="playback-main">
          <div className="playback-title">{e.title}</div>
          <div className="playback-meta">
            {agentName(e.agentId)} · {e.kind.replace(/_/g, ' ')} · {clockTime(e.createdAt)} · +{formatMs(Math.max(0, offset))}
          </div>
          {e.summary && <div className="playback-summary">{e.summary}</div>}
          {e.tags.length > 0 && (
            <div className="feed-tags">
              {e.tags.map((t) => (
                <span key={t} className="tag">
                  #{t}
                </span>
              ))}
            </div>
          )}
          {Object.keys(e.payload).length > 0 && <pre className="playback-payload">{JSON.stringify(e.payload, null, 2)}</pre>}
        </div>
      </div>
    </div>
  );
}
