import { useEffect } from 'react';
import { PanelBoundary } from '../../components/panel-boundary.js';
import { useNow } from '../../lib/use-now.js';
import { useAutonomy } from '../../store/autonomy-store.js';
import { DecisionsPanel } from './decisions-panel.js';
import { PostsPanel } from './posts-panel.js';
import { ReactionsPanel } from './reactions-panel.js';
import { RoutinesPanel } from './routines-panel.js';
import { RulesPanel } from './rules-panel.js';

/** Looks again now and then: next-eligible times and heartbeat decisions move without a stream message. */
const POLL_MS = 10_000;

/** The scheduler inspector: trigger rules, their decisions, the reaction matrix's rolls, and post engagement. */
export function AutonomyView() {
  const load = useAutonomy((s) => s.load);
  const setActive = useAutonomy((s) => s.setActive);
  const now = useNow(5000);
  useEffect(() => {
    setActive(true);
    void load().catch(() => {});
    const t = setInterval(() => void load().catch(() => {}), POLL_MS);
    return () => {
      clearInterval(t);
      setActive(false);
    };
  }, [load, setActive]);
  return (
    <div className="page autonomy-page" data-testid="autonomy-view">
      <PanelBoundary name="Trigger rules">
        <RulesPanel now={now} />
      </PanelBoundary>
      <div className="autonomy-grid">
        <PanelBoundary name="Recent decisions">
          <DecisionsPanel now={now} />
        </PanelBoundary>
        <PanelBoundary name="Reactions">
          <ReactionsPanel now={now} />
        </PanelBoundary>
      </div>
      <PanelBoundary name="Routines">
        <RoutinesPanel now={now} />
      </PanelBoundary>
      <PanelBoundary name="Posts">
        <PostsPanel now={now} />
      </PanelBoundary>
    </div>
  );
}
