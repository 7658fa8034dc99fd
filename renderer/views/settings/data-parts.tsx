/** Pieces of Settings → Data: the progress bar of an export or import, and what an import replaces. */
import type { CallOutput } from '../../../core/api/contract.js';
import { progressPercent, type DataProgress } from '../../store/data-store.js';

type Inspected = CallOutput<'data.inspect'>;

export function DataProgressBar({ p, label }: { p: DataProgress | undefined; label: string }) {
  if (!p || p.phase === 'done' || p.phase === 'failed') return null;
  const pct = progressPercent(p);
  return (
    <div className="data-progress" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct ?? undefined}>
      <div className="progress">
        <div className={`progress-fill${pct === null ? ' is-indeterminate' : ''}`} style={{ width: `${pct ?? 100}%` }} />
      </div>
      <span className="panel-meta">
        {p.phase}
        {p.table ? ` · ${p.table}` : ''} · {p.rowsDone.toLocaleString('en')} / {p.rowsTotal.toLocaleString('en')} rows
      </span>
    </div>
  );
}

export function rowsOf(tables: { rows: number }[]): number {
  return tables.reduce((n, t) => n + t.rows, 0);
}

/** What an import replaces, table by table: rows now beside rows in the archive. */
export function Replacement({ inspected }: { inspected: Inspected }) {
  const incoming = new Map(inspected.manifest.tables.map((t) => [t.name, t.rows]));
  const current = new Map(inspected.current.map((t) => [t.name, t.rows]));
  const names = [...new Set([...incoming.keys(), ...current.keys()])];
  return (
    <div className="data-confirm" data-testid="import-confirm">
      <p>
        Importing replaces <strong>everything</strong> in the current company ({rowsOf(inspected.current).toLocaleString('en')} rows) with this archive, made{' '}
        {inspected.manifest.createdAt} ({rowsOf(inspected.manifest.tables).toLocaleString('en')} rows, schema {inspected.manifest.schemaVersion}). A backup of the current company is
        taken first.
      </p>
      <table className="data-table">
        <thead>
          <tr>
            <th>Table</th>
            <th>Now</th>
            <th>From the archive</th>
          </tr>
        </thead>
        <tbody>
          {names.map((n) => (
            <tr key={n}>
              <td>{n}</td>
              <td>{(current.get(n) ?? 0).toLocaleString('en')}</td>
              <td>{(incoming.get(n) ?? 0).toLocaleString('en')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

