import { useEffect, useState } from 'react';
import { EmptyState, Skeleton } from '../../components/empty-state.js';
import { usePolicies } from '../../store/policy-store.js';
import { policyTitle } from './field-label.js';
import { PolicyCard } from './policy-card.js';

/** Every policy as a card; the search looks at titles, keys and descriptions. `focus` scrolls to one. */
export function PoliciesPane({ focus }: { focus?: string }) {
  const entries = usePolicies((s) => s.entries);
  const loaded = usePolicies((s) => s.loaded);
  const load = usePolicies((s) => s.load);
  const [filter, setFilter] = useState('');
  useEffect(() => void load().catch(() => {}), [load]);
  useEffect(() => {
    if (!loaded || !focus) return;
    const card = document.querySelector<HTMLElement>(`[data-policy="${CSS.escape(focus)}"]`);
    card?.scrollIntoView({ block: 'start' });
    card?.querySelector<HTMLElement>('input, select, textarea, button')?.focus({ preventScroll: true });
  }, [loaded, focus]);
  if (!loaded) return <Skeleton lines={8} />;
  const words = filter.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const shown = entries.filter((e) => {
    const hay = `${policyTitle(e.key)} ${e.key} ${e.key.replace(/_/g, ' ')} ${e.description}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
  return (
    <>
      <div className="settings-toolbar">
        <input className="input input-search" type="search" placeholder="Find a policy…" aria-label="Find a policy" value={filter} onChange={(e) => setFilter(e.target.value)} />
        <span className="panel-meta">Changes apply at once; the engine reads policies when it uses them.</span>
      </div>
      {shown.length === 0 ? (
        <EmptyState title={`No policy matches “${filter.trim()}”`}>
          Try a shorter word, or{' '}
          <button type="button" className="link-btn" onClick={() => setFilter('')}>
            show all {entries.length} policies
          </button>
          .
        </EmptyState>
      ) : (
        <div className="policy-grid">
          {shown.map((e) => (
            <PolicyCard key={`${e.key}@${e.updatedAt ?? ''}`} entry={e} />
          ))}
        </div>
      )}
    </>
  );
}
