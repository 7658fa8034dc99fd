import type { ComponentType } from 'react';
import { HostsEditor } from '../models/hosts-panel.js';
import { AppearancePane } from './appearance-pane.js';
import { DataPane } from './data-pane.js';
import { HeartbeatPane } from './heartbeat-pane.js';
import { PersonasPane } from './personas-pane.js';
import { PoliciesPane } from './policies-pane.js';
import { PublishingPane } from './publishing-pane.js';

export interface SettingsSection {
  /** The part of the address after #/settings/. */
  id: string;
  label: string;
  /** `focus` is what the address names inside the section (a policy key, say). */
  Pane: ComponentType<{ focus?: string }>;
}

/** The panes of Settings, in order. A new pane is one line here. */
export const settingsSections: SettingsSection[] = [
  { id: 'policies', label: 'Policies', Pane: PoliciesPane },
  { id: 'hosts', label: 'Ollama hosts', Pane: HostsEditor },
  { id: 'publishing', label: 'Publishing', Pane: PublishingPane },
  { id: 'heartbeat', label: 'Heartbeat', Pane: HeartbeatPane },
  { id: 'data', label: 'Data', Pane: DataPane },
  { id: 'personas', label: 'Team personas', Pane: PersonasPane },
  { id: 'appearance', label: 'Appearance', Pane: AppearancePane },
];
