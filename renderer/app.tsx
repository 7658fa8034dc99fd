import { AppHeader } from './app-header.js';
import { PanelBoundary } from './components/panel-boundary.js';
import { ShortcutsLayer } from './components/shortcuts-layer.js';
import { ToastStack } from './components/toast-stack.js';
import { TokenGate } from './components/token-gate.js';
import { useRoute } from './lib/router.js';
import { useUi } from './store/ui-store.js';
import { AgentView } from './views/agents/agent-view.js';
import { AgentsListView } from './views/agents/agents-list-view.js';
import { ArtifactsView } from './views/artifacts/artifacts-view.js';
import { AutonomyView } from './views/autonomy/autonomy-view.js';
import { GiveTaskDialog } from './views/give-task/give-task-dialog.js';
import { MissionsView } from './views/missions/missions-view.js';
import { ModelsView } from './views/models/models-view.js';
import { ProposalsView } from './views/proposals/proposals-view.js';
import { RoundtablesView } from './views/roundtables/roundtables-view.js';
import { SettingsView } from './views/settings/settings-view.js';
import { StageView } from './views/stage/stage-view.js';

export function App() {
  const route = useRoute();
  const giveTask = useUi((s) => s.giveTask);
  const needsToken = useUi((s) => s.needsToken);
  if (needsToken) return <TokenGate />;
  return (
    <div className="app">
      <AppHeader route={route} />
      <main className={`app-main view-${route.view}`}>
        <PanelBoundary name={route.view} resetKey={route.view}>
          {route.view === 'stage' && <StageView />}
          {route.view === 'missions' && <MissionsView missionId={route.missionId} />}
          {route.view === 'proposals' && <ProposalsView proposalId={route.proposalId ?? null} />}
          {route.view === 'models' && <ModelsView />}
          {route.view === 'settings' && <SettingsView {...(route.section ? { section: route.section } : {})} {...(route.focus ? { focus: route.focus } : {})} />}
          {route.view === 'autonomy' && <AutonomyView />}
          {route.view === 'roundtables' && <RoundtablesView conversationId={route.conversationId} />}
          {route.view === 'agents' && (route.agentId ? <AgentView key={route.agentId} agentId={route.agentId} /> : <AgentsListView />)}
          {route.view === 'artifacts' && <ArtifactsView artifactId={route.artifactId} />}
        </PanelBoundary>
      </main>
      {giveTask.open && (
        <PanelBoundary name="Give task">
          <GiveTaskDialog initialAgentId={giveTask.agentId} />
        </PanelBoundary>
      )}
      <ToastStack />
      <ShortcutsLayer />
    </div>
  );
}
