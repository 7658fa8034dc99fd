/**
 * Turns alerts in the live data into OS notifications: a worker turned off by
 * its circuit breaker (the worker_disabled event), the LLM going unreachable
 * (runtime status), an import that finished (the data stream, via live-sync).
 */
import { notifyAlert } from '../lib/notify.js';
import { useFeed } from './feed-store.js';
import { useRuntime } from './runtime-store.js';

export function startAlertsSync(): () => void {
  const offFeed = useFeed.subscribe((s, prev) => {
    const e = s.recent[0];
    if (!e || e === prev.recent[0] || e.kind !== 'worker_disabled') return;
    notifyAlert('breaker', e.title, e.summary || 'Turn it back on in Settings → workers once the cause is fixed.');
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
