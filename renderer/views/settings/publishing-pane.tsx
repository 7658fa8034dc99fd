import { useEffect, useState } from 'react';
import type { CallOutput } from '../../../core/api/contract.js';
import { Skeleton } from '../../components/empty-state.js';
import { callOrToast, callQuiet } from '../../store/call.js';
import { toastSuccess } from '../../store/toast-store.js';
import { errorMessage } from '../../transport/transport.js';

type Platform = 'bluesky' | 'x';
type Saved = CallOutput<'publishing.get'>;

interface FieldSpec {
  key: string;
  label: string;
  secret?: boolean;
  optional?: boolean;
  placeholder?: string;
}

const platforms: { id: Platform; name: string; intro: string; fields: FieldSpec[] }[] = [
  {
    id: 'bluesky',
    name: 'Bluesky',
    intro: 'post_bluesky steps post as this account. Make an app password on Bluesky under Settings → Privacy and security → App passwords; never use your main password.',
    fields: [
      { key: 'handle', label: 'Handle', placeholder: 'name.bsky.social' },
      { key: 'appPassword', label: 'App password', secret: true, placeholder: 'xxxx-xxxx-xxxx-xxxx' },
      { key: 'service', label: 'Server (optional)', optional: true, placeholder: 'https://bsky.social' },
    ],
  },
  {
    id: 'x',
    name: 'X',
    intro: 'post_tweet steps post as this account, through an X developer app with OAuth 1.0a keys (the app’s key and secret, and the account’s access token and secret, with read and write permission).',
    fields: [
      { key: 'apiKey', label: 'API key' },
      { key: 'apiSecret', label: 'API secret', secret: true },
      { key: 'accessToken', label: 'Access token', secret: true },
      { key: 'accessTokenSecret', label: 'Access token secret', secret: true },
      { key: 'apiBase', label: 'API address (optional)', optional: true, placeholder: 'https://api.x.com' },
    ],
  },
];

function AccountCard({ spec, saved, onChanged }: { spec: (typeof platforms)[number]; saved: Record<string, unknown> | null; onChanged(): void }) {
  const [draft, setDraft] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const missing = spec.fields.filter((f) => !f.optional && !draft[f.key]?.trim()).map((f) => f.label);
  const onSave = async (): Promise<void> => {
    if (missing.length) {
      setError(`Fill in ${missing.join(', ')}.`);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const value = Object.fromEntries(Object.entries(draft).filter(([, v]) => v.trim() !== ''));
      await callQuiet('publishing.set', { platform: spec.id, value });
      setDraft({});
      toastSuccess(`${spec.name} account saved`);
      onChanged();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  const onClear = async (): Promise<void> => {
    setBusy(true);
    try {
      await callOrToast('publishing.clear', { platform: spec.id });
      toastSuccess(`${spec.name} account removed`);
      onChanged();
    } catch {
      // the toast says why
    } finally {
      setBusy(false);
    }
  };
  const who = saved ? String(saved.handle ?? saved.apiKey ?? '') : '';
  return (
    <article className="panel publishing-card" data-testid="publishing-card" data-platform={spec.id} aria-labelledby={`pub-${spec.id}`}>
      <header className="panel-head">
        <h2 id={`pub-${spec.id}`}>{spec.name}</h2>
        <span className={`badge ${saved ? 'badge-ok' : 'badge-muted'}`} data-testid="publishing-status">
          {saved ? 'connected' : 'not set up'}
        </span>
      </header>
      <p className="policy-desc">{spec.intro}</p>
      {saved ? (
        <p className="field-hint">
          Posting as <strong>{who}</strong>. Secrets are kept in this company’s database and never shown again; to change the account, fill in every field below.
        </p>
      ) : (
        <p className="field-hint">Until this is set up, {spec.id === 'x' ? 'post_tweet' : 'post_bluesky'} steps fail with “not configured”; nothing pretends to post.</p>
      )}
      <form
        className="publishing-fields"
        onSubmit={(e) => {
          e.preventDefault();
          void onSave();
        }}
      >
        {spec.fields.map((f) => (
          <label key={f.key} className="field">
            <span className="field-label">{f.label}</span>
            <input
              className="input"
              type={f.secret ? 'password' : 'text'}
              autoComplete="off"
              spellCheck={false}
              placeholder={f.placeholder ?? (saved && !f.secret ? String(saved[f.key] ?? '') : '')}
              value={draft[f.key] ?? ''}
              onChange={(e) => {
                setError(null);
                setDraft({ ...draft, [f.key]: e.target.value });
              }}
            />
          </label>
        ))}
        {error && (
          <div className="field-error" role="alert" data-testid="publishing-error">
            {error}
          </div>
        )}
        <footer className="policy-actions">
          <button type="button" className="btn btn-ghost btn-small" disabled={!saved || busy} onClick={() => void onClear()}>
            Remove account
          </button>
          <button type="submit" className="btn btn-primary btn-small" disabled={busy}>
            {busy ? 'Saving…' : saved ? 'Replace account' : 'Save account'}
          </button>
        </footer>
      </form>
    </article>
  );
}

/** Bluesky and X accounts for the post steps (publishing.get / set / clear). */
export function PublishingPane() {
  const [saved, setSaved] = useState<Saved | null>(null);
  const load = (): void => void callOrToast('publishing.get', {}).then(setSaved, () => {});
  useEffect(load, []);
  if (!saved) return <Skeleton lines={6} />;
  return (
    <div className="publishing-grid">
      {platforms.map((p) => (
        <AccountCard key={p.id} spec={p} saved={saved[p.id]} onChanged={load} />
      ))}
    </div>
  );
}
