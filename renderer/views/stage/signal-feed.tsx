import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useRef } from 'react';
import { EmptyState, Skeleton } from '../../components/empty-state.js';
import { useNow } from '../../lib/use-now.js';
import { agentName, useAgents } from '../../store/agents-store.js';
import { useRuntime } from '../../store/runtime-store.js';
import { useFeed } from '../../store/feed-store.js';
import { FeedFilters } from './feed-filters.js';
import { FeedRow } from './feed-row.js';

/** Every event, newest first, live; virtualized, and paged in as you scroll. */
export function SignalFeed() {
  const items = useFeed((s) => s.items);
  const nextCursor = useFeed((s) => s.nextCursor);
  const loading = useFeed((s) => s.loading);
  const loaded = useFeed((s) => s.loaded);
  const fresh = useFeed((s) => s.fresh);
  const loadMore = useFeed((s) => s.loadMore);
  const setFilters = useFeed((s) => s.setFilters);
  const agents = useAgents((s) => s.agents);
  const stream = useRuntime((s) => s.stream);
  const now = useNow(15_000);
  const scrollRef = useRef<HTMLDivElement>(null);

  const count = items.length + (nextCursor ? 1 : 0);
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => 92,
    overscan: 8,
    getItemKey: (i) => items[i]?.id ?? 'more',
  });
  const virtualItems = virtualizer.getVirtualItems();
  const lastIndex = virtualItems[virtualItems.length - 1]?.index ?? -1;

  useEffect(() => {
    if (nextCursor && !loading && lastIndex >= items.length - 8) void loadMore().catch(() => {});
  }, [lastIndex, items.length, nextCursor, loading, loadMore]);

  const onTag = useCallback((tag: string) => setFilters({ tag }), [setFilters]);

  return (
    <section className="panel feed-panel" aria-label="Signal feed">
      <header className="panel-head">
        <h2>Signal feed</h2>
        <span className="panel-meta">
          <span className={`live-dot${stream === 'open' ? '' : ' is-off'}`} /> {stream === 'open' ? 'live' : 'offline'} · {items.length}
          {nextCursor ? '+' : ''} signals
        </span>
      </header>
      <FeedFilters />
      <div ref={scrollRef} className="feed-scroll" data-testid="signal-feed">
        {!loaded ? (
          <Skeleton lines={8} />
        ) : items.length === 0 ? (
          <EmptyState title="No signals yet">Give an agent a task and its work shows up here as it happens.</EmptyState>
        ) : (
          <div className="feed-inner" style={{ height: virtualizer.getTotalSize() }}>
            {virtualItems.map((v) => {
              const e = items[v.index];
              return (
                <div key={v.key} ref={virtualizer.measureElement} data-index={v.index} className="feed-slot" style={{ transform: `translateY(${v.start}px)` }}>
                  {e ? (
                    <FeedRow event={e} agentName={agentName(agents, e.agentId)} fresh={fresh.has(e.id)} now={now} onTag={onTag} />
                  ) : (
                    <div className="feed-more">{loading ? 'Loading older signals…' : 'Scroll for more'}</div>
                  )}
                </div>
              );
            })}
          </div>
        )}
      </div>
    </section>
  );
}
