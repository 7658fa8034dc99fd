import type { Agent } from '../../store/entities.js';
import { useAgentDetail } from '../../store/agent-detail-store.js';

/** Who the agent is (persona) and how its voice has drifted from what it remembers. */
export function PersonaSummary({ agent }: { agent: Agent }) {
  const voice = useAgentDetail((s) => s.voice);
  const stats = voice?.stats;
  return (
    <section className="panel" aria-label="Persona" data-testid="persona-summary">
      <header className="panel-head">
        <h2>Persona</h2>
        <a className="panel-meta" href="#/settings">
          Edit in Settings →
        </a>
      </header>
      <dl className="persona-dl">
        <dt>Tone</dt>
        <dd>{agent.tone || '—'}</dd>
        <dt>Quirk</dt>
        <dd>{agent.quirk || '—'}</dd>
        <dt>Signature</dt>
        <dd>
          <q>{agent.signatureLine}</q>
        </dd>
      </dl>
      {agent.systemDirective && (
        <details className="persona-directive">
          <summary>System directive</summary>
          <p>{agent.systemDirective}</p>
        </details>
      )}
      <h3 className="sub-head">Voice modifiers</h3>
      {!voice ? (
        <p className="models-note">Reading…</p>
      ) : voice.modifiers.length === 0 ? (
        <p className="models-note" data-testid="voice-modifiers">
          None yet: the voice shifts once memories pile up (lessons, patterns, strong tags).
        </p>
      ) : (
        <ul className="modifier-list" data-testid="voice-modifiers">
          {voice.modifiers.map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      )}
      {stats && (
        <div className="memory-stats">
          <span>
            <strong>{stats.total}</strong> memories
          </span>
          <span>
            avg confidence <strong>{stats.avgConfidence.toFixed(2)}</strong>
          </span>
          <span>
            <strong>{stats.outcomeLessons}</strong> outcome lessons
          </span>
          <span>
            <strong>{stats.userPreferences}</strong> of your notes
          </span>
          {stats.topTags.length > 0 && (
            <span className="chip-row">
              {stats.topTags.slice(0, 6).map((t) => (
                <span key={t.tag} className="tag">
                  {t.tag} ×{t.count}
                </span>
              ))}
            </span>
          )}
        </div>
      )}
    </section>
  );
}
