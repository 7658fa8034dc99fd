import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { EmptyState, Skeleton } from '../../components/empty-state.js';
import type { TagMetrics } from '../../lib/fit-tags.js';
import { useNow } from '../../lib/use-now.js';
import { agentName, useAgents } from '../../store/agents-store.js';
import { useRuntime } from '../../store/runtime-store.js';
import { useFeed } from '../../store/feed-store.js';
import { FeedFilters } from './feed-filters.js';
import { FeedJump } from './feed-jump.js';
import { FeedRow } from './feed-row.js';

/** Every row has this height, so a position is a multiplication and the window can shift without measuring. */
export const FEED_ROW_PX = 96;
const BAND = 44;
const OVERSCAN = 6;
/** Load the next page when the viewport comes this many rows from the window's edge (a page ahead, so a brisk scroll rarely waits). */
const EDGE_ROWS = 120;

/**
 * Every event, newest first, live. Only a window of pages is in memory (the
 * store drops pages far from the viewport) and only the rows in view are
 * mounted; the scroll space is the window, never the whole feed, so a
 * million events stay far below the browser's height limit.
 */
export function SignalFeed() {
  const rows = useFeed((s) => s.rows);
  const olderCursor = useFeed((s) => s.olderCursor);
  const newerCursor = useFeed((s) => s.newerCursor);
  const startIndex = useFeed((s) => s.startIndex);
  const total = useFeed((s) => s.total);
  const loaded = useFeed((s) => s.loaded);
  const loading = useFeed((s) => s.loading);
  const busy = useFeed((s) => s.loading || s.loadingOlder || s.loadingNewer);
  const fresh = useFeed((s) => s.fresh);
  const unseen = useFeed((s) => s.unseen);
  const shift = useFeed((s) => s.shift);
  const jump = useFeed((s) => s.jump);
  const setFilters = useFeed((s) => s.setFilters);
  const agents = useAgents((s) => s.agents);
  const stream = useRuntime((s) => s.stream);
  const now = useNow(15_000);
  const scrollRef = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(600);
  const [width, setWidth] = useState(0);
  const [tagMetrics, setTagMetrics] = useState<TagMetrics | null>(null);
  const probeRef = useRef<HTMLDivElement>(null);
  const seen = useRef({ shift: shift.seq, jump: jump.seq, band: 0 });

  const top = newerCursor ? BAND : 0;
  const bottom = rows.length ? BAND : 0;
  const first = Math.max(0, Math.min(rows.length, Math.floor((scrollTop - top) / FEED_ROW_PX) - OVERSCAN));
  const last = Math.max(0, Math.min(rows.length, Math.ceil((scrollTop - top + viewport) / FEED_ROW_PX) + OVERSCAN));
  const atNewest = newerCursor === null && scrollTop < FEED_ROW_PX / 2;

  // Rows that joined or left above the viewport move the scroll by as much: what the reader sees stays put.
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const s = seen.current;
    if (jump.seq !== s.jump) {
      s.jump = jump.seq;
      s.shift = shift.seq;
      s.band = top;
      // A jump to a date shows that date's row first, with the "loading newer" band above it out of view.
      el.scrollTop = jump.to === 'start' ? top : el.scrollHeight;
      setScrollTop(el.scrollTop);
      return;
    }
    let delta = top - s.band;
    if (shift.seq !== s.shift) {
      const readingNewest = shift.live && el.scrollTop < FEED_ROW_PX / 2 && s.band === 0;
      // Pages join or leave at the very top (at 0): always above what is read, even from inside the loading band.
      if (!readingNewest && (shift.at === 0 || s.band + shift.at * FEED_ROW_PX <= el.scrollTop)) delta += shift.rows * FEED_ROW_PX;
      s.shift = shift.seq;
    }
    s.band = top;
    if (delta) {
      el.scrollTop += delta;
      setScrollTop(el.scrollTop);
    }
  });

  useEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    let frame = 0;
    const onScroll = (): void => {
      if (frame) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        setScrollTop(el.scrollTop);
      });
    };
    const ro = new ResizeObserver(() => {
      setViewport(el.clientHeight);
      setWidth(el.clientWidth);
    });
    ro.observe(el);
    el.addEventListener('scroll', onScroll, { passive: true });
    return () => {
      el.removeEventListener('scroll', onScroll);
      ro.disconnect();
      if (frame) cancelAnimationFrame(frame);
    };
  }, [loaded]);

  useEffect(() => {
    const el = scrollRef.current;
    if (!loaded || loading || !el) return;
    // Where the reader is now, from the element: this render's scrollTop state can be a shift behind (the layout
    // effect above has just moved the scroll for rows that joined above), and a stale one would load the far side too.
    const at = (el.scrollTop - top) / FEED_ROW_PX;
    const f = useFeed.getState();
    if (olderCursor && at + el.clientHeight / FEED_ROW_PX >= rows.length - EDGE_ROWS) void f.loadOlder().catch(() => {});
    if (newerCursor && at <= EDGE_ROWS) void f.loadNewer().catch(() => {});
  }, [first, last, rows.length, olderCursor, newerCursor, loaded, loading, top]);

  // How tags fit on a row's line: one character's width and a chip's padding from two hidden chips, the room from a
  // mounted row; read again when the feed's width changes, never per row.
  const hasRows = rows.length > 0;
  useLayoutEffect(() => {
    const main = scrollRef.current?.querySelector<HTMLElement>('.feed-row .feed-main');
    const [ten, twenty] = Array.from(probeRef.current?.children ?? []).map((c) => c.getBoundingClientRect().width);
    if (!main || ten === undefined || twenty === undefined) return;
    const charPx = (twenty - ten) / 10;
    const next: TagMetrics = { room: main.clientWidth, charPx, padPx: ten - 10 * charPx, gapPx: 4 };
    setTagMetrics((prev) => (prev && prev.room === next.room && prev.charPx === next.charPx && prev.padPx === next.padPx ? prev : next));
  }, [width, hasRows, loaded]);

  useEffect(() => {
    if (atNewest && unseen) useFeed.getState().markSeen();
  }, [atNewest, unseen]);

  const onTag = useCallback((tag: string) => setFilters({ tag }), [setFilters]);
  const toNewest = (): void => {
    const f = useFeed.getState();
    if (f.newerCursor !== null) void f.reload({ keepTotal: stream === 'open' }).catch(() => {});
    else scrollRef.current?.scrollTo({ top: 0 });
    f.markSeen();
  };

  /** Loaded rows above the first one in view. */
  const above = Math.max(0, Math.min(rows.length - 1, Math.floor((scrollTop - top) / FEED_ROW_PX)));
  const position = rows.length ? Math.min(startIndex + above + 1, total ?? Infinity) : 0;
  const mounted = rows.slice(first, last);
  return (
    <section className="panel feed-panel" aria-label="Signal feed" data-total={total ?? ''} data-start={startIndex} data-above={above} data-busy={busy}>
      <header className="panel-head">
        <h2>Signal feed</h2>
        <span className="panel-meta">
          <span className={`live-dot${stream === 'open' ? '' : ' is-off'}`} /> {stream === 'open' ? 'live' : 'offline'} ·{' '}
          <span data-testid="feed-position">
            {total === null ? `${rows.length} signals` : total === 0 ? 'no signals' : `${position.toLocaleString('en')} of ${total.toLocaleString('en')}`}
          </span>
        </span>
      </header>
      <FeedFilters />
      <FeedJump />
      <div ref={probeRef} className="tag-probe" aria-hidden="true">
        <span className="tag">##########</span>
        <span className="tag">####################</span>
      </div>
      <div className="feed-viewport">
        {unseen > 0 && !atNewest && (
          <button type="button" className="feed-new-pill" data-testid="feed-new-pill" onClick={toNewest}>
            ↑ {unseen} new
          </button>
        )}
        <div ref={scrollRef} className="feed-scroll" data-testid="signal-feed" tabIndex={0} aria-label="Signals, newest first">
          {!loaded ? (
            <Skeleton lines={8} />
          ) : rows.length === 0 ? (
            <EmptyState title="No signals yet">Give an agent a task and its work shows up here as it happens.</EmptyState>
          ) : (
            <div className="feed-inner" style={{ height: top + rows.length * FEED_ROW_PX + bottom }}>
              {top > 0 && <div className="feed-band" style={{ top: 0 }}>Loading newer signals…</div>}
              {mounted.map((e, i) => (
                <div key={e.id} className="feed-slot" style={{ transform: `translateY(${top + (first + i) * FEED_ROW_PX}px)` }}>
                  <FeedRow event={e} agentName={agentName(agents, e.agentId)} fresh={fresh.has(e.id)} now={now} tagMetrics={tagMetrics} onTag={onTag} />
                </div>
              ))}
              <div className="feed-band" style={{ top: top + rows.length * FEED_ROW_PX }} data-testid="feed-end">
                {olderCursor ? 'Loading older signals…' : 'That is the first signal.'}
              </div>
            </div>
          )}
        </div>
      </div>
    </section>
  );
}
