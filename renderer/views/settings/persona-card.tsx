import { useState } from 'react';
import { AgentAvatar } from '../../components/agent-avatar.js';
import { Toggle } from '../../components/toggle.js';
import { useAgents } from '../../store/agents-store.js';
import type { Agent, AgentPatch } from '../../store/entities.js';
import { toastSuccess } from '../../store/toast-store.js';

type TextField = 'displayName' | 'role' | 'tone' | 'quirk' | 'signatureLine' | 'systemDirective';

const fields: { key: TextField; label: string; max: number; wide?: boolean; rows?: number }[] = [
  { key: 'displayName', label: 'Name', max: 60 },
  { key: 'role', label: 'Role', max: 40 },
  { key: 'tone', label: 'Tone', max: 300, wide: true },
  { key: 'quirk', label: 'Quirk', max: 300, wide: true },
  { key: 'signatureLine', label: 'Signature line', max: 200, wide: true },
  { key: 'systemDirective', label: 'System directive', max: 4000, wide: true, rows: 4 },
];

/** An agent's persona, edited in place: its id, memories and relationships stay. */
export function PersonaCard({ agent }: { agent: Agent }) {
  const update = useAgents((s) => s.update);
  const [draft, setDraft] = useState<Agent>(agent);
  const [saving, setSaving] = useState(false);

  const patch: AgentPatch = {};
  for (const f of fields) if (draft[f.key] !== agent[f.key]) patch[f.key] = draft[f.key];
  if (draft.enabled !== agent.enabled) patch.enabled = draft.enabled;
  const dirty = Object.keys(patch).length > 0;

  const onSave = async (): Promise<void> => {
    setSaving(true);
    try {
      const saved = await update(agent.id, patch);
      setDraft(saved);
      toastSuccess(`Saved ${saved.displayName}`);
    } catch {
      // the toast says why
    } finally {
      setSaving(false);
    }
  };

  return (
    <article className="persona-card" data-testid="persona-card" data-agent={agent.id}>
      <header className="persona-head">
        <AgentAvatar agentId={agent.id} name={agent.displayName} size="lg" />
        <div className="persona-title">
          <div className="agent-name">{agent.displayName}</div>
          <code className="policy-key">{agent.id}</code>
        </div>
        <div className="persona-enabled">
          <span className="field-label">{draft.enabled ? 'On' : 'Off'}</span>
          <Toggle label={`${agent.displayName} enabled`} checked={draft.enabled} onChange={(enabled) => setDraft({ ...draft, enabled })} />
        </div>
      </header>
      <div className="persona-fields">
        {fields.map((f) => (
          <label key={f.key} className={`field${f.wide ? ' field-wide' : ''}`}>
            <span className="field-label">{f.label}</span>
            {f.rows ? (
              <textarea className="input" rows={f.rows} maxLength={f.max} value={draft[f.key]} onChange={(e) => setDraft({ ...draft, [f.key]: e.target.value })} />
            ) : (
              <input className="input" maxLength={f.max} value={draft[f.key]} onChange={(e) => setDraft({ ...draft, [f.key]: e.target.value })} />
            )}
          </label>
        ))}
      </div>
      <footer className="policy-actions">
        {dirty && (
          <button type="button" className="btn btn-ghost btn-small" onClick={() => setDraft(agent)}>
            Discard
          </button>
        )}
        <button type="button" className="btn btn-primary btn-small" disabled={!dirty || saving} onClick={() => void onSave()}>
          {saving ? 'Saving…' : 'Save persona'}
        </button>
      </footer>
    </article>
  );
}
