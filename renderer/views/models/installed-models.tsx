import { useState } from 'react';
import { EmptyState, Skeleton } from '../../components/empty-state.js';
import { ConfirmDialog } from '../../components/confirm-dialog.js';
import { agentName, useAgents } from '../../store/agents-store.js';
import { useModels, type InstalledModel, type LlmPolicy } from '../../store/models-store.js';
import { formatBytes, formatContext, formatCount, sameModel } from './model-format.js';

/** Who else is set to use this model in llm_policy: "Brain, analyze". */
function assignedTo(policy: LlmPolicy | null, model: string, names: (id: string) => string): string[] {
  if (!policy) return [];
  const agents = Object.entries(policy.per_agent)
    .filter(([, m]) => sameModel(m, model))
    .map(([id]) => names(id));
  const kinds = Object.entries(policy.per_step_kind)
    .filter(([, m]) => sameModel(m, model))
    .map(([kind]) => kind);
  return [...agents, ...kinds];
}

function ConfirmDelete({ model, isDefault, host, onClose }: { model: InstalledModel; isDefault: boolean; host: string | null; onClose(): void }) {
  const remove = useModels((s) => s.remove);
  const busy = useModels((s) => s.busy.has(`delete:${model.name}`));
  const onDelete = async (): Promise<void> => {
    try {
      await remove(model.name);
      onClose();
    } catch {
      // the toast says why; the dialog stays for another try
    }
  };
  return (
    <ConfirmDialog title="Delete model" confirmLabel={busy ? 'Deleting…' : `Delete ${model.name}`} busy={busy} onConfirm={() => void onDelete()} onClose={onClose}>
      <p className="models-note">
        Delete <code>{model.name}</code>
        {host ? (
          <>
            {' '}
            from <code>{host}</code>
          </>
        ) : null}
        ? It frees {formatBytes(model.size)}; using it again means pulling it again.
      </p>
      {isDefault && <p className="policy-warning">It is the default model: LLM steps fail (or use the fallback) until another model is made default.</p>}
    </ConfirmDialog>
  );
}

/** The models installed on the host in use: what they are, which is the default, Make default and Delete. */
export function InstalledModels() {
  const models = useModels((s) => s.models);
  const policy = useModels((s) => s.policy);
  const llm = useModels((s) => s.llm);
  const loaded = useModels((s) => s.loaded);
  const busy = useModels((s) => s.busy);
  const makeDefault = useModels((s) => s.makeDefault);
  const pull = useModels((s) => s.pull);
  const agents = useAgents((s) => s.agents);
  const [confirm, setConfirm] = useState<InstalledModel | null>(null);

  const reachable = llm?.status === 'ok';
  const sorted = [...models].sort((a, b) => a.name.localeCompare(b.name));
  const defaultModel = policy?.default_model ?? null;
  const missingDefault = reachable && loaded && defaultModel !== null && !models.some((m) => sameModel(m.name, defaultModel)) ? defaultModel : null;
  const total = models.reduce((n, m) => n + m.size, 0);

  return (
    <section className="panel" aria-label="Installed models" data-testid="installed-models">
      <header className="panel-head">
        <h2>Installed models</h2>
        {reachable && (
          <span className="panel-meta">
            {models.length} on <code>{llm.active}</code> · {formatBytes(total)}
          </span>
        )}
      </header>
      {missingDefault && (
        <div className="policy-warning models-warning" data-testid="default-missing">
          <span>
            The default model <code>{missingDefault}</code> is not installed on this host, so LLM steps {policy?.fallback_model ? 'use the fallback' : 'fail'}.
          </span>
          <button type="button" className="btn btn-ghost btn-small" disabled={busy.has('pull')} onClick={() => void pull(missingDefault)}>
            Pull it
          </button>
        </div>
      )}
      {!loaded ? (
        <Skeleton lines={4} />
      ) : !reachable ? (
        <EmptyState title="Models are listed when a host answers">{llm ? 'Start Ollama or fix the hosts, and this fills in by itself.' : null}</EmptyState>
      ) : sorted.length === 0 ? (
        <EmptyState title="No models installed">Pull one, e.g. llama3.2:3b, to give the agents a voice.</EmptyState>
      ) : (
        <table className="table models-table">
          <thead>
            <tr>
              <th>Model</th>
              <th className="num-col">Size</th>
              <th>Family</th>
              <th className="num-col">Parameters</th>
              <th>Quantization</th>
              <th className="num-col">Context</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {sorted.map((m) => {
              const isDefault = sameModel(m.name, defaultModel);
              const isFallback = sameModel(m.name, policy?.fallback_model);
              const users = assignedTo(policy, m.name, (id) => agentName(agents, id));
              return (
                <tr key={m.name} data-testid="model-row" data-model={m.name} data-default={isDefault}>
                  <td>
                    <div className="model-name">
                      <code className="cell-title">{m.name}</code>
                      {isDefault && <span className="badge badge-ok">default</span>}
                      {isFallback && <span className="badge badge-warn">fallback</span>}
                    </div>
                    {users.length > 0 && <div className="cell-sub">for {users.join(', ')}</div>}
                  </td>
                  <td className="num num-col nowrap">{formatBytes(m.size)}</td>
                  <td>{m.family || '—'}</td>
                  <td className="num num-col">{m.parameterSize || '—'}</td>
                  <td className="num">{m.quantization || '—'}</td>
                  <td className="num num-col nowrap" data-testid="model-context" title={m.contextLength ? `${formatCount(m.contextLength)} tokens` : 'not reported'}>
                    {formatContext(m.contextLength)}
                  </td>
                  <td>
                    <div className="row-actions">
                      {!isDefault && (
                        <button type="button" className="btn btn-ghost btn-small" disabled={busy.has(`default:${m.name}`)} onClick={() => void makeDefault(m.name).catch(() => {})}>
                          Make default
                        </button>
                      )}
                      <button type="button" className="btn btn-danger btn-small" aria-label={`Delete ${m.name}`} onClick={() => setConfirm(m)}>
                        Delete
                      </button>
                    </div>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {confirm && <ConfirmDelete model={confirm} isDefault={sameModel(confirm.name, defaultModel)} host={llm?.active ?? null} onClose={() => setConfirm(null)} />}
    </section>
  );
}
