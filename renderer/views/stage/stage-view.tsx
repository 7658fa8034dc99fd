import { OfficeCanvas } from '../../components/office/office-canvas.js';
import { PanelBoundary } from '../../components/panel-boundary.js';
import { BudgetMeter } from '../budget/budget-meter.js';
import { RuntimeStrip } from './runtime-strip.js';
import { SignalFeed } from './signal-feed.js';
import { Swimlane } from './swimlane.js';
import { TrendsPanel } from './trends-panel.js';
import { TeamPanel } from './team-panel.js';

export function StageView() {
  return (
    <div className="stage">
      <PanelBoundary name="Runtime">
        <RuntimeStrip />
      </PanelBoundary>
      <PanelBoundary name="Budget">
        <BudgetMeter compact />
      </PanelBoundary>
      <div className="stage-body">
        <div className="stage-team">
          <PanelBoundary name="Office">
            <OfficeCanvas />
          </PanelBoundary>
          <PanelBoundary name="Work in flight">
            <Swimlane />
          </PanelBoundary>
          <PanelBoundary name="Team">
            <TeamPanel />
          </PanelBoundary>
          <PanelBoundary name="Trends">
            <TrendsPanel />
          </PanelBoundary>
        </div>
        <div className="stage-feed">
          <PanelBoundary name="Signal feed">
            <SignalFeed />
          </PanelBoundary>
        </div>
      </div>
    </div>
  );
}
