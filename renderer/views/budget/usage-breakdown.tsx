import { useState } from 'react';
import { EmptyState } from '../../components/empty-state.js';
import { usePoll } from './use-poll.js';

type Row = { key: string; label: string; calls: number; tokens: number; seconds: number; cost?: number | null };

function Table({ title, rows }: { title: string; rows: Row[] }) {
  const total = rows.reduce((n, r) => n + r.tokens, 0) || 1;
  return (
    <div className="breakdown-table" data-testid={`breakdown-${title.toLowerCase().replace(/\s+/g, '-')}`}>
      <h3>{title}</h3>
      <table className="table">
        <thead>
          <tr>
            <th>{title.replace(/^By /, '')}</th>
            <th className="num">Calls</th>
            <th className="num">Tokens</th>
            <th className="num">Share</th>
            <th className="num">LLM s</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key}>
              <td>{r.label.replace(/_/g, ' ')}</td>
              <td className="num">{r.calls}</td>
              <td className="num">{Math.round(r.tokens).toLocaleString('en-US')}</td>
              <td className="num">{Math.round((r.tokens / total) * 100)}%</td>
              <td className="num">{r.seconds.toFixed(1)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** "What used my tokens": by agent, by purpose (step kind, conversation, distillation, initiative, chat), by trigger rule. */
export function UsageBreakdown() {
  const [days, setDays] = useState(1);
  const { data, error } = usePoll('budget.usage', { days }, 15_000);
  return (
    <section className="panel" aria-label="What used my tokens" data-testid="usage-breakdown">
      <header className="panel-head">
        <h2>What used my tokens</h2>
        <div className="chip-row" role="group" aria-label="Period">
          {[1, 7, 30].map((d) => (
            <button key={d} type="button" className={`chip${days === d ? ' is-on' : ''}`} aria-pressed={days === d} onClick={() => setDays(d)}>
              {d === 1 ? 'Today' : `${d} days`}
            </button>
          ))}
        </div>
      </header>
      {error && <p className="form-error">{error}</p>}
      {data && data.byAgent.length === 0 ? (
        <EmptyState title="No LLM calls yet">Every call is counted here by agent, purpose and trigger rule.</EmptyState>
      ) : data ? (
        <div className="breakdown-grid">
          <Table title="By agent" rows={data.byAgent} />
          <Table title="By purpose" rows={data.byPurpose} />
          <Table title="By trigger rule" rows={data.byRule} />
        </div>
      ) : null}
    </section>
  );
}
