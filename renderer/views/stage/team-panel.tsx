import { Skeleton } from '../../components/empty-state.js';
import { deriveActivity } from '../../lib/agent-activity.js';
import { useNow } from '../../lib/use-now.js';
import { useAgents } from '../../store/agents-store.js';
import { useFeed } from '../../store/feed-store.js';
import { useMissions } from '../../store/missions-store.js';
import { useUi } from '../../store/ui-store.js';
import { AgentCard } from './agent-card.js';

/** The six agents and what each is doing right now. */
export function TeamPanel() {
  const agents = useAgents((s) => s.agents);
  const loaded = useAgents((s) => s.loaded);
  const missions = useMissions((s) => s.latest);
  const recent = useFeed((s) => s.recent);
  const openGiveTask = useUi((s) => s.openGiveTask);
  const now = useNow(10_000);
  if (!loaded) return <Skeleton lines={6} />;
  const working = agents.filter((a) => deriveActivity(a, missions, recent, now).state === 'working').length;
  return (
    <section className="panel team-panel" aria-label="The team">
      <header className="panel-head">
        <h2>The team</h2>
        <span className="panel-meta">
          {working} of {agents.length} working
        </span>
      </header>
      <div className="agent-grid">
        {agents.map((a) => (
          <AgentCard key={a.id} agent={a} activity={deriveActivity(a, missions, recent, now)} now={now} onGiveTask={openGiveTask} />
        ))}
      </div>
    </section>
  );
}
