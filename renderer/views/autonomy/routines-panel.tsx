import { useState } from 'react';
import { EmptyState, Skeleton } from '../../components/empty-state.js';
import { timeAgo } from '../../lib/time-format.js';
import { agentName, useAgents } from '../../store/agents-store.js';
import { callOrToast } from '../../store/call.js';
import { usePoll } from '../budget/use-poll.js';

const dayNames = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const outcomeTone: Record<string, string> = { ran: 'ok', caught_up: 'warn', manual: 'info', skipped: 'muted', rejected: 'danger' };

/** Routines: time-of-day jobs per agent, with next run, last run, history and Run now; time, days and on/off editable. */
export function RoutinesPanel({ now }: { now: number }) {
  const list = usePoll('routines.list', {}, 15_000);
  const history = usePoll('routines.history', { limit: 50 }, 15_000);
  const [busy, setBusy] = useState<number | null>(null);
  const agents = useAgents((s) => s.agents);
  const act = async (id: number, fn: () => Promise<unknown>): Promise<void> => {
    setBusy(id);
    try {
      await fn();
    } catch {
      // the toast says why
    } finally {
      setBusy(null);
      list.reload();
      history.reload();
    }
  };
  return (
    <section className="panel" aria-label="Routines" data-testid="routines-panel">
      <header className="panel-head">
        <h2>Routines</h2>
        <span className="cell-sub">in your time zone; missed while closed → run once on wake</span>
      </header>
      {!list.data ? (
        list.error ? <p className="form-error">{list.error}</p> : <Skeleton lines={4} />
      ) : list.data.length === 0 ? (
        <EmptyState title="No routines">Routines run at a time of day, through the same gates and budgets as every proposal.</EmptyState>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>Routine</th>
              <th>Agent</th>
              <th>Time</th>
              <th>Days</th>
              <th>Next</th>
              <th>Last</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.data.map((r) => (
              <tr key={r.id} data-testid="routine-row" data-routine={r.name}>
                <td>
                  <div>{r.name}</div>
                  <div className="cell-sub">{r.prompt}</div>
                </td>
                <td>{agentName(agents, r.agentId)}</td>
                <td>
                  <input
                    type="time"
                    className="input"
                    aria-label={`Time of ${r.name}`}
                    defaultValue={r.timeOfDay}
                    onBlur={(e) => e.target.value && e.target.value !== r.timeOfDay && void act(r.id, () => callOrToast('routines.update', { id: r.id, timeOfDay: e.target.value }))}
                  />
                </td>
                <td className="cell-sub">{r.days.length === 7 ? 'every day' : r.days.map((d) => dayNames[d]).join(' ')}</td>
                <td className="cell-sub nowrap">{r.enabled ? (r.nextRunAt ? new Date(r.nextRunAt).toLocaleString() : '—') : 'off'}</td>
                <td className="cell-sub nowrap">{r.lastRunAt ? timeAgo(r.lastRunAt, now) : 'never'}</td>
                <td className="nowrap">
                  <label className="cell-sub">
                    <input type="checkbox" checked={r.enabled} disabled={busy === r.id} onChange={(e) => void act(r.id, () => callOrToast('routines.update', { id: r.id, enabled: e.target.checked }))} /> on
                  </label>{' '}
                  <button type="button" className="btn btn-ghost btn-small" disabled={busy === r.id} onClick={() => void act(r.id, () => callOrToast('routines.runNow', { id: r.id }))}>
                    Run now
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>History</h3>
      <ul className="decision-list" data-testid="routine-history">
        {(history.data ?? []).map((h) => (
          <li key={h.id} className="decision-row" data-outcome={h.outcome}>
            <span className={`badge badge-${outcomeTone[h.outcome] ?? 'muted'}`}>{h.outcome.replace('_', ' ')}</span>
            <div className="decision-main">
              <div className="decision-title">{list.data?.find((r) => r.id === h.routineId)?.name ?? `routine #${h.routineId}`}</div>
              {h.reason && <div className="cell-sub">{h.reason}</div>}
            </div>
            <div className="decision-side cell-sub nowrap">
              {h.dueAt ? `due ${new Date(h.dueAt).toLocaleString()}` : 'run now'}
              {h.proposalId ? ` · proposal #${h.proposalId}` : ''}
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
