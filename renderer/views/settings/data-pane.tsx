import { useEffect, useRef, useState } from 'react';
import type { CallOutput } from '../../../core/api/contract.js';
import { callQuiet } from '../../store/call.js';
import { ConfirmDialog } from '../../components/confirm-dialog.js';
import { formatBytes, useData, type BackupInfo } from '../../store/data-store.js';
import { DataProgressBar as Progress, Replacement, rowsOf } from './data-parts.js';
import { useRuntime } from '../../store/runtime-store.js';
import { transport } from '../../transport/pick-transport.js';
import { errorMessage } from '../../transport/transport.js';

type Inspected = CallOutput<'data.inspect'>;
type Source = { path: string } | { uploadId: string };

function ExportSection() {
  const progress = useData((s) => s.progress.export);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<CallOutput<'data.export'> | null>(null);
  const run = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      setDone(await callQuiet('data.export', {}));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  const name = done ? done.file.split(/[\\/]/).pop() ?? done.file : '';
  const href = done ? transport.downloadUrl(name) : null;
  return (
    <section className="panel" aria-labelledby="data-export">
      <div className="panel-head">
        <h2 id="data-export">Export</h2>
        <span className="panel-meta">One archive of the whole company; it imports into the desktop app or a PostgreSQL server.</span>
      </div>
      <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void run()}>
        {busy ? 'Exporting…' : 'Export company'}
      </button>
      {busy && <Progress p={progress} label="Export progress" />}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {done && (
        <p className="data-result" data-testid="export-result">
          {rowsOf(done.manifest.tables).toLocaleString('en')} rows, {formatBytes(done.bytes)}:{' '}
          {href ? (
            <a href={href} download={name}>
              download {name}
            </a>
          ) : (
            <code>{done.file}</code>
          )}
        </p>
      )}
    </section>
  );
}

function ImportSection() {
  const progress = useData((s) => s.progress.import);
  const input = useRef<HTMLInputElement>(null);
  const [stage, setStage] = useState<'idle' | 'reading' | 'confirm' | 'importing'>('idle');
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [pending, setPending] = useState<{ source: Source; inspected: Inspected } | null>(null);
  const reset = (): void => {
    setStage('idle');
    setPending(null);
    if (input.current) input.current.value = '';
  };
  const pick = async (file: File | undefined): Promise<void> => {
    if (!file) return;
    setError(null);
    setMessage(null);
    setStage('reading');
    try {
      const source = await transport.archiveSource(file);
      const inspected = await callQuiet('data.inspect', source);
      if (!inspected.compatible) throw new Error(inspected.problem ?? 'This archive does not fit this version of emtesseract.');
      setPending({ source, inspected });
      setStage('confirm');
    } catch (err) {
      setError(errorMessage(err));
      reset();
    }
  };
  const confirm = async (): Promise<void> => {
    if (!pending) return;
    setStage('importing');
    try {
      const out = await callQuiet('data.import', pending.source);
      setMessage(`${rowsOf(out.manifest.tables).toLocaleString('en')} rows imported.${out.backup ? ` The previous company was saved as backup ${out.backup.id}.` : ''}`);
    } catch (err) {
      setError(`${errorMessage(err)} The current company was left as it was.`);
    }
    reset();
  };
  return (
    <section className="panel" aria-labelledby="data-import">
      <div className="panel-head">
        <h2 id="data-import">Import</h2>
        <span className="panel-meta">Checked completely before anything is replaced.</span>
      </div>
      <label className="btn" aria-disabled={stage !== 'idle'}>
        Choose an archive…
        <input ref={input} type="file" accept=".emtx,application/octet-stream" className="visually-hidden" disabled={stage !== 'idle'} onChange={(e) => void pick(e.target.files?.[0])} />
      </label>
      {stage === 'reading' && <p className="panel-meta">Reading the archive…</p>}
      {stage === 'confirm' && pending && (
        <>
          <Replacement inspected={pending.inspected} />
          <div className="data-actions">
            <button type="button" className="btn btn-danger" onClick={() => void confirm()}>
              Replace the company
            </button>
            <button type="button" className="btn btn-ghost" onClick={reset}>
              Cancel
            </button>
          </div>
        </>
      )}
      {stage === 'importing' && <Progress p={progress} label="Import progress" />}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {message && <p className="data-result">{message}</p>}
    </section>
  );
}

