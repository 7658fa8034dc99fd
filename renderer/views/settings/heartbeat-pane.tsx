import { useCallback, useEffect, useState } from 'react';
import type { CallOutput } from '../../../core/api/contract.js';
import { EmptyState, Skeleton } from '../../components/empty-state.js';
import { shortDate } from '../../lib/time-format.js';
import { callOrToast } from '../../store/call.js';
import { settingsHref } from '../../lib/router.js';

type Run = CallOutput<'heartbeat.runs'>[number];

const jobName = (n: string): string => n.replace(/_/g, ' ');

function resultText(result: unknown): string {
  if (result === null || result === undefined) return 'done';
  if (typeof result === 'number' || typeof result === 'string' || typeof result === 'boolean') return String(result);
  if (typeof result === 'object')
    return Object.entries(result as Record<string, unknown>)
      .filter(([, v]) => typeof v !== 'object' || v === null)
      .slice(0, 4)
      .map(([k, v]) => `${k.replace(/_/g, ' ')} ${String(v)}`)
      .join(' · ') || 'done';
  return 'done';
}

function RunRow({ run }: { run: Run }) {
  const [open, setOpen] = useState(false);
  const failed = run.jobs.filter((j) => !j.ok).length;
  return (
    <li className={`hb-run hb-${run.status}`} data-testid="heartbeat-run" data-status={run.status}>
      <button type="button" className="hb-run-head" aria-expanded={open} onClick={() => setOpen(!open)}>
        <span className={`badge ${run.status === 'succeeded' ? 'badge-ok' : run.status === 'partial' ? 'badge-warn' : 'badge-bad'}`}>{run.status}</span>
        <span className="hb-when">{shortDate(run.startedAt)}</span>
        <span className="cell-sub">
          {run.jobs.length} jobs{failed ? `, ${failed} failed` : ''} · {Math.round(run.durationMs)} ms
        </span>
      </button>
      {open && (
        <table className="table hb-jobs">
          <thead>
            <tr>
              <th scope="col">Job</th>
              <th scope="col">Outcome</th>
              <th scope="col">Time</th>
            </tr>
          </thead>
          <tbody>
            {run.jobs.map((j) => (
              <tr key={j.name} data-testid="heartbeat-job" data-ok={j.ok}>
                <td>{jobName(j.name)}</td>
                <td className={j.ok ? '' : 'text-bad'}>{j.ok ? resultText(j.result) : (j.error ?? 'failed')}</td>
                <td>{Math.round(j.ms)} ms</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </li>
  );
}

/** The heartbeat's recent runs, each job's outcome, and Run now. */
export function HeartbeatPane() {
  const [runs, setRuns] = useState<Run[] | null>(null);
  const [busy, setBusy] = useState(false);
  const load = useCallback(() => callOrToast('heartbeat.runs', { limit: 20 }).then(setRuns, () => {}), []);
  useEffect(() => void load(), [load]);
  const runNow = async (): Promise<void> => {
    setBusy(true);
    try {
      await callOrToast('heartbeat.runNow', {});
      await load();
    } catch {
      // the toast says why
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="panel" aria-labelledby="hb-title">
      <header className="panel-head">
        <h2 id="hb-title">Heartbeat runs</h2>
        <a className="panel-meta" href={settingsHref('policies', 'heartbeat_policy')}>
          Interval and budgets →
        </a>
        <button type="button" className="btn btn-primary btn-small" disabled={busy} onClick={() => void runNow()}>
          {busy ? 'Running…' : 'Run now'}
        </button>
      </header>
      <p className="policy-desc">Every few minutes the heartbeat evaluates triggers, processes reactions, learns from outcomes and recovers stuck work. Each job is timed and recorded; a failing job never stops the others.</p>
      {!runs ? <Skeleton lines={4} /> : runs.length === 0 ? <EmptyState title="No runs yet">The first run happens soon after start, or press Run now.</EmptyState> : <ul className="hb-runs">{runs.map((r) => <RunRow key={r.id} run={r} />)}</ul>}
    </section>
  );
}
