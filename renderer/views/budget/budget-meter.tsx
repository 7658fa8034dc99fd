import { useState } from 'react';
import { GrantDialog, stoppedLines } from './grant-dialog.js';
import { usePoll } from './use-poll.js';

const fmt = (n: number): string => (n >= 10_000 ? `${(n / 1000).toFixed(n >= 100_000 ? 0 : 1)}k` : Math.round(n).toLocaleString('en-US'));

/**
 * The live token meter: what the company spent today, what is left of the
 * tightest company budget, the forecast to midnight at the last hour's rate,
 * and how much work a budget holds right now.
 */
export function BudgetMeter({ compact = false }: { compact?: boolean }) {
  const { data, error, reload } = usePoll('budget.status', {}, 10_000);
  const [granting, setGranting] = useState(false);
  if (error) return <div className="budget-meter is-error" data-testid="budget-meter">Budget: {error}</div>;
  if (!data) return <div className="budget-meter" data-testid="budget-meter">Budget…</div>;
  const company = data.lines.filter((l) => l.scope === 'company' && l.unit === 'tokens').sort((a, b) => b.ratio - a.ratio)[0];
  const ratio = company ? Math.min(1, company.ratio) : 0;
  const tone = !company ? 'muted' : company.ratio >= 1 ? 'danger' : company.ratio >= 0.8 ? 'warn' : 'ok';
  // A hard stop: a budget spent to its end holds LLM work until it is raised or an allowance is granted.
  const stopped = data.enabled ? stoppedLines(data.lines) : [];
  return (
    <div className={`budget-meter tone-${tone}${compact ? ' is-compact' : ''}`} data-testid="budget-meter" data-ratio={company ? company.ratio.toFixed(2) : ''}>
      <span className="budget-label">Tokens today</span>
      <strong data-testid="budget-spent">{fmt(data.company.tokens)}</strong>
      {company ? (
        <>
          <span className="budget-bar" role="meter" aria-label="Company token budget used" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(ratio * 100)}>
            <span style={{ width: `${ratio * 100}%` }} />
          </span>
          <span data-testid="budget-left">{fmt(company.left)} left</span>
        </>
      ) : (
        <span className="cell-sub">no company budget</span>
      )}
      <span className="cell-sub" data-testid="budget-forecast" title="At the last hour's rate, by local midnight">
        → {fmt(data.company.forecastTokens)} by midnight
      </span>
      {data.company.cost !== null && <span className="cell-sub">${data.company.cost.toFixed(2)}</span>}
      {data.held.length > 0 && (
        <span className="badge badge-danger" data-testid="budget-held" title={data.held[0]?.reason}>
          {data.held.length} held
        </span>
      )}
      {stopped.length > 0 && (
        <button type="button" className="btn btn-small btn-danger" onClick={() => setGranting(true)} data-testid="grant-allowance" title={`${stopped.length} ${stopped.length === 1 ? 'budget is' : 'budgets are'} spent: LLM work waits`}>
          Grant allowance
        </button>
      )}
      {granting && <GrantDialog lines={stopped} onClose={() => setGranting(false)} onGranted={reload} />}
    </div>
  );
}
