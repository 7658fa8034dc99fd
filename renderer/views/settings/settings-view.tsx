import { useEffect, useState } from 'react';
import { Skeleton } from '../../components/empty-state.js';
import { PanelBoundary } from '../../components/panel-boundary.js';
import { useAgents } from '../../store/agents-store.js';
import { usePolicies } from '../../store/policy-store.js';
import { DataPane } from './data-pane.js';
import { PersonaCard } from './persona-card.js';
import { PolicyCard } from './policy-card.js';

function Policies() {
  const entries = usePolicies((s) => s.entries);
  const loaded = usePolicies((s) => s.loaded);
  const load = usePolicies((s) => s.load);
  const [filter, setFilter] = useState('');
  useEffect(() => void load().catch(() => {}), [load]);
  if (!loaded) return <Skeleton lines={8} />;
  const shown = entries.filter((e) => !filter || `${e.key} ${e.description}`.toLowerCase().includes(filter.toLowerCase()));
  return (
    <>
      <div className="settings-toolbar">
        <input className="input input-search" type="search" placeholder="Find a policy…" aria-label="Find a policy" value={filter} onChange={(e) => setFilter(e.target.value)} />
        <span className="panel-meta">Changes apply at once; the engine reads policies when it uses them.</span>
      </div>
      <div className="policy-grid">
        {shown.map((e) => (
          <PolicyCard key={`${e.key}@${e.updatedAt ?? ''}`} entry={e} />
        ))}
      </div>
    </>
  );
}

function Personas() {
  const agents = useAgents((s) => s.agents);
  return (
    <div className="persona-grid">
      {agents.map((a) => (
        <PersonaCard key={a.id} agent={a} />
      ))}
    </div>
  );
}

export function SettingsView() {
  const [tab, setTab] = useState<'policies' | 'personas' | 'data'>('policies');
  return (
    <div className="page">
      <div className="chip-row settings-tabs" role="tablist">
        <button type="button" role="tab" aria-selected={tab === 'policies'} className={`chip${tab === 'policies' ? ' is-on' : ''}`} onClick={() => setTab('policies')}>
          Policies
        </button>
        <button type="button" role="tab" aria-selected={tab === 'personas'} className={`chip${tab === 'personas' ? ' is-on' : ''}`} onClick={() => setTab('personas')}>
          Team personas
        </button>
        <button type="button" role="tab" aria-selected={tab === 'data'} className={`chip${tab === 'data' ? ' is-on' : ''}`} onClick={() => setTab('data')}>
          Data
        </button>
      </div>
      <PanelBoundary name={tab === 'policies' ? 'Policies' : tab === 'data' ? 'Data' : 'Personas'} resetKey={tab}>
        {tab === 'policies' ? <Policies /> : tab === 'data' ? <DataPane /> : <Personas />}
      </PanelBoundary>
    </div>
  );
}
