import { StatusBadge } from '../../components/status-badge.js';
import { attemptsLabel } from '../../lib/attempts.js';
import { duration } from '../../lib/time-format.js';
import type { MissionStep } from '../../store/entities.js';

function short(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = JSON.stringify(value);
  return text.length > 160 ? text.slice(0, 159) + '…' : text;
}

/** The mission's plan: each step's kind, status, attempts, and what it produced or why it failed. */
export function MissionSteps({ steps }: { steps: readonly MissionStep[] }) {
  return (
    <ol className="step-track">
      {steps.map((s) => (
        <li key={s.id} className={`step-item step-${s.status}`} data-testid="mission-step" data-status={s.status}>
          <span className="step-dot" />
          <div className="step-body">
            <div className="step-line">
              <span className="step-kind">{s.kind.replace(/_/g, ' ')}</span>
              <StatusBadge status={s.status} />
              <span className="step-meta">
                {attemptsLabel(s)}
                {s.startedAt && s.finishedAt && `${attemptsLabel(s) ? ' · ' : ''}${duration(s.startedAt, s.finishedAt)}`}
                {s.status === 'queued' && s.reservedBy === null && ' · waiting for a worker'}
              </span>
            </div>
            <code className="step-payload">{short(s.payload)}</code>
            {s.lastError && <div className="step-error">{s.errorCode ? `${s.errorCode}: ` : ''}{s.lastError}</div>}
            {s.status === 'succeeded' && s.result !== null && <code className="step-result">→ {short(s.result)}</code>}
          </div>
        </li>
      ))}
    </ol>
  );
}
