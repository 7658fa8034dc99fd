import { useState, type FormEvent } from 'react';
import { rememberToken } from '../transport/pick-transport.js';

/** Shown when the server wants a token: say so once, and take one. */
export function TokenGate() {
  const [token, setToken] = useState('');
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    if (!token.trim()) return;
    rememberToken(token);
    window.location.reload();
  };
  return (
    <div className="token-gate" data-testid="token-gate">
      <form className="token-card" onSubmit={submit}>
        <h2>This server needs a token</h2>
        <p>
          It was started with <code>--token</code>. Open the address with <code>?token=…</code> added, or paste the token here. It is kept
          for this tab only.
        </p>
        <input className="input" type="password" autoComplete="off" autoFocus placeholder="Token" aria-label="Token" value={token} onChange={(e) => setToken(e.target.value)} />
        <button type="submit" className="btn btn-primary" disabled={!token.trim()}>
          Connect
        </button>
      </form>
    </div>
  );
}
