import { Fragment, useState } from 'react';
import { EmptyState, Skeleton } from '../../components/empty-state.js';
import { Toggle } from '../../components/toggle.js';
import { proposalHref } from '../../lib/router.js';
import { timeAgo } from '../../lib/time-format.js';
import { agentName, useAgents } from '../../store/agents-store.js';
import { useAutonomy, type RunNowResult, type TriggerRule } from '../../store/autonomy-store.js';
import { toastError } from '../../store/toast-store.js';
import { decisionTone, human, minutesLabel, splitResult, untilLabel } from './autonomy-format.js';
import { RuleEditor } from './rule-editor.js';

function RunResult({ result }: { result: RunNowResult }) {
  return (
    <div className={`run-result run-${result.decision}`} data-testid="run-result" data-decision={result.decision} role="status">
      <span className="run-result-label">Run now →</span>
      <span className={`badge badge-${decisionTone(result.decision)}`}>{human(result.decision)}</span>
      <span className="run-result-reason">{result.reason}</span>
      {result.proposalId && (
        <a href={proposalHref(result.proposalId)} data-testid="run-proposal" data-proposal={result.proposalId}>
          Open in Proposals →
        </a>
      )}
    </div>
  );
}

function LastResult({ rule, now }: { rule: TriggerRule; now: number }) {
  const last = splitResult(rule.lastResult);
  if (!last) return <span className="tone-muted">never evaluated</span>;
  return (
    <div className="rule-last">
      <div>
        <span className={`badge badge-${decisionTone(last.head.replace(' ', '_'))}`}>{human(last.head)}</span>
        <span className="cell-sub"> {timeAgo(rule.lastEvaluatedAt, now)}</span>
      </div>
      {last.rest && <div className="cell-sub rule-last-text">{last.rest}</div>}
      {rule.skipReason && rule.skipReason !== last.rest && <div className="cell-sub tone-warn">skipped: {rule.skipReason}</div>}
    </div>
  );
}

function action(rule: TriggerRule, names: (id: string) => string): string {
  const a = rule.actionConfig;
  const who = typeof a.agent === 'string' ? names(a.agent) : '?';
  const kind = typeof a.step_kind === 'string' ? a.step_kind : 'analyze';
  return `${who} · ${kind}`;
}

/** Every trigger rule: when it may fire next, what it did last, a switch, Run now and Edit. */
export function RulesPanel({ now }: { now: number }) {
  const rules = useAutonomy((s) => s.rules);
  const loaded = useAutonomy((s) => s.loaded);
  const busy = useAutonomy((s) => s.busy);
  const lastRun = useAutonomy((s) => s.lastRun);
  const runNow = useAutonomy((s) => s.runNow);
  const update = useAutonomy((s) => s.update);
  const agents = useAgents((s) => s.agents);
  const [editing, setEditing] = useState<TriggerRule | null>(null);
  const reactive = rules.filter((r) => r.kind === 'reactive').length;

  const toggle = async (rule: TriggerRule, enabled: boolean): Promise<void> => {
    const refusal = await update(rule.id, { enabled });
    if (refusal) toastError(`Could not ${enabled ? 'enable' : 'disable'} ${rule.name}`, refusal);
  };

  return (
    <section className="panel" aria-label="Trigger rules" data-testid="rules-panel">
      <header className="panel-head">
        <h2>Trigger rules</h2>
        <span className="panel-meta">
          {reactive} reactive · {rules.length - reactive} proactive · checked every heartbeat
        </span>
      </header>
      {!loaded ? (
        <Skeleton lines={6} />
      ) : rules.length === 0 ? (
        <EmptyState title="No trigger rules">The engine seeds 4 reactive and 7 proactive rules at its first start.</EmptyState>
      ) : (
        <table className="table rules-table">
          <thead>
            <tr>
              <th>Rule</th>
              <th>On</th>
              <th className="num-col">Cooldown</th>
              <th>Next eligible</th>
              <th>Last result</th>
              <th className="num-col">Fired</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {rules.map((r) => {
              const run = lastRun[r.id];
              const due = untilLabel(r.nextEligibleAt, now);
              return (
                <Fragment key={r.id}>
                  <tr data-testid="rule-row" data-rule={r.name} data-kind={r.kind} data-enabled={r.enabled} className={`${r.enabled ? '' : 'is-off'}${run ? ' has-run' : ''}`}>
                    <td>
                      <div className="rule-name">
                        <code className="cell-title">{r.name}</code>
                        <span className={`badge ${r.kind === 'proactive' ? 'badge-info' : 'badge-live'}`}>{r.kind}</span>
                      </div>
                      <div className="cell-sub">
                        {r.kind === 'reactive' ? `on ${human(r.triggerEvent)} → ` : ''}
                        {action(r, (id) => agentName(agents, id))}
                      </div>
                    </td>
                    <td>
                      <Toggle label={`Enable ${r.name}`} checked={r.enabled} disabled={busy.has(r.id)} onChange={(on) => void toggle(r, on)} />
                    </td>
                    <td className="num num-col nowrap">{minutesLabel(r.cooldownMinutes)}</td>
                    <td className="nowrap" data-testid="rule-next" title={r.nextEligibleAt ?? 'no wait'}>
                      <span className={due === 'due' ? 'tone-ok' : 'tone-muted'}>{due}</span>
                    </td>
                    <td className="rule-last-cell">
                      <LastResult rule={r} now={now} />
                    </td>
                    <td className="num num-col" data-testid="rule-fires">
                      {r.fireCount}
                      {r.lastFiredAt && <div className="cell-sub">{timeAgo(r.lastFiredAt, now)}</div>}
                    </td>
                    <td>
                      <div className="row-actions">
                        <button type="button" className="btn btn-ghost btn-small" disabled={busy.has(r.id)} onClick={() => void runNow(r.id)}>
                          {busy.has(r.id) ? 'Running…' : 'Run now'}
                        </button>
                        <button type="button" className="btn btn-ghost btn-small" aria-label={`Edit ${r.name}`} onClick={() => setEditing(r)}>
                          Edit
                        </button>
                      </div>
                    </td>
                  </tr>
                  {run && (
                    <tr className="rule-run-row" data-rule={r.name}>
                      <td colSpan={7}>
                        <RunResult result={run} />
                      </td>
                    </tr>
                  )}
                </Fragment>
              );
            })}
          </tbody>
        </table>
      )}
      {editing && <RuleEditor rule={editing} onClose={() => setEditing(null)} />}
    </section>
  );
}
