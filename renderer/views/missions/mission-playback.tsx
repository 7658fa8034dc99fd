import { useEffect, useState, type KeyboardEvent } from 'react';
import { artifactHref } from '../../lib/router.js';
import { AgentAvatar } from '../../components/agent-avatar.js';
import { Icon } from '../../components/icon.js';
import { clockTime, formatMs } from '../../lib/time-format.js';
import { callQuiet } from '../../store/call.js';
import type { AgentEvent } from '../../store/entities.js';

const STEP_MS = 2000;
export const SPEEDS = [0.5, 1, 2, 4, 8] as const;
/** missions.get returns at most this many events, the oldest first. */
export const LOADED_EVENTS_MAX = 1000;

interface Props {
  missionId: number;
  events: readonly AgentEvent[];
  startedAt: string;
  /** The mission is still open: playback waits at the end for new events. */
  live: boolean;
  agentName(id: string | null): string;
  /** What the mission's steps wrote: an event of the step that wrote one links to it. */
  artifacts?: readonly { id: number; title: string; stepId: number | null }[];
}

function dotTone(kind: string): string {
  if (/failed|rejected|cancelled/.test(kind)) return 'bad';
  if (/succeeded/.test(kind)) return 'ok';
  if (/retry|paused|recovered/.test(kind)) return 'warn';
  return 'plain';
}

/**
 * Replays a mission's events like a video: a timeline, play/pause, step
 * through, 2 s per event at 1× (0.5× to 8×), and the keyboard (space, arrows,
 * Home, End) while it has focus. Says so when the mission has more events
 * than were loaded.
 */
export function MissionPlayback({ missionId, events, startedAt, live, agentName, artifacts = [] }: Props) {
  const [index, setIndex] = useState(0);
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState<number>(1);
  const [total, setTotal] = useState<number | null>(null);
  const last = events.length - 1;
  const current = Math.min(index, Math.max(last, 0));
  const capped = events.length >= LOADED_EVENTS_MAX;

  useEffect(() => {
    if (!playing) return;
    if (current >= last) {
      if (!live) setPlaying(false);
      return;
    }
    const t = setTimeout(() => setIndex(current + 1), STEP_MS / speed);
    return () => clearTimeout(t);
  }, [playing, current, last, live, speed]);

  useEffect(() => {
    if (!capped) return;
    let gone = false;
    void callQuiet('events.page', { missionId, limit: 1, withTotal: true })
      .then((p) => !gone && setTotal(p.total ?? null))
      .catch(() => {});
    return () => {
      gone = true;
    };
  }, [capped, missionId, events.length]);

  if (events.length === 0) return <div className="playback-empty">No events recorded for this mission yet.</div>;
  const e = events[current] as AgentEvent;
  const offset = Date.parse(e.createdAt) - Date.parse(startedAt);
  const go = (i: number): void => setIndex(Math.max(0, Math.min(last, i)));
  const toggle = (): void => {
    if (!playing && current >= last) setIndex(0);
    setPlaying(!playing);
  };
  const onKey = (k: KeyboardEvent<HTMLDivElement>): void => {
    if ((k.target as HTMLElement).closest('select, input, textarea')) return;
    const act: Record<string, () => void> = {
      ' ': toggle,
      ArrowLeft: () => go(current - 1),
      ArrowRight: () => go(current + 1),
      Home: () => go(0),
      End: () => go(last),
    };
    const f = act[k.key];
    if (!f) return;
    k.preventDefault();
    f();
  };

  return (
    <div className="playback" data-testid="mission-playback" tabIndex={0} onKeyDown={onKey} aria-label="Mission playback: space plays or pauses, arrows step">
      {capped && (
        <div className="playback-note" data-testid="playback-more" role="note">
          This mission has {total !== null && total > events.length ? `${total.toLocaleString('en')} events` : 'more events than shown'}; the first{' '}
          {events.length.toLocaleString('en')} are loaded here. The rest are in the signal feed.
        </div>
      )}
      <div className="playback-controls">
        <button type="button" className="icon-btn" aria-label="First event" onClick={() => go(0)} disabled={current === 0}>
          <Icon name="first" />
        </button>
        <button type="button" className="icon-btn" aria-label="Previous event" onClick={() => go(current - 1)} disabled={current === 0}>
          <Icon name="prev" />
        </button>
        <button type="button" className="btn btn-primary btn-small play-btn" onClick={toggle}>
          <Icon name={playing ? 'pause' : 'play'} size={12} />
          {playing ? 'Pause' : current >= last && last > 0 ? 'Replay' : 'Play'}
        </button>
        <button type="button" className="icon-btn" aria-label="Next event" onClick={() => go(current + 1)} disabled={current >= last}>
          <Icon name="next" />
        </button>
        <button type="button" className="icon-btn" aria-label="Last event" onClick={() => go(last)} disabled={current >= last}>
          <Icon name="last" />
        </button>
        <label className="playback-speed">
          <span className="sr-label">Speed</span>
          <select className="input" aria-label="Playback speed" value={speed} onChange={(ev) => setSpeed(Number(ev.target.value))}>
            {SPEEDS.map((v) => (
              <option key={v} value={v}>
                {v}×
              </option>
            ))}
          </select>
        </label>
        <span className="playback-pos" data-testid="playback-pos">
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
          {e.stepId !== null &&
            artifacts
              .filter((a) => a.stepId === e.stepId)
              .map((a) => (
                <a key={a.id} className="playback-artifact" href={artifactHref(a.id)} data-testid="playback-artifact">
                  Read “{a.title}” →
                </a>
              ))}
          {Object.keys(e.payload).length > 0 && <pre className="playback-payload">{JSON.stringify(e.payload, null, 2)}</pre>}
        </div>
      </div>
    </div>
  );
}
