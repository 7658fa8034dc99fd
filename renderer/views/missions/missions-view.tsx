import { EmptyState, Skeleton } from '../../components/empty-state.js';
import { PanelBoundary } from '../../components/panel-boundary.js';
import { TabChips } from '../../components/tab-chips.js';
import { useNow } from '../../lib/use-now.js';
import { agentName, useAgents } from '../../store/agents-store.js';
import { missionStatuses, type MissionStatus } from '../../store/entities.js';
import { useMissions } from '../../store/missions-store.js';
import { MissionDetail } from './mission-detail.js';
import { MissionRow } from './mission-row.js';

const filterOptions: readonly { id: MissionStatus | 'all'; label: string }[] = (['all', ...missionStatuses] as const).map((f) => ({ id: f, label: f }));

function MissionList({ selectedId }: { selectedId: number | null }) {
  const list = useMissions((s) => s.list);
  const loaded = useMissions((s) => s.listLoaded);
  const filter = useMissions((s) => s.filter);
  const setFilter = useMissions((s) => s.setFilter);
  const cursor = useMissions((s) => s.listCursor);
  const loadingOlder = useMissions((s) => s.loadingOlder);
  const loadOlder = useMissions((s) => s.loadOlder);
  const agents = useAgents((s) => s.agents);
  const now = useNow(15_000);
  return (
    <section className="panel mission-list-panel" aria-label="Missions">
      <header className="panel-head">
        <h2>Missions</h2>
        <span className="panel-meta">
          {list.length} shown{cursor !== null ? ' · more below' : ''}
        </span>
      </header>
      <TabChips label="Filter by status" options={filterOptions} value={filter} onChange={setFilter} panelId="mission-list" />
      <div className="mission-list" id="mission-list" role="tabpanel" aria-label="Missions by status" data-testid="mission-list">
        {!loaded ? (
          <Skeleton lines={6} />
        ) : list.length === 0 ? (
          <EmptyState title={filter === 'all' ? 'No missions yet' : `No ${filter} missions`}>Accepted proposals become missions.</EmptyState>
        ) : (
          <>
            {list.map((m) => (
              <MissionRow key={m.id} mission={m} agentName={agentName(agents, m.createdBy)} selected={m.id === selectedId} now={now} />
            ))}
            {cursor !== null && (
              <button type="button" className="btn btn-small btn-ghost list-more" onClick={() => void loadOlder().catch(() => {})} disabled={loadingOlder}>
                {loadingOlder ? 'Loading…' : 'Show older missions'}
              </button>
            )}
          </>
        )}
      </div>
    </section>
  );
}

export function MissionsView({ missionId }: { missionId: number | null }) {
  return (
    <div className="split">
      <div className="split-list">
        <PanelBoundary name="Mission list">
          <MissionList selectedId={missionId} />
        </PanelBoundary>
      </div>
      <div className="split-detail panel">
        <PanelBoundary name="Mission detail" resetKey={missionId}>
          {missionId ? (
            <MissionDetail key={missionId} id={missionId} />
          ) : (
            <EmptyState title="Pick a mission">Its steps and a replay of everything that happened show here.</EmptyState>
          )}
        </PanelBoundary>
      </div>
    </div>
  );
}
