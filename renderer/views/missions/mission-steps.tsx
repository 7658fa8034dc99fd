import { StatusBadge } from '../../components/status-badge.js';
import { attemptsLabel } from '../../lib/attempts.js';
import { artifactHref, settingsHref } from '../../lib/router.js';
import { stepWait } from '../../lib/step-wait.js';
import { duration } from '../../lib/time-format.js';
import type { MissionStep } from '../../store/entities.js';
import { useRuntime } from '../../store/runtime-store.js';

const SHORT = 160;

function json(value: unknown): string {
  return value === null || value === undefined ? '' : JSON.stringify(value);
}

function short(text: string): string {
  return text.length > SHORT ? text.slice(0, SHORT - 1) + '…' : text;
}

/** The artifact a step wrote (analyze, write_content, crawl put its id in the result), if any. */
function artifactOf(result: unknown): { id: number; summary: string | null } | null {
  if (!result || typeof result !== 'object') return null;
  const r = result as Record<string, unknown>;
  if (typeof r.artifactId !== 'number') return null;
  const summary = typeof r.summary === 'string' ? r.summary : typeof r.title === 'string' ? r.title : null;
  return { id: r.artifactId, summary };
}

/** What a step produced: a link to what it wrote, and the whole result on demand (never only its first 160 characters). */
function StepResult({ result }: { result: unknown }) {
  const text = json(result);
  const artifact = artifactOf(result);
  return (
    <div className="step-result" data-testid="step-result">
      {artifact && (
        <a className="step-artifact" href={artifactHref(artifact.id)} data-testid="step-artifact">
          {artifact.summary ? `→ ${short(artifact.summary)} · ` : '→ '}read it in full
        </a>
      )}
      {text.length > SHORT ? (
        <details className="step-result-all">
          <summary>
            <code>{short(text)}</code> <span className="step-result-more">whole result</span>
          </summary>
          <pre className="step-result-full" data-testid="step-result-full">
            {JSON.stringify(result, null, 2)}
          </pre>
        </details>
      ) : (
        !artifact && <code>→ {text}</code>
      )}
    </div>
  );
}

/** The mission's plan: each step's kind, status, attempts, what it waits for, and what it produced or why it failed. */
export function MissionSteps({ steps }: { steps: readonly MissionStep[] }) {
  const status = useRuntime((s) => s.status);
  return (
    <ol className="step-track">
      {steps.map((s) => {
        const wait = stepWait(s, status);
        return (
          <li key={s.id} className={`step-item step-${s.status}`} data-testid="mission-step" data-status={s.status}>
            <span className="step-dot" />
            <div className="step-body">
              <div className="step-line">
                <span className="step-kind">{s.kind.replace(/_/g, ' ')}</span>
                <StatusBadge status={s.status} />
                <span className="step-meta">
                  {attemptsLabel(s)}
                  {s.startedAt && s.finishedAt && `${attemptsLabel(s) ? ' · ' : ''}${duration(s.startedAt, s.finishedAt)}`}
                </span>
              </div>
              {wait && (
                <div className={`step-wait${wait.llm ? ' is-llm' : ''}`} data-testid="step-wait">
                  {wait.text}
                  {wait.llm && (
                    <>
                      {' '}
                      <a href={settingsHref('hosts')}>Check the Ollama hosts</a>
                    </>
                  )}
                </div>
              )}
              <code className="step-payload">{short(json(s.payload))}</code>
              {s.lastError && (
                <div className="step-error">
                  {s.errorCode ? `${s.errorCode}: ` : ''}
                  {s.lastError}
                </div>
              )}
              {s.status === 'succeeded' && s.result !== null && <StepResult result={s.result} />}
            </div>
          </li>
        );
      })}
    </ol>
  );
}
