/**
 * What the File and Company menus do. Every action goes through the
 * contract (dispatchCall parses the input and turns any failure into an
 * envelope), so a call that fails, or is not available in this build, shows
 * its sentence in a dialog and never throws out of a menu click.
 */
import type { CallName, CallOutput, Envelope, Handlers } from '../core/api/contract.js';
import { dispatchCall } from '../core/server/dispatch.js';

/** The parts of Electron's dialog module used here (Electron's own fits). */
export interface DialogLike {
  showSaveDialog(opts: { title: string; defaultPath: string; filters: { name: string; extensions: string[] }[] }): Promise<{ canceled: boolean; filePath?: string }>;
  showOpenDialog(opts: { title: string; properties: 'openFile'[]; filters: { name: string; extensions: string[] }[] }): Promise<{ canceled: boolean; filePaths: string[] }>;
  showMessageBox(opts: {
    type: 'info' | 'warning' | 'error';
    title?: string;
    message: string;
    detail?: string;
    buttons?: string[];
    defaultId?: number;
    cancelId?: number;
  }): Promise<{ response: number }>;
  showErrorBox(title: string, content: string): void;
}

export interface MenuActionDeps {
  handlers: Handlers;
  dialog: DialogLike;
  /** Today's date for the export's default file name, e.g. "2026-12-02". */
  today: () => string;
}

const ARCHIVE_FILTERS = [{ name: 'emtesseract archive', extensions: ['emtx'] }];

async function call<K extends CallName>(deps: MenuActionDeps, name: K, input: unknown): Promise<Envelope<CallOutput<K>>> {
  return (await dispatchCall(deps.handlers, name, input)) as Envelope<CallOutput<K>>;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

function rowsOf(tables: { rows: number }[]): number {
  return tables.reduce((sum, t) => sum + t.rows, 0);
}

/** File → Export…: a save dialog, then data.export to that path. */
export async function exportData(deps: MenuActionDeps): Promise<void> {
  const where = await deps.dialog.showSaveDialog({ title: 'Export the company', defaultPath: `emtesseract-${deps.today()}.emtx`, filters: ARCHIVE_FILTERS });
  if (where.canceled || !where.filePath) return;
  const out = await call(deps, 'data.export', { path: where.filePath });
  if (!out.ok) return deps.dialog.showErrorBox('Export failed', out.error.message);
  await deps.dialog.showMessageBox({
    type: 'info',
    message: 'Export complete',
    detail: `${rowsOf(out.value.manifest.tables).toLocaleString('en')} rows in ${out.value.manifest.tables.length} tables, ${formatBytes(out.value.bytes)}, written to ${out.value.file}.`,
  });
}

/** The confirmation text of an import: what will be replaced, table by table (current rows → archive rows). */
export function describeReplacement(inspect: CallOutput<'data.inspect'>): string {
  const current = new Map(inspect.current.map((t) => [t.name, t.rows]));
  const names = [...new Set([...inspect.manifest.tables.map((t) => t.name), ...current.keys()])];
  const incoming = new Map(inspect.manifest.tables.map((t) => [t.name, t.rows]));
  const lines = names.map((n) => `${n}: ${(current.get(n) ?? 0).toLocaleString('en')} now → ${(incoming.get(n) ?? 0).toLocaleString('en')} from the archive`);
  return [
    `Everything in the current company (${rowsOf(inspect.current).toLocaleString('en')} rows) is replaced by the archive made ${inspect.manifest.createdAt} ` +
      `(${rowsOf(inspect.manifest.tables).toLocaleString('en')} rows, schema ${inspect.manifest.schemaVersion}). A backup of the current company is taken first.`,
    '',
    ...lines,
  ].join('\n');
}

/** File → Import…: an open dialog, data.inspect, a confirmation of what will be replaced, then data.import. */
export async function importData(deps: MenuActionDeps): Promise<void> {
  const picked = await deps.dialog.showOpenDialog({ title: 'Import a company', properties: ['openFile'], filters: ARCHIVE_FILTERS });
  const file = picked.filePaths[0];
  if (picked.canceled || !file) return;
  const inspected = await call(deps, 'data.inspect', { path: file });
  if (!inspected.ok) return deps.dialog.showErrorBox('This archive cannot be imported', inspected.error.message);
  if (!inspected.value.compatible) {
    return deps.dialog.showErrorBox('This archive cannot be imported', inspected.value.problem ?? 'It does not fit this version of emtesseract.');
  }
  const answer = await deps.dialog.showMessageBox({
    type: 'warning',
    title: 'Replace the current company?',
    message: 'Replace the current company with this archive?',
    detail: describeReplacement(inspected.value),
    buttons: ['Replace', 'Cancel'],
    defaultId: 1,
    cancelId: 1,
  });
  if (answer.response !== 0) return;
  const done = await call(deps, 'data.import', { path: file });
  if (!done.ok) return deps.dialog.showErrorBox('Import failed', `${done.error.message} The current company was left as it was.`);
  await deps.dialog.showMessageBox({
    type: 'info',
    message: 'Import complete',
    detail: `${rowsOf(done.value.manifest.tables).toLocaleString('en')} rows imported.${done.value.backup ? ` The previous company was saved as backup ${done.value.backup.id}.` : ''}`,
  });
}

/** File → Back up now. */
export async function backupNow(deps: MenuActionDeps): Promise<void> {
  const out = await call(deps, 'backups.create', {});
  if (!out.ok) return deps.dialog.showErrorBox('Backup failed', out.error.message);
  await deps.dialog.showMessageBox({ type: 'info', message: 'Backup saved', detail: `${out.value.id} (${formatBytes(out.value.bytes)}, ${out.value.rows.toLocaleString('en')} rows).` });
}

/** Company → Pause company / Resume company (and the tray's): flips the current state. Returns whether the company is now paused. */
export async function togglePause(deps: MenuActionDeps, reason = 'Paused from the menu'): Promise<boolean | null> {
  const status = await call(deps, 'runtime.status', {});
  if (!status.ok) {
    deps.dialog.showErrorBox('Could not pause or resume', status.error.message);
    return null;
  }
  const out = status.value.pause.paused ? await call(deps, 'runtime.resume', {}) : await call(deps, 'runtime.pause', { reason });
  if (!out.ok) {
    deps.dialog.showErrorBox('Could not pause or resume', out.error.message);
    return null;
  }
  return out.value.paused;
}
