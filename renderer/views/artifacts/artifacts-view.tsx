import { useEffect, useState } from 'react';
import type { CallInput, CallOutput } from '../../../core/api/contract.js';
import { AgentAvatar } from '../../components/agent-avatar.js';
import { EmptyState, Skeleton } from '../../components/empty-state.js';
import { PanelBoundary } from '../../components/panel-boundary.js';
import { artifactHref, navigate } from '../../lib/router.js';
import { shortDate } from '../../lib/time-format.js';
import { agentName, useAgents } from '../../store/agents-store.js';
import { callOrToast } from '../../store/call.js';
import { ArtifactDetail } from './artifact-detail.js';

type Item = CallOutput<'artifacts.list'>['items'][number];
type Kind = NonNullable<CallInput<'artifacts.list'>>['kind'];
const kinds: { id: NonNullable<Kind>; label: string }[] = [
  { id: 'analysis', label: 'Analyses' },
  { id: 'document', label: 'Documents' },
  { id: 'crawl', label: 'Crawled pages' },
  { id: 'draft', label: 'Drafts' },
  { id: 'post', label: 'Posts' },
  { id: 'note', label: 'Notes' },
];

const PAGE = 50;

/** What agents wrote and crawled: filter by agent, kind, mission and words; read one whole. */
export function ArtifactsView({ artifactId }: { artifactId: number | null }) {
  const agents = useAgents((s) => s.agents);
  const [agent, setAgent] = useState('');
  const [kind, setKind] = useState<Kind>(undefined);
  const [mission, setMission] = useState('');
  const [q, setQ] = useState('');
  const [items, setItems] = useState<Item[] | null>(null);
  const [next, setNext] = useState<number | null>(null);
  const [reload, setReload] = useState(0);
  const missionId = /^\d+$/.test(mission.trim()) ? Number(mission.trim()) : undefined;
  const filters = { ...(agent ? { agentId: agent } : {}), ...(kind ? { kind } : {}), ...(missionId ? { missionId } : {}), ...(q.trim() ? { q: q.trim() } : {}), limit: PAGE };

  useEffect(() => {
    let live = true;
    const t = setTimeout(() => {
      callOrToast('artifacts.list', filters).then(
        (r) => live && (setItems(r.items), setNext(r.nextCursor)),
        () => live && setItems([]),
      );
    }, 150);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [agent, kind, missionId, q, reload]);

  const more = async (): Promise<void> => {
    if (next === null) return;
    const r = await callOrToast('artifacts.list', { ...filters, cursor: next }).catch(() => null);
    if (r) {
      setItems([...(items ?? []), ...r.items]);
      setNext(r.nextCursor);
    }
  };

  return (
    <div className="page artifacts-page" data-testid="artifacts-view">
      <section className="panel artifact-list-panel" aria-labelledby="artifacts-title">
        <header className="panel-head">
          <h2 id="artifacts-title">Artifacts</h2>
          <span className="panel-meta">{items ? `${items.length}${next !== null ? '+' : ''} shown` : ''}</span>
        </header>
        <div className="artifact-filters">
          <input className="input input-search" type="search" aria-label="Search artifacts" placeholder="Search titles and text…" value={q} onChange={(e) => setQ(e.target.value)} />
          <select className="input" aria-label="Agent" value={agent} onChange={(e) => setAgent(e.target.value)}>
            <option value="">Every agent</option>
            {agents.map((a) => (
              <option key={a.id} value={a.id}>
                {a.displayName}
              </option>
            ))}
          </select>
          <select className="input" aria-label="Kind" value={kind ?? ''} onChange={(e) => setKind((e.target.value || undefined) as Kind)}>
            <option value="">Every kind</option>
            {kinds.map((k) => (
              <option key={k.id} value={k.id}>
                {k.label}
              </option>
            ))}
          </select>
          <input className="input input-number" inputMode="numeric" aria-label="Mission number" placeholder="Mission #" value={mission} onChange={(e) => setMission(e.target.value)} />
        </div>
        <div className="artifact-list" data-testid="artifact-list">
          {!items ? (
            <Skeleton lines={6} />
          ) : items.length === 0 ? (
            <EmptyState title="Nothing here yet">Analyses, documents, drafts and crawled pages appear here as agents make them.</EmptyState>
          ) : (
            <ul>
              {items.map((it) => (
                <li key={it.id}>
                  <a className={`artifact-row${it.id === artifactId ? ' is-selected' : ''}`} href={artifactHref(it.id)} aria-current={it.id === artifactId ? 'true' : undefined} data-testid="artifact-row">
                    <AgentAvatar agentId={it.agentId ?? 'system'} name={agentName(agents, it.agentId)} size="sm" />
                    <span className="artifact-row-main">
                      <span className="artifact-row-title">{it.title || `Untitled ${it.kind}`}</span>
                      <span className="cell-sub">
                        {it.kind}
                        {it.version > 1 ? ` · v${it.version}` : ''} · {agentName(agents, it.agentId)} · {shortDate(it.createdAt)}
                        {it.missionId !== null ? ` · mission #${it.missionId}` : ''}
                      </span>
                    </span>
                  </a>
                </li>
              ))}
            </ul>
          )}
          {next !== null && (
            <button type="button" className="btn btn-ghost btn-small" onClick={() => void more()}>
              Show older
            </button>
          )}
        </div>
      </section>
      <div className="artifact-side">
        {artifactId === null ? (
          <EmptyState title="Pick an artifact">Its whole text is shown here, as written; edit it to save a new version.</EmptyState>
        ) : (
          <PanelBoundary name="Artifact" resetKey={artifactId}>
            <ArtifactDetail
              id={artifactId}
              onSaved={(id) => {
                setReload((n) => n + 1);
                navigate({ view: 'artifacts', artifactId: id });
              }}
            />
          </PanelBoundary>
        )}
      </div>
    </div>
  );
}
