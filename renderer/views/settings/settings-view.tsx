import { PanelBoundary } from '../../components/panel-boundary.js';
import { TabChips } from '../../components/tab-chips.js';
import { navigate } from '../../lib/router.js';
import { settingsSections } from './settings-sections.js';

/** Settings: one pane per section (see settings-sections.tsx), each with its own address. */
export function SettingsView({ section, focus }: { section?: string; focus?: string }) {
  const current = settingsSections.find((s) => s.id === section) ?? settingsSections[0];
  if (!current) return null;
  const { Pane } = current;
  return (
    <div className="page settings-page" data-testid="settings-view">
      <TabChips
        label="Settings sections"
        className="settings-tabs"
        panelId="settings-panel"
        options={settingsSections}
        value={current.id}
        onChange={(id) => navigate({ view: 'settings', section: id })}
      />
      <div id="settings-panel" role="tabpanel" aria-labelledby={`tab-${current.id}`} tabIndex={-1}>
        <PanelBoundary name={current.label} resetKey={current.id}>
          <Pane {...(focus ? { focus } : {})} />
        </PanelBoundary>
      </div>
    </div>
  );
}
