import { useState } from 'react';
import { EmptyState, Skeleton } from '../../components/empty-state.js';
import { useAgentDetail, type MemoryType } from '../../store/agent-detail-store.js';
import { MemoryRow } from './memory-row.js';

const types: readonly (MemoryType | 'all')[] = ['all', 'insight', 'pattern', 'strategy', 'preference', 'lesson'];

/** What the agent remembers, most recent first, filterable by type. */
export function MemoriesPanel({ now }: { now: number }) {
  const memories = useAgentDetail((s) => s.memories);
  const loaded = useAgentDetail((s) => s.loaded);
  const [type, setType] = useState<(typeof types)[number]>('all');
  const shown = type === 'all' ? memories : memories.filter((m) => m.type === type);
  const count = (t: (typeof types)[number]): number => (t === 'all' ? memories.length : memories.filter((m) => m.type === t).length);
  return (
    <section className="panel" aria-label="Memories" data-testid="memories-panel">
      <header className="panel-head">
        <h2>Memories</h2>
        <div className="chip-row" role="group" aria-label="Filter memories">
          {types.map((t) => (
            <button key={t} type="button" className={`chip${type === t ? ' is-on' : ''}`} aria-pressed={type === t} onClick={() => setType(t)}>
              {t} {count(t)}
            </button>
          ))}
        </div>
      </header>
      {!loaded ? (
        <Skeleton lines={5} />
      ) : shown.length === 0 ? (
        <EmptyState title={type === 'all' ? 'No memories yet' : `No ${type} memories`}>Conversations, outcomes and your notes become memories.</EmptyState>
      ) : (
        <ul className="memory-list">
          {shown.map((m) => (
            <MemoryRow key={`${m.id}:${m.content}:${m.confidence}`} memory={m} now={now} />
          ))}
        </ul>
      )}
    </section>
  );
}
