/**
 * Turns alerts in the live data into OS notifications: a worker turned off by
 * its circuit breaker (the worker_disabled event), a budget at its warning
 * line or used up (budget_warning, budget_exhausted), a proposal that waits
 * for approval (proposal_pending: the approval inbox), the LLM going
 * unreachable (runtime status), an import that finished (the data stream,
 * via live-sync).
 */
import { notifyAlert, type AlertKind } from '../lib/notify.js';
import { useFeed } from './feed-store.js';
import { useRuntime } from './runtime-store.js';

/** Events that notify, with the sentence shown when the event has no summary. */
const eventAlerts: Record<string, { kind: AlertKind; fallback: string }> = {
  worker_disabled: { kind: 'breaker', fallback: 'Turn it back on in Settings → Policies → Workers once the cause is fixed.' },
  budget_warning: { kind: 'budget', fallback: 'At 100 % its LLM work waits.' },
  budget_exhausted: { kind: 'budget', fallback: 'Raise the budget or grant an allowance (Models → Budget), and the held work resumes.' },
  proposal_pending: { kind: 'approval', fallback: 'Approve or reject it in Proposals.' },
};

export function startAlertsSync(): () => void {
  const offFeed = useFeed.subscribe((s, prev) => {
    const e = s.recent[0];
    if (!e || e === prev.recent[0]) return;
    const alert = eventAlerts[e.kind];
    if (alert) notifyAlert(alert.kind, e.title, e.summary || alert.fallback);
  });
  const offRuntime = useRuntime.subscribe((s, prev) => {
    const now = s.status?.llm?.status;
    const before = prev.status?.llm?.status;
    if (now === 'unreachable' && before !== 'unreachable') {
      notifyAlert('llm', 'No Ollama host answers', s.status?.llm?.reason ?? 'LLM work waits until a host answers again; nothing fails meanwhile.');
    }
  });
  return () => {
    offFeed();
    offRuntime();
  };
}
