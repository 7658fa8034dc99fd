import { useCallback, useState, type CSSProperties } from 'react';
import { AgentAvatar } from '../../components/agent-avatar.js';
import { EmptyState, Skeleton } from '../../components/empty-state.js';
import { conversationHref } from '../../lib/router.js';
import { shortDate } from '../../lib/time-format.js';
import { agentName, useAgents } from '../../store/agents-store.js';
import { useRoundtables, type Relationship } from '../../store/roundtables-store.js';
import { AffinityChart } from './affinity-chart.js';
import { affinityColor, signed } from './roundtable-format.js';

const pairKey = (r: Pick<Relationship, 'agentA' | 'agentB'>): string => `${r.agentA}|${r.agentB}`;

function DriftLog({ rel }: { rel: Relationship }) {
  const agents = useAgents((s) => s.agents);
  const log = [...rel.driftLog].reverse();
  return (
    <div className="drift-log" data-testid="drift-log">
      <div className="drift-head">
        <strong>
          {agentName(agents, rel.agentA)} ↔ {agentName(agents, rel.agentB)}
        </strong>
        <span className="cell-sub">
          {rel.totalInteractions} interactions · {rel.positiveInteractions} positive · {rel.negativeInteractions} negative
        </span>
      </div>
      {rel.backstory && <p className="drift-backstory">{rel.backstory}</p>}
      {log.length === 0 ? (
        <p className="models-note">No drift yet: conversations move this number a little at a time.</p>
      ) : (
        <ul className="drift-list">
          {log.map((d, i) => (
            <li key={`${d.at}-${i}`} className="drift-row">
              <span className={`num ${d.drift >= 0 ? 'tone-ok' : 'tone-bad'}`}>{signed(d.drift)}</span>
              <span className="num">→ {d.affinity.toFixed(2)}</span>
              <span className="drift-reason">{d.reason}</span>
              <span className="cell-sub nowrap">
                {d.conversationId ? <a href={conversationHref(d.conversationId)}>#{d.conversationId}</a> : null} {shortDate(d.at)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** How the six get along: a matrix of the 15 pairs, each pair's affinity as a bar, and why it drifted. */
export function RelationshipsPanel() {
  const relationships = useRoundtables((s) => s.relationships);
  const loaded = useRoundtables((s) => s.loaded);
  const agents = useAgents((s) => s.agents);
  const [selected, setSelected] = useState<string | null>(null);
  const ids = agents.map((a) => a.id);
  const byPair = new Map(relationships.map((r) => [pairKey(r), r]));
  const find = (a: string, b: string): Relationship | undefined => byPair.get(a < b ? `${a}|${b}` : `${b}|${a}`);
  const sorted = [...relationships].sort((x, y) => y.affinity - x.affinity);
  const open = selected ? byPair.get(selected) : undefined;
  const names = useCallback((id: string) => agentName(agents, id), [agents]);
  return (
    <section className="panel" aria-label="Relationships" data-testid="relationships-panel">
      <header className="panel-head">
        <h2>Relationships</h2>
        <span className="panel-meta">{relationships.length} pairs · affinity 0 (tension) to 1 (close)</span>
      </header>
      {!loaded ? (
        <Skeleton lines={6} />
      ) : relationships.length === 0 ? (
        <EmptyState title="No relationships yet" />
      ) : (
        <div className="rel-grid">
          <table className="rel-matrix" aria-label="Affinity matrix">
            <thead>
              <tr>
                <th />
                {ids.map((id) => (
                  <th key={id} scope="col">
                    <AgentAvatar agentId={id} name={agentName(agents, id)} size="sm" />
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {ids.map((row) => (
                <tr key={row}>
                  <th scope="row">
                    <span className="rel-row-name">
                      <AgentAvatar agentId={row} name={agentName(agents, row)} size="sm" />
                      {agentName(agents, row)}
                    </span>
                  </th>
                  {ids.map((col) => {
                    const r = row === col ? undefined : find(row, col);
                    if (!r) return <td key={col} className="rel-cell rel-self" />;
                    const style = { '--aff': affinityColor(r.affinity) } as CSSProperties;
                    return (
                      <td key={col} className={`rel-cell${selected === pairKey(r) ? ' is-selected' : ''}`} style={style}>
                        <button
                          type="button"
                          title={`${agentName(agents, row)} ↔ ${agentName(agents, col)}: ${r.affinity.toFixed(2)}`}
                          onClick={() => setSelected(pairKey(r))}
                        >
                          {r.affinity.toFixed(2)}
                        </button>
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
          <ul className="rel-list">
            {sorted.map((r) => {
              const last = r.driftLog[r.driftLog.length - 1];
              return (
                <li key={pairKey(r)}>
                  <button
                    type="button"
                    className={`rel-row${selected === pairKey(r) ? ' is-selected' : ''}`}
                    data-testid="relationship-row"
                    data-pair={pairKey(r)}
                    onClick={() => setSelected(selected === pairKey(r) ? null : pairKey(r))}
                  >
                    <span className="rel-names">
                      {agentName(agents, r.agentA)} ↔ {agentName(agents, r.agentB)}
                    </span>
                    <span className="rel-bar" role="meter" aria-valuemin={0} aria-valuemax={1} aria-valuenow={r.affinity} aria-label="Affinity">
                      <span className="rel-fill" style={{ width: `${r.affinity * 100}%`, background: affinityColor(r.affinity) }} />
                    </span>
                    <span className="num">{r.affinity.toFixed(2)}</span>
                    <span className={`num rel-drift ${last ? (last.drift >= 0 ? 'tone-ok' : 'tone-bad') : 'tone-muted'}`}>{last ? signed(last.drift) : ''}</span>
                  </button>
                </li>
              );
            })}
          </ul>
          <AffinityChart relationships={relationships} names={names} selected={open ? selected : null} />
          {open && <DriftLog rel={open} />}
        </div>
      )}
    </section>
  );
}
