import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Handlers } from '../api/contract.js';
import type { dataCalls } from '../api/data-calls.js';
import { AppError } from '../api/errors.js';
import { archiveFileName } from './archive-format.js';
import { backupPath, deleteBackup } from './backups.js';
import { exportArchive } from './export-archive.js';
import { readArchive } from './read-archive.js';
import { ident, readSchema } from './schema-info.js';
import type { EngineHost } from '../host/engine-host.js';

type DataHandlers = Pick<Handlers, Exclude<keyof typeof dataCalls, 'runtime.pause' | 'runtime.resume' | 'agents.setPaused'>>;

/** Where an archive named by path or by upload id is. */
export function archiveSourcePath(host: EngineHost, src: { path: string } | { uploadId: string }): string {
  if ('path' in src) return path.resolve(src.path);
  const dir = host.importsDir;
  if (!dir) throw new AppError('not_configured', 'This engine keeps no uploads (it runs in memory); import a file by its path instead.');
  return path.join(dir, `${src.uploadId}.emtx`);
}

/** data.* and backups.*, on the engine host (they outlive the engine they replace). */
export function dataHandlers(host: EngineHost): DataHandlers {
  return {
    async 'data.export'(input) {
      const t0 = host.perf();
      let file = input.path ? path.resolve(input.path) : null;
      if (!file) {
        const dir = host.exportsDir;
        if (!dir) throw new AppError('invalid_input', 'An in-memory company has no exports folder: give the path of the file to write.');
        await mkdir(dir, { recursive: true });
        file = path.join(dir, archiveFileName(host.now(), 'export'));
      }
      host.bus.publish({ type: 'data', op: 'export', phase: 'start', rowsDone: 0, rowsTotal: 0 });
      let last = { rowsDone: 0, rowsTotal: 0 };
      try {
        const out = await exportArchive(host.currentDb, {
          file,
          appVersion: host.appVersion,
          migrations: host.migrationList,
          now: host.now(),
          onProgress: (p) => {
            last = { rowsDone: p.allDone, rowsTotal: p.allTotal };
            host.bus.publish({ type: 'data', op: 'export', phase: 'progress', table: p.table, ...last });
          },
        });
        const rows = out.manifest.tables.reduce((n, t) => n + t.rows, 0);
        host.bus.publish({ type: 'data', op: 'export', phase: 'done', rowsDone: rows, rowsTotal: rows, bytes: out.bytes, message: path.basename(file) });
        return { file, bytes: out.bytes, manifest: out.manifest, durationMs: Math.round(host.perf() - t0) };
      } catch (err) {
        host.bus.publish({ type: 'data', op: 'export', phase: 'failed', ...last, message: (err as Error).message });
        throw err;
      }
    },
    async 'data.inspect'(input) {
      const file = archiveSourcePath(host, input);
      const manifest = await readArchive(file, { knownSchemaVersion: host.knownSchemaVersion });
      const db = host.currentDb;
      const current: { name: string; rows: number }[] = [];
      for (const t of (await readSchema(db, host.migrationList)).tables) {
        const r = await db.query<{ n: number }>(`SELECT count(*)::int8 AS n FROM ${ident(t.name)}`);
        current.push({ name: t.name, rows: Number(r.rows[0]?.n ?? 0) });
      }
      const older = manifest.schemaVersion < host.knownSchemaVersion;
      return {
        manifest,
        current,
        compatible: true,
        problem: older ? `This archive is from schema ${manifest.schemaVersion}; it will be migrated forward to ${host.knownSchemaVersion} after import.` : null,
      };
    },
    'data.import': (input) => host.importArchive(archiveSourcePath(host, input), 'import'),
    'backups.list': () => host.listBackups(),
    'backups.create': () => host.backup('manual'),
    'backups.restore': (input) => {
      const dir = host.backupsDir;
      if (!dir) throw new AppError('not_configured', 'An in-memory company keeps no backups.');
      return host.importArchive(backupPath(dir, input.id), 'restore');
    },
    async 'backups.delete'(input) {
      const dir = host.backupsDir;
      if (!dir) throw new AppError('not_configured', 'An in-memory company keeps no backups.');
      await deleteBackup(dir, input.id);
      return { deleted: true as const };
    },
  };
}
