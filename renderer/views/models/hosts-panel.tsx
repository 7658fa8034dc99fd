import { useEffect, useState } from 'react';
import { Skeleton } from '../../components/empty-state.js';
import { useModels } from '../../store/models-store.js';
import { toastSuccess } from '../../store/toast-store.js';
import { FirstRunPanel } from './first-run-panel.js';
import { bareHost, hostProblem, normalizeHostInput } from './host-address.js';
import { probeHost, saveHosts, type Probe } from './host-probe.js';

function ProbeResult({ probe }: { probe: Probe }) {
  if (!probe.ok) return <div className="host-error">{probe.error?.message ?? 'No answer.'}</div>;
  return (
    <div className="cell-sub" data-testid="probe-result">
      Answers{probe.version ? ` · Ollama ${probe.version}` : ''} · {probe.models.length === 0 ? 'no models yet' : `${probe.models.length} model${probe.models.length === 1 ? '' : 's'}: ${probe.models.slice(0, 6).join(', ')}${probe.models.length > 6 ? '…' : ''}`}
    </div>
  );
}

/**
 * The Ollama hosts of llm_policy, in the order the engine tries them: add one
 * (tried first), remove, move up or down, and test any of them for its
 * version and models. Each change is saved at once. While no host answers
 * it explains what Ollama is (the first-run panel, short), unless the page
 * around it shows that panel already (`explain={false}`: the Models view).
 */
export function HostsEditor({ explain = true }: { explain?: boolean; focus?: string } = {}) {
  const hosts = useModels((s) => s.hosts);
  const llm = useModels((s) => s.llm);
  const loaded = useModels((s) => s.loaded);
  const policyHosts = useModels((s) => s.policy?.hosts ?? null);
  const load = useModels((s) => s.load);
  const notConfigured = useModels((s) => s.notConfigured);
  const [probes, setProbes] = useState<Record<string, Probe | 'busy'>>({});
  const [draft, setDraft] = useState('');
  const [draftError, setDraftError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => void load().catch(() => {}), [load]);
  const list = policyHosts ?? hosts.map((h) => h.host);
  const health = new Map(hosts.map((h) => [bareHost(h.host), h]));
  const active = llm?.active ? bareHost(llm.active) : null;

  const test = async (host: string): Promise<Probe> => {
    setProbes((p) => ({ ...p, [host]: 'busy' }));
    const r = await probeHost(host);
    setProbes((p) => ({ ...p, [host]: r }));
    return r;
  };
  const change = async (next: string[], done: string): Promise<void> => {
    setBusy(true);
    if (await saveHosts(next)) toastSuccess(done);
    setBusy(false);
  };
  const add = async (): Promise<void> => {
    const problem = hostProblem(draft, list);
    setDraftError(problem);
    if (problem) return;
    const host = normalizeHostInput(draft);
    await test(host);
    await change([...list, host], `Added ${host}`);
    setDraft('');
  };
  const allDown = loaded && hosts.length > 0 && hosts.every((h) => !h.ok);

  return (
    <section className="panel" aria-labelledby="hosts-title" data-testid="hosts-panel">
      <header className="panel-head">
        <h2 id="hosts-title">Ollama hosts</h2>
        <span className="panel-meta">Tried in this order; the first that answers is used.</span>
      </header>
      {allDown && explain && <FirstRunPanel compact />}
      {notConfigured && <p className="field-hint">{notConfigured} Hosts can still be listed here; they are used once the engine runs with an LLM.</p>}
      {!loaded && !policyHosts ? (
        <Skeleton lines={2} />
      ) : (
        <ol className="host-list">
          {list.map((raw, i) => {
            const h = bareHost(raw);
            const hh = health.get(h);
            const probe = probes[h];
            return (
              <li key={h} className="host-row" data-testid="host-row" data-host={h} data-ok={hh ? hh.ok : undefined}>
                <div className="host-url">
                  <code>{h}</code>
                  {hh && <span className={`badge ${hh.ok ? 'badge-ok' : 'badge-bad'}`}>{hh.ok ? 'up' : 'down'}</span>}
                  {active === h && <span className="badge badge-info">in use</span>}
                </div>
                <div className="host-tools">
                  <button type="button" className="btn btn-ghost btn-small" disabled={probe === 'busy'} onClick={() => void test(h)}>
                    {probe === 'busy' ? 'Testing…' : 'Test'}
                  </button>
                  <button type="button" className="icon-btn" aria-label={`Move ${h} up`} disabled={busy || i === 0} onClick={() => void change([...list.slice(0, i - 1), raw, list[i - 1] as string, ...list.slice(i + 1)], `${h} is tried earlier now`)}>
                    ↑
                  </button>
                  <button type="button" className="icon-btn" aria-label={`Move ${h} down`} disabled={busy || i === list.length - 1} onClick={() => void change([...list.slice(0, i), list[i + 1] as string, raw, ...list.slice(i + 2)], `${h} is tried later now`)}>
                    ↓
                  </button>
                  <button type="button" className="icon-btn" aria-label={`Remove ${h}`} disabled={busy || list.length === 1} title={list.length === 1 ? 'The last host cannot be removed; add another first.' : undefined} onClick={() => void change(list.filter((_, j) => j !== i), `Removed ${h}`)}>
                    ×
                  </button>
                </div>
                <div className="host-status">
                  {probe && probe !== 'busy' ? (
                    <ProbeResult probe={probe} />
                  ) : hh ? (
                    hh.ok ? (
                      <div className="cell-sub">Reachable{hh.version ? ` · Ollama ${hh.version}` : ''}</div>
                    ) : (
                      <div className="host-error">{hh.error?.message ?? 'No answer.'}</div>
                    )
                  ) : (
                    <div className="cell-sub">Not checked yet.</div>
                  )}
                </div>
              </li>
            );
          })}
        </ol>
      )}
      <form
        className="host-add"
        onSubmit={(e) => {
          e.preventDefault();
          void add();
        }}
      >
        <label className="field">
          <span className="field-label">Add a host</span>
          <input
            className="input"
            placeholder="http://192.168.1.20:11434"
            spellCheck={false}
            value={draft}
            aria-invalid={draftError ? true : undefined}
            aria-describedby={draftError ? 'host-add-error' : undefined}
            onChange={(e) => {
              setDraft(e.target.value);
              setDraftError(null);
            }}
          />
        </label>
        <button type="button" className="btn btn-ghost btn-small" disabled={!draft.trim()} onClick={() => void test(normalizeHostInput(draft))}>
          Test
        </button>
        <button type="submit" className="btn btn-primary btn-small" disabled={busy || !draft.trim()}>
          Add
        </button>
      </form>
      {draftError && (
        <div className="field-error" id="host-add-error" role="alert">
          {draftError}
        </div>
      )}
      {draft.trim() && probes[normalizeHostInput(draft)] && probes[normalizeHostInput(draft)] !== 'busy' && !list.map(bareHost).includes(normalizeHostInput(draft)) && (
        <ProbeResult probe={probes[normalizeHostInput(draft)] as Probe} />
      )}
    </section>
  );
}

/** The Models view shows the same editor. */
export const HostsPanel = HostsEditor;
