import { useEffect } from 'react';
import { PanelBoundary } from '../../components/panel-boundary.js';
import { useNow } from '../../lib/use-now.js';
import { useModels } from '../../store/models-store.js';
import { HostsPanel } from './hosts-panel.js';
import { InstalledModels } from './installed-models.js';
import { FirstRunPanel } from './first-run-panel.js';
import { LlmBanner } from './llm-banner.js';
import { LocalOllamaPanel } from './local-ollama-panel.js';
import { PullPanel } from './pull-panel.js';
import { RunningModels } from './running-models.js';
import { UsageTable } from './usage-table.js';
import { BudgetMeter } from '../budget/budget-meter.js';
import { UsageBreakdown } from '../budget/usage-breakdown.js';

/** How often the page looks again at hosts, models in memory and usage while it is open. */
const POLL_MS = 5000;

/** The LLM, managed from the app: hosts, installed and loaded models, pulls, the local Ollama, usage. */
export function ModelsView() {
  const load = useModels((s) => s.load);
  const now = useNow(5000);
  const noHost = useModels((s) => s.loaded && s.hosts.length > 0 && s.hosts.every((h) => !h.ok));
  useEffect(() => {
    void load().catch(() => {});
    const t = setInterval(() => void load().catch(() => {}), POLL_MS);
    return () => clearInterval(t);
  }, [load]);
  return (
    <div className="page models-page" data-testid="models-view">
      <LlmBanner />
      {noHost && <FirstRunPanel />}
      <PanelBoundary name="Budget">
        <BudgetMeter />
      </PanelBoundary>
      <div className="models-grid">
        <div className="models-col">
          <PanelBoundary name="Installed models">
            <InstalledModels />
          </PanelBoundary>
          <PanelBoundary name="Running models">
            <RunningModels now={now} />
          </PanelBoundary>
        </div>
        <div className="models-col">
          <PanelBoundary name="Pull a model">
            <PullPanel />
          </PanelBoundary>
          <PanelBoundary name="Ollama hosts">
            <HostsPanel explain={!noHost} />
          </PanelBoundary>
          <PanelBoundary name="Local Ollama">
            <LocalOllamaPanel />
          </PanelBoundary>
        </div>
      </div>
      <PanelBoundary name="LLM usage">
        <UsageTable />
      </PanelBoundary>
      <PanelBoundary name="What used my tokens">
        <UsageBreakdown />
      </PanelBoundary>
    </div>
  );
}
