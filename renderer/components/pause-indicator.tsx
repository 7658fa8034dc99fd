import { useState } from 'react';
import { callOrToast } from '../store/call.js';
import { useRuntime } from '../store/runtime-store.js';

/** In the header while the company is paused: says so (and why), with Resume. Nothing while it runs. */
export function PauseIndicator() {
  const pause = useRuntime((s) => s.status?.pause);
  const load = useRuntime((s) => s.load);
  const [busy, setBusy] = useState(false);
  if (!pause?.paused) return null;
  const resume = async (): Promise<void> => {
    setBusy(true);
    try {
      await callOrToast('runtime.resume', {});
      await load();
    } catch {
      // the toast says why
    } finally {
      setBusy(false);
    }
  };
  return (
    <span className="pause-indicator" data-testid="paused-indicator" role="status" title={pause.reason ?? 'Nothing new is taken on until the company is resumed.'}>
      <span className="badge badge-warn">Paused</span>
      {pause.reason && <span className="pause-reason">{pause.reason}</span>}
      <button type="button" className="btn btn-small" disabled={busy} onClick={() => void resume()}>
        Resume
      </button>
    </span>
  );
}
