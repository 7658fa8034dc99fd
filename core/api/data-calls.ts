/**
 * Calls that keep a company safe and portable: export and import of the whole
 * database as one engine-neutral archive, backups, and pausing the company.
 * Paths are paths on the machine the engine runs on. The desktop app passes
 * any path (from the system's file dialogs); over HTTP a path may only name a
 * file in the data folder's exports/, backups/ or imports/ (by its file name),
 * anything else is refused (core/data/archive-paths.ts), and the HTTP
 * transport adds upload and download routes that land in and serve from
 * imports/ and exports/.
 */
import { z } from 'zod';

const isoTime = z.string();
const fileName = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\w.-]+$/, 'a backup is named by its file name, e.g. "2026-12-02T10-00-00Z-scheduled.emtx"');
const absPath = z.string().trim().min(1, 'a file path is required').max(4096);

export const tableSummary = z.object({
  name: z.string(),
  rows: z.number(),
  /** sha256 (hex) over the table's rows in their canonical form, in primary-key order. */
  sha256: z.string(),
});

export const archiveManifest = z.object({
  format: z.literal('emtesseract-archive'),
  formatVersion: z.number().int(),
  appVersion: z.string(),
  /** The last migration applied to the database the archive was made from. */
  schemaVersion: z.number().int(),
  createdAt: isoTime,
  source: z.enum(['pglite', 'postgres']),
  tables: z.array(tableSummary),
});
export type ArchiveManifest = z.infer<typeof archiveManifest>;

export const backupReason = z.enum(['scheduled', 'manual', 'before_import', 'before_migration', 'before_restore']);

export const backupInfo = z.object({
  /** The file name inside the backups folder; the id used by restore and delete. */
  id: z.string(),
  file: z.string(),
  bytes: z.number(),
  reason: backupReason,
  createdAt: isoTime,
  schemaVersion: z.number(),
  rows: z.number(),
});

export const exportResult = z.object({
  file: z.string(),
  bytes: z.number(),
  manifest: archiveManifest,
  durationMs: z.number(),
});

export const importResult = z.object({
  /** What the database now holds. */
  manifest: archiveManifest,
  /** The backup taken of the database that was replaced. */
  backup: backupInfo.nullable(),
  /** Set when the archive came from an older schema and was migrated forward after import. */
  migratedFrom: z.number().nullable(),
  durationMs: z.number(),
});

/** Which archive: a path on the engine's machine, or an id returned by the HTTP upload route. */
const archiveSource = z.union([z.object({ path: absPath }).strict(), z.object({ uploadId: z.string().regex(/^[\w-]{1,80}$/) }).strict()]);

export const pauseState = z.object({
  paused: z.boolean(),
  reason: z.string().nullable(),
  since: isoTime.nullable(),
  by: z.string().nullable(),
  /** Agents paused one by one (their proposals are refused by the agent_paused gate). */
  agents: z.array(z.object({ agentId: z.string(), reason: z.string().nullable(), since: isoTime })),
});

export const dataCalls = {
  /**
   * Writes the whole database to one archive. `path` omitted: a new file in
   * the data folder's exports/ (the HTTP transport serves it for download).
   * Progress arrives on the stream as { type: 'data' } messages.
   */
  'data.export': { input: z.object({ path: absPath.optional() }).strict().default({}), output: exportResult },
  /** Reads and checks an archive without importing it: what it holds beside what the database holds now. */
  'data.inspect': {
    input: archiveSource,
    output: z.object({ manifest: archiveManifest, current: z.array(z.object({ name: z.string(), rows: z.number() })), compatible: z.boolean(), problem: z.string().nullable() }),
  },
  /** Validates the whole archive, backs up the current database, loads into a fresh one, swaps it in and restarts the engine. */
  'data.import': { input: archiveSource, output: importResult },
  'backups.list': { input: z.object({}).strict().default({}), output: z.array(backupInfo) },
  'backups.create': { input: z.object({}).strict().default({}), output: backupInfo },
  /** A restore is an import of that backup (the current database is backed up first). */
  'backups.restore': { input: z.object({ id: fileName }).strict(), output: importResult },
  'backups.delete': { input: z.object({ id: fileName }).strict(), output: z.object({ deleted: z.literal(true) }) },
  /** Stops the heartbeat, triggers, workers and conversations taking new work; in-flight work finishes. Survives restart. */
  'runtime.pause': { input: z.object({ reason: z.string().trim().max(300).optional() }).strict().default({}), output: pauseState },
  'runtime.resume': { input: z.object({}).strict().default({}), output: pauseState },
  /** Pauses or resumes one agent: while paused its proposals are refused with that reason. */
  'agents.setPaused': {
    input: z.object({ id: z.string().min(1).max(32), paused: z.boolean(), reason: z.string().trim().max(300).optional() }).strict(),
    output: pauseState,
  },
} as const;

/** What the HTTP upload route (PUT /api/data/upload) answers inside the envelope. */
export const uploadReply = z.object({ uploadId: z.string(), bytes: z.number().optional() });

/** Progress of an export, import, backup or restore, pushed on the stream. */
export const dataProgressMessage = z.object({
  type: z.literal('data'),
  op: z.enum(['export', 'import', 'backup', 'restore']),
  phase: z.enum(['start', 'progress', 'validated', 'swapping', 'done', 'failed']),
  table: z.string().optional(),
  rowsDone: z.number(),
  rowsTotal: z.number(),
  bytes: z.number().optional(),
  message: z.string().optional(),
});

/** The company was paused or resumed (also when one agent is). */
export const runtimeStateMessage = z.object({ type: z.literal('runtime'), state: pauseState });