function BackupsSection() {
  const { backups, backupsLoaded, backupsError, loadBackups } = useData();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [restoring, setRestoring] = useState<BackupInfo | null>(null);
  const [deleting, setDeleting] = useState<BackupInfo | null>(null);
  useEffect(() => void loadBackups(), [loadBackups]);
  const act = async (key: string, fn: () => Promise<unknown>): Promise<void> => {
    setBusy(key);
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(null);
      void loadBackups();
    }
  };
  return (
    <section className="panel" aria-labelledby="data-backups">
      <div className="panel-head">
        <h2 id="data-backups">Backups</h2>
        <button type="button" className="btn btn-small" disabled={busy !== null} onClick={() => void act('create', () => callQuiet('backups.create', {}))}>
          Back up now
        </button>
      </div>
      {(error ?? backupsError) && (
        <p className="field-error" role="alert">
          {error ?? backupsError}
        </p>
      )}
      {backupsLoaded && !backupsError && backups.length === 0 && <p className="panel-meta">No backups yet.</p>}
      <ul className="data-backups">
        {backups.map((b) => (
          <li key={b.id} data-testid="backup-row">
            <span className="data-backup-name">{b.createdAt}</span>
            <span className="badge badge-muted">{b.reason.replace('_', ' ')}</span>
            <span className="panel-meta">
              {formatBytes(b.bytes)} · {b.rows.toLocaleString('en')} rows
            </span>
            <button
              type="button"
              className="btn btn-small"
              disabled={busy !== null}
              onClick={() => setRestoring(b)}
            >
              Restore
            </button>
            <button type="button" className="btn btn-small btn-ghost" disabled={busy !== null} onClick={() => setDeleting(b)}>
              Delete
            </button>
          </li>
        ))}
      </ul>
      {restoring && (
        <ConfirmDialog
          title="Restore a backup"
          confirmLabel="Restore this backup"
          onClose={() => setRestoring(null)}
          onConfirm={() => {
            const b = restoring;
            setRestoring(null);
            void act(b.id, () => callQuiet('backups.restore', { id: b.id }));
          }}
        >
          <p>
            Replace the current company with the backup of {restoring.createdAt} ({restoring.rows.toLocaleString('en')} rows, {formatBytes(restoring.bytes)})? The
            current company is backed up first, so restoring that backup undoes this.
          </p>
        </ConfirmDialog>
      )}
      {deleting && (
        <ConfirmDialog
          title="Delete a backup"
          confirmLabel="Delete this backup"
          onClose={() => setDeleting(null)}
          onConfirm={() => {
            const b = deleting;
            setDeleting(null);
            void act(b.id, () => callQuiet('backups.delete', { id: b.id }));
          }}
        >
          <p>
            Delete the backup of {deleting.createdAt} ({deleting.reason.replace('_', ' ')}, {deleting.rows.toLocaleString('en')} rows, {formatBytes(deleting.bytes)})? Its file is removed
            and cannot be brought back.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}

function CompanySection() {
  const pause = useRuntime((s) => s.status?.pause);
  const load = useRuntime((s) => s.load);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const flip = async (): Promise<void> => {
    setError(null);
    try {
      if (pause?.paused) await callQuiet('runtime.resume', {});
      else await callQuiet('runtime.pause', reason.trim() ? { reason: reason.trim() } : {});
      setReason('');
      await load();
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <section className="panel" aria-labelledby="data-company">
      <div className="panel-head">
        <h2 id="data-company">Company</h2>
        <span className="panel-meta">While paused nothing new is taken on; work already running finishes. It stays paused across restarts.</span>
      </div>
      <div className="data-actions">
        {!pause?.paused && (
          <input className="input" placeholder="Why (optional)" aria-label="Why pause" maxLength={300} value={reason} onChange={(e) => setReason(e.target.value)} />
        )}
        <button type="button" className={`btn${pause?.paused ? ' btn-primary' : ''}`} disabled={!pause} onClick={() => void flip()}>
          {pause?.paused ? 'Resume company' : 'Pause company'}
        </button>
      </div>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

/** Settings → Data: export, import, backups, and pausing the company. */
export function DataPane() {
  return (
    <div className="data-pane" data-testid="data-pane">
      <CompanySection />
      <ExportSection />
      <ImportSection />
      <BackupsSection />
    </div>
  );
}
