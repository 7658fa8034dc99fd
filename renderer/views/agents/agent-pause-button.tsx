import { useState } from 'react';
import { callOrToast } from '../../store/call.js';
import { useRuntime } from '../../store/runtime-store.js';

/** Pauses or resumes one agent: while paused its proposals are refused and its queued work waits. */
export function AgentPauseButton({ agentId, name }: { agentId: string; name: string }) {
  const paused = useRuntime((s) => s.status?.pause.agents.find((a) => a.agentId === agentId));
  const known = useRuntime((s) => s.status !== null);
  const load = useRuntime((s) => s.load);
  const [busy, setBusy] = useState(false);
  const flip = async (): Promise<void> => {
    setBusy(true);
    try {
      await callOrToast('agents.setPaused', paused ? { id: agentId, paused: false } : { id: agentId, paused: true, reason: 'Paused from its page' });
      await load();
    } catch {
      // the toast says why
    } finally {
      setBusy(false);
    }
  };
  return (
    <span className="agent-pause">
      {paused && (
        <span className="badge badge-warn" data-testid="agent-paused" title={paused.reason ?? undefined}>
          paused
        </span>
      )}
      <button type="button" className="btn btn-small" disabled={busy || !known} onClick={() => void flip()} aria-label={paused ? `Resume ${name}` : `Pause ${name}`}>
        {paused ? 'Resume' : 'Pause'}
      </button>
    </span>
  );
}
