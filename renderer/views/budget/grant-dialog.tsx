import { useState } from 'react';
import type { CallOutput } from '../../../core/api/contract.js';
import { Modal } from '../../components/modal.js';
import { agentName, useAgents } from '../../store/agents-store.js';
import { callOrToast } from '../../store/call.js';
import { toastSuccess } from '../../store/toast-store.js';

export type BudgetLine = CallOutput<'budget.status'>['lines'][number];

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

/** The budgets that stop work right now: spent all of it (and any allowance). */
export function stoppedLines(lines: readonly BudgetLine[]): BudgetLine[] {
  return lines.filter((l) => l.ratio >= 1).sort((a, b) => b.ratio - a.ratio);
}

/** A one-off allowance is a quarter of the budget by default (at least 1,000 tokens or 60 seconds). */
export function defaultAmount(l: BudgetLine): number {
  const quarter = Math.round(l.budget / 4);
  return l.unit === 'tokens' ? Math.max(1000, Math.round(quarter / 1000) * 1000) : Math.max(60, quarter);
}

const keyOf = (l: BudgetLine): string => `${l.scope}|${l.scopeId}|${l.period}|${l.unit}`;

interface Props {
  lines: readonly BudgetLine[];
  onClose(): void;
  onGranted(): void;
}

/**
 * Asks before granting: which stopped budget, how much more for this
 * period only, and why. The budget itself stays as set; held work resumes
 * on its own once the allowance is in.
 */
export function GrantDialog({ lines, onClose, onGranted }: Props) {
  const agents = useAgents((s) => s.agents);
  const [key, setKey] = useState(() => (lines[0] ? keyOf(lines[0]) : ''));
  const line = lines.find((l) => keyOf(l) === key) ?? lines[0];
  const [amount, setAmount] = useState(() => (line ? String(defaultAmount(line)) : ''));
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!line) return null;
  const whose = (l: BudgetLine): string =>
    `${l.scope === 'company' ? 'The company' : l.scope === 'agent' ? agentName(agents, l.scopeId) : `Trigger rule ${l.scopeId}`}, ${l.period === 'day' ? 'today' : 'this month'} (${l.unit === 'tokens' ? 'tokens' : 'LLM seconds'})`;
  const unit = line.unit === 'tokens' ? 'tokens' : 'seconds';
  const n = Number(amount);
  const max = line.unit === 'tokens' ? 1_000_000_000 : 86_400;
  const invalid = !/^\d+$/.test(amount.trim()) || n < 1 || n > max ? `Grant a whole number of ${unit} from 1 to ${fmt(max)}.` : null;

  const grant = async (): Promise<void> => {
    if (invalid) return setError(invalid);
    setBusy(true);
    setError(null);
    try {
      const out = await callOrToast('budget.grant', {
        scope: line.scope,
        scopeId: line.scopeId,
        period: line.period,
        ...(line.unit === 'tokens' ? { tokens: n } : { seconds: n }),
        ...(reason.trim() ? { reason: reason.trim() } : {}),
      });
      toastSuccess(`Granted ${fmt(n)} ${unit}`, `${whose(line)}.${out.released ? ` ${out.released} held ${out.released === 1 ? 'step resumes' : 'steps resume'}.` : ''}`);
      onGranted();
      onClose();
    } catch {
      setBusy(false);
    }
  };

  return (
    <Modal
      title="Grant an allowance"
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn btn-ghost" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="button" className="btn btn-primary" onClick={() => void grant()} disabled={busy} data-testid="grant-confirm">
            {busy ? 'Granting…' : `Grant ${Number.isFinite(n) && n > 0 ? fmt(n) : ''} ${unit}`}
          </button>
        </>
      }
    >
      <div className="grant-form" data-testid="grant-dialog">
        <p className="models-note">
          A one-off allowance adds to this period only; the budget stays as set. Work it holds resumes by itself.
        </p>
        {lines.length > 1 ? (
          <label className="field">
            <span className="field-label">Budget</span>
            <select
              className="input"
              value={key}
              onChange={(e) => {
                setKey(e.target.value);
                const next = lines.find((l) => keyOf(l) === e.target.value);
                if (next) setAmount(String(defaultAmount(next)));
              }}
            >
              {lines.map((l) => (
                <option key={keyOf(l)} value={keyOf(l)}>
                  {whose(l)}
                </option>
              ))}
            </select>
          </label>
        ) : (
          <p className="grant-line">{whose(line)}</p>
        )}
        <p className="cell-sub" data-testid="grant-spent">
          Spent {fmt(line.spent)} of {fmt(line.budget)}
          {line.allowance ? ` + ${fmt(line.allowance)} granted` : ''} {unit}.
        </p>
        <label className="field">
          <span className="field-label">Allowance ({unit})</span>
          <input
            className="input"
            inputMode="numeric"
            aria-label={`Allowance in ${unit}`}
            aria-invalid={invalid ? true : undefined}
            value={amount}
            onChange={(e) => {
              setAmount(e.target.value);
              setError(null);
            }}
          />
        </label>
        <label className="field">
          <span className="field-label">Why (optional)</span>
          <input className="input" aria-label="Reason for the allowance" maxLength={300} value={reason} onChange={(e) => setReason(e.target.value)} />
        </label>
        {(error ?? invalid) && amount !== '' && (
          <p className="field-error" role="alert" data-testid="grant-error">
            {error ?? invalid}
          </p>
        )}
      </div>
    </Modal>
  );
}
