import { routeHref } from '../../lib/router.js';
import { useModels } from '../../store/models-store.js';

/** Why LLM work is not happening, when it is not: the engine's own sentence, at the top of the page. */
export function LlmBanner() {
  const llm = useModels((s) => s.llm);
  const notConfigured = useModels((s) => s.notConfigured);
  if (notConfigured) {
    return (
      <div className="llm-banner llm-banner-muted" role="status" data-testid="llm-banner" data-status="not_configured">
        <div className="llm-banner-text">
          <strong>No LLM in this engine.</strong> {notConfigured}
        </div>
      </div>
    );
  }
  if (llm?.status !== 'unreachable') return null;
  return (
    <div className="llm-banner llm-banner-bad" role="alert" data-testid="llm-banner" data-status="unreachable">
      <div className="llm-banner-text">
        <strong>LLM workers are paused:</strong> {llm.reason ?? 'no Ollama host answers.'}
      </div>
      <a className="btn btn-ghost btn-small" href={routeHref({ view: 'settings', section: 'hosts' })}>
        Edit hosts in Settings
      </a>
    </div>
  );
}
