import { useState } from 'react';
import { useFeed } from '../../store/feed-store.js';
import { useRuntime } from '../../store/runtime-store.js';

/** The instant a local calendar day ends: "jump to 2 March" shows the last signal of that day first. */
export function endOfLocalDay(date: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return null;
  const end = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + 1, 0, 0, 0, 0).getTime() - 1;
  return Number.isFinite(end) ? new Date(end).toISOString() : null;
}

/** Newest, oldest, and any day in between. */
export function FeedJump() {
  const reload = useFeed((s) => s.reload);
  const jumpToOldest = useFeed((s) => s.jumpToOldest);
  const jumpToDate = useFeed((s) => s.jumpToDate);
  const [day, setDay] = useState('');
  const go = (value: string): void => {
    setDay(value);
    const iso = endOfLocalDay(value);
    if (iso) void jumpToDate(iso).catch(() => {});
  };
  return (
    <div className="feed-jump" role="group" aria-label="Go to">
      <button type="button" className="btn btn-small btn-ghost" onClick={() => void reload({ keepTotal: useRuntime.getState().stream === 'open' }).catch(() => {})}>
        Newest
      </button>
      <button type="button" className="btn btn-small btn-ghost" onClick={() => void jumpToOldest().catch(() => {})}>
        Oldest
      </button>
      <label className="feed-jump-date">
        <span>Jump to</span>
        <input className="input" type="date" aria-label="Jump to date" value={day} onChange={(e) => go(e.target.value)} />
      </label>
    </div>
  );
}
