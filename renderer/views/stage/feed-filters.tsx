import { useEffect, useMemo, useState } from 'react';
import { useAgents } from '../../store/agents-store.js';
import { emptyFilters, useFeed } from '../../store/feed-store.js';

const commonKinds = [
  'mission_created',
  'mission_succeeded',
  'mission_failed',
  'mission_cancelled',
  'step_succeeded',
  'step_failed',
  'step_retry',
  'proposal_pending',
  'proposal_rejected',
  'policy_changed',
];

/** Agent, kind, tag and text filters for the signal feed; the text search waits for a pause in typing. */
export function FeedFilters() {
  const filters = useFeed((s) => s.filters);
  const setFilters = useFeed((s) => s.setFilters);
  const recent = useFeed((s) => s.recent);
  const agents = useAgents((s) => s.agents);
  const [q, setQ] = useState(filters.q);
  const [tag, setTag] = useState(filters.tag);

  useEffect(() => setQ(filters.q), [filters.q]);
  useEffect(() => setTag(filters.tag), [filters.tag]);
  useEffect(() => {
    if (q === filters.q && tag === filters.tag) return;
    const t = setTimeout(() => setFilters({ q, tag: tag.replace(/^#/, '') }), 300);
    return () => clearTimeout(t);
  }, [q, tag, filters.q, filters.tag, setFilters]);

  const kinds = useMemo(() => {
    const set = new Set(commonKinds);
    for (const e of recent) set.add(e.kind);
    if (filters.kind) set.add(filters.kind);
    return [...set].sort();
  }, [recent, filters.kind]);

  const active = filters.agentId || filters.kind || filters.tag || filters.q;
  return (
    <div className="feed-filters" role="search">
      <input
        className="input input-search"
        type="search"
        placeholder="Search signals…"
        aria-label="Search signals"
        value={q}
        onChange={(e) => setQ(e.target.value)}
      />
      <select className="input" aria-label="Filter by agent" value={filters.agentId} onChange={(e) => setFilters({ agentId: e.target.value })}>
        <option value="">All agents</option>
        {agents.map((a) => (
          <option key={a.id} value={a.id}>
            {a.displayName}
          </option>
        ))}
      </select>
      <select className="input" aria-label="Filter by kind" value={filters.kind} onChange={(e) => setFilters({ kind: e.target.value })}>
        <option value="">All kinds</option>
        {kinds.map((k) => (
          <option key={k} value={k}>
            {k.replace(/_/g, ' ')}
          </option>
        ))}
      </select>
      <input className="input input-tag" placeholder="#tag" aria-label="Filter by tag" value={tag} onChange={(e) => setTag(e.target.value)} />
      {active && (
        <button type="button" className="btn btn-small btn-ghost" onClick={() => setFilters(emptyFilters)}>
          Clear
        </button>
      )}
    </div>
  );
}
