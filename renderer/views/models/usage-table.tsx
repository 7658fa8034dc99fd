import { EmptyState, Skeleton } from '../../components/empty-state.js';
import { formatMs } from '../../lib/time-format.js';
import { agentName, useAgents } from '../../store/agents-store.js';
import { useModels, type UsageRow } from '../../store/models-store.js';
import { formatCount } from './model-format.js';

const dayFmt = new Intl.DateTimeFormat(undefined, { weekday: 'short', month: 'short', day: 'numeric', timeZone: 'UTC' });

/** "2025-03-04" → "Tue, Mar 4" (the engine already grouped by the local day of llm_policy's time zone). */
function dayLabel(day: string): string {
  const t = Date.parse(`${day}T00:00:00Z`);
  return Number.isNaN(t) ? day : dayFmt.format(t);
}

function totals(rows: readonly UsageRow[]): Omit<UsageRow, 'day' | 'agentId'> {
  return rows.reduce(
    (t, r) => ({
      calls: t.calls + r.calls,
      failed: t.failed + r.failed,
      promptTokens: t.promptTokens + r.promptTokens,
      completionTokens: t.completionTokens + r.completionTokens,
      durationMs: t.durationMs + r.durationMs,
    }),
    { calls: 0, failed: 0, promptTokens: 0, completionTokens: 0, durationMs: 0 },
  );
}

/** LLM calls of the last 7 days, per day and agent: how many, how many failed, tokens and time. */
export function UsageTable() {
  const usage = useModels((s) => s.usage);
  const loaded = useModels((s) => s.loaded);
  const agents = useAgents((s) => s.agents);
  const sum = totals(usage);
  return (
    <section className="panel" aria-label="LLM usage" data-testid="llm-usage">
      <header className="panel-head">
        <h2>LLM usage</h2>
        <span className="panel-meta">last 7 days{usage.length ? ` · ${formatCount(sum.calls)} calls` : ''}</span>
      </header>
      {!loaded ? (
        <Skeleton lines={3} />
      ) : usage.length === 0 ? (
        <EmptyState title="No LLM calls in the last 7 days">Every call the agents make is counted here: tokens in and out, time, failures.</EmptyState>
      ) : (
        <table className="table usage-table">
          <thead>
            <tr>
              <th>Day</th>
              <th>Agent</th>
              <th className="num-col">Calls</th>
              <th className="num-col">Failed</th>
              <th className="num-col">Prompt tokens</th>
              <th className="num-col">Completion tokens</th>
              <th className="num-col">Time</th>
            </tr>
          </thead>
          <tbody>
            {usage.map((r, i) => (
              <tr key={`${r.day}/${r.agentId ?? ''}`} data-testid="usage-row" data-day={r.day} data-agent={r.agentId ?? 'system'} className={i > 0 && usage[i - 1]?.day === r.day ? 'same-day' : undefined}>
                <td className="nowrap">{i > 0 && usage[i - 1]?.day === r.day ? '' : dayLabel(r.day)}</td>
                <td>{agentName(agents, r.agentId)}</td>
                <td className="num num-col">{formatCount(r.calls)}</td>
                <td className={`num num-col${r.failed ? ' tone-bad' : ''}`}>{formatCount(r.failed)}</td>
                <td className="num num-col">{formatCount(r.promptTokens)}</td>
                <td className="num num-col">{formatCount(r.completionTokens)}</td>
                <td className="num num-col nowrap">{formatMs(r.durationMs)}</td>
              </tr>
            ))}
          </tbody>
          {usage.length > 1 && (
            <tfoot>
              <tr className="usage-total">
                <td colSpan={2}>Total</td>
                <td className="num num-col">{formatCount(sum.calls)}</td>
                <td className={`num num-col${sum.failed ? ' tone-bad' : ''}`}>{formatCount(sum.failed)}</td>
                <td className="num num-col">{formatCount(sum.promptTokens)}</td>
                <td className="num num-col">{formatCount(sum.completionTokens)}</td>
                <td className="num num-col nowrap">{formatMs(sum.durationMs)}</td>
              </tr>
            </tfoot>
          )}
        </table>
      )}
    </section>
  );
}
