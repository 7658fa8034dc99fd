import { rm } from 'node:fs/promises';
import { calls, type CallName, type Handlers } from '../api/contract.js';
import { AppError } from '../api/errors.js';
import type { Db } from '../db/db.js';
import { acquireDirLock, lockPathFor, type DirLock } from '../db/dir-lock.js';
import { latestVersion, loadMigrations, type Migration } from '../db/migrate.js';
import { PgliteDb, type PgliteOptions } from '../db/pglite.js';
import { PostgresDb } from '../db/postgres.js';
import { createEngine, type Engine, type EngineOptions } from '../engine.js';
import { Bus } from '../ops/bus.js';
import { isoNow } from '../ports/clock.js';
import { createBackup, listBackups, type BackupInfo, type BackupReason } from '../data/backups.js';
import { backupJob } from '../data/backup-job.js';
import { dataHandlers } from '../data/handlers.js';
import { loadArchive } from '../data/load-archive.js';
import type { ArchiveProgress } from '../data/export-archive.js';
import { readArchive } from '../data/read-archive.js';
import { openOrRecover, type Opened } from '../data/recover.js';
import { schemaVersion } from '../data/schema-info.js';
import type { ArchiveManifest } from '../api/data-calls.js';
import { removeUnfinished, type DataLayout } from '../data/layout.js';
import { finishSwap, moveSwapFolders, planSwap, stamp, undoSwap, writeSwapJournal } from '../data/db-swap.js';

/** Where the company lives. */
export type DataPlace =
  | { kind: 'folder'; layout: DataLayout }
  | { kind: 'memory' }
  /** `files`: where backups, exports and uploads go for this server (null: refused). */
  | { kind: 'postgres'; url: string; poolSize?: number; files: Omit<DataLayout, 'db'> | null };

export interface EngineHostOptions {
  place: DataPlace;
  engine: Omit<EngineOptions, 'db' | 'bus'>;
  appVersion: string;
  /** Runs on each new engine before it starts (e.g. the --ollama flag). */
  onEngine?: (engine: Engine) => Promise<void>;
  /**
   * When the PGlite folder fails to open: 'refuse' throws a sentence that says
   * so and names the newest backup; 'restore-latest' sets the folder aside
   * (db.broken-<time>) and restores the newest backup, loudly.
   */
  recovery?: 'refuse' | 'restore-latest';
  /**
   * Where new PGlite databases (a new folder, an import, a restore, in memory, a policy
   * preview) find the empty-cluster tarball that spares them initdb (core/db/empty-cluster.ts).
   * Default: the data folder's pglite-cache/ for a folder; none otherwise.
   */
  clusterCacheDir?: string;
}

export interface ImportOutcome {
  manifest: ArchiveManifest;
  backup: BackupInfo | null;
  migratedFrom: number | null;
  durationMs: number;
}

/**
 * Owns { db, engine } for serve and the desktop app. Its `handlers` and `bus`
 * stay the same object while the engine underneath is replaced: an import or
 * restore stops the engine, swaps the database, reopens it and starts a new
 * engine; calls made meanwhile get AppError('unavailable').
 */
export class EngineHost {
  readonly bus = new Bus();
  readonly handlers: Handlers;
  private db: Db | null = null;
  private engine: Engine | null = null;
  private busy: string | null = null;
  private started = false;
  private folderLock: DirLock | null = null;
  private migrations: Migration[] = [];

  private constructor(private readonly opts: EngineHostOptions) {
    const delegated = Object.fromEntries(
      (Object.keys(calls) as CallName[]).map((name) => [
        name,
        (input: unknown) => {
          if (this.busy) return Promise.reject(new AppError('unavailable', `The company is ${this.busy}; try again in a moment.`));
          if (!this.engine) return Promise.reject(new AppError('unavailable', 'The engine is not running.'));
          return (this.engine.handlers[name] as (i: unknown) => Promise<unknown>)(input);
        },
      ]),
    ) as unknown as Handlers;
    this.handlers = { ...delegated, ...dataHandlers(this) };
  }

  /** Opens the database (locking its folder), backs it up if a migration is due, and builds the engine. Nothing runs until start(). */
  static async open(opts: EngineHostOptions): Promise<EngineHost> {
    const host = new EngineHost(opts);
    host.migrations = await loadMigrations(opts.engine.migrationsDir);
    if (opts.place.kind === 'folder') host.folderLock = acquireDirLock(lockPathFor(opts.place.layout.db), host.now());
    try {
      if (opts.place.kind === 'folder') {
        const left = await removeUnfinished(opts.place.layout);
        if (left.length) opts.engine.log.info(`Removed ${left.length} half-written file(s) an earlier run left behind`, { files: left });
      }
      host.db = await host.openWithRecovery();
      const v = await schemaVersion(host.db);
      if (v > 0 && v < latestVersion(host.migrations) && host.backupsDir) {
        const b = await createBackup(host.db, { dir: host.backupsDir, reason: 'before_migration', now: host.now(), appVersion: opts.appVersion, migrations: host.migrations });
        opts.engine.log.info(`Backed up the database before migrating it from schema ${v}`, { backup: b.file });
      }
      host.engine = await host.buildEngine(host.db);
      return host;
    } catch (err) {
      await host.db?.close().catch(() => {});
      host.folderLock?.release();
      throw err;
    }
  }

  get place(): DataPlace {
    return this.opts.place;
  }
  get currentDb(): Db {
    if (!this.db) throw new AppError('unavailable', 'The database is not open.');
    return this.db;
  }
  get currentEngine(): Engine {
    if (!this.engine) throw new AppError('unavailable', 'The engine is not running.');
    return this.engine;
  }
  /** The engine now running, or null while one is being replaced. */
  get runningEngine(): Engine | null {
    return this.busy ? null : this.engine;
  }
  get appVersion(): string {
    return this.opts.appVersion;
  }
  /** This build's migrations (they also say which tables of a schema are the app's). */
  get migrationList(): readonly Migration[] {
    return this.migrations;
  }
  get knownSchemaVersion(): number {
    return latestVersion(this.migrations);
  }
  get backupsDir(): string | null {
    const p = this.opts.place;
    return p.kind === 'folder' ? p.layout.backups : p.kind === 'postgres' ? (p.files?.backups ?? null) : null;
  }
  get exportsDir(): string | null {
    const p = this.opts.place;
    return p.kind === 'folder' ? p.layout.exports : p.kind === 'postgres' ? (p.files?.exports ?? null) : null;
  }
  get importsDir(): string | null {
    const p = this.opts.place;
    return p.kind === 'folder' ? p.layout.imports : p.kind === 'postgres' ? (p.files?.imports ?? null) : null;
  }
  now(): string {
    return isoNow(this.opts.engine.clock);
  }
  perf(): number {
    return this.opts.engine.clock.perf();
  }

  /** Starts the engine; its first heartbeat (a day's first backup among its jobs) goes on after this resolves. */
  async start(): Promise<void> {
    this.started = true;
    await this.currentEngine.start({ firstHeartbeat: 'background' });
  }

  async stop(): Promise<void> {
    this.started = false;
    await this.engine?.stop();
    await this.db?.close();
    this.engine = null;
    this.db = null;
    this.folderLock?.release();
    this.folderLock = null;
  }

  /** Runs `fn` while no other data operation runs (calls are refused meanwhile only if `exclusive`). */
  private async exclusive<T>(what: string, fn: () => Promise<T>): Promise<T> {
    if (this.busy) throw new AppError('unavailable', `The company is ${this.busy}; try again when that is done.`);
    this.busy = what;
    try {
      return await fn();
    } finally {
      this.busy = null;
    }
  }

  /** A backup into the backups folder; refused with a sentence where there is none. */
  async backup(reason: BackupReason): Promise<BackupInfo> {
    const dir = this.backupsDir;
    if (!dir) throw new AppError('not_configured', 'An in-memory company keeps no backups: start with --data-dir to keep the company and its backups.');
    const info = await createBackup(this.currentDb, {
      dir,
      reason,
      now: this.now(),
      appVersion: this.opts.appVersion,
      migrations: this.migrations,
      onProgress: (p) => this.bus.publish({ type: 'data', op: 'backup', phase: 'progress', table: p.table, rowsDone: p.allDone, rowsTotal: p.allTotal }),
    });
    this.bus.publish({ type: 'data', op: 'backup', phase: 'done', rowsDone: info.rows, rowsTotal: info.rows, bytes: info.bytes, message: info.id });
    return info;
  }

  async listBackups(): Promise<BackupInfo[]> {
    const dir = this.backupsDir;
    if (!dir) throw new AppError('not_configured', 'An in-memory company keeps no backups: start with --data-dir to keep the company and its backups.');
    return listBackups(dir);
  }

  /**
   * Imports `file`: checks all of it first (nothing is touched if it is
   * refused), backs up the current database, loads the archive into a fresh
   * database and swaps it in only when complete, then restarts the engine.
   */
  async importArchive(file: string, op: 'import' | 'restore'): Promise<ImportOutcome> {
    const t0 = this.opts.engine.clock.perf();
    const progress = (phase: 'start' | 'validated' | 'swapping' | 'done' | 'failed', rowsDone = 0, rowsTotal = 0, message?: string): void =>
      this.bus.publish({ type: 'data', op, phase, rowsDone, rowsTotal, ...(message ? { message } : {}) });
    if (this.busy) throw new AppError('unavailable', `The company is ${this.busy}; try again when that is done.`);
    progress('start');
    let manifest: ArchiveManifest;
    try {
      manifest = await readArchive(file, { knownSchemaVersion: this.knownSchemaVersion });
    } catch (err) {
      progress('failed', 0, 0, (err as Error).message);
      throw err;
    }
    const total = manifest.tables.reduce((n, t) => n + t.rows, 0);
    progress('validated', 0, total);
    const backup = this.backupsDir ? await this.backup(op === 'restore' ? 'before_restore' : 'before_import') : null;
    return this.exclusive(op === 'restore' ? 'restoring a backup' : 'importing an archive', async () => {
      const onProgress = (p: ArchiveProgress): void => this.bus.publish({ type: 'data', op, phase: 'progress', table: p.table, rowsDone: p.allDone, rowsTotal: p.allTotal });
      await this.engine?.stop();
      this.engine = null;
      let migratedFrom: number | null;
      try {
        progress('swapping', 0, total);
        migratedFrom = await this.swapIn(file, op, onProgress);
      } catch (err) {
        progress('failed', 0, total, (err as Error).message);
        throw err;
      } finally {
        // the engine comes back on whichever database is current: the new one, or the untouched old one
        this.engine = await this.buildEngine(this.currentDb);
        if (this.started) await this.engine.start();
      }
      progress('done', total, total);
      const schema = migratedFrom !== null ? this.knownSchemaVersion : manifest.schemaVersion;
      return { manifest: { ...manifest, schemaVersion: schema }, backup, migratedFrom, durationMs: Math.round(this.opts.engine.clock.perf() - t0) };
    });
  }

  /** Loads `file` into a fresh database and makes it the current one; the old one stays current on any failure. */
  private async swapIn(file: string, op: 'import' | 'restore', onProgress: (p: ArchiveProgress) => void): Promise<number | null> {
    const place = this.opts.place;
    const load = (db: Db): Promise<number | null> =>
      db.transaction((tx) => loadArchive(tx, file, { migrations: this.migrations, now: this.now(), onProgress })).then((r) => r.migratedFrom);
    if (place.kind === 'postgres') return load(this.currentDb); // one transaction: other processes see the new rows at commit
    if (place.kind === 'memory') {
      const fresh = await PgliteDb.open(this.pgliteOptions());
      try {
        const from = await load(fresh);
        await this.db?.close();
        this.db = fresh;
        return from;
      } catch (err) {
        await fresh.close();
        throw err;
      }
    }
    const layout = place.layout;
    const plan = planSwap(layout, op, this.now());
    await rm(plan.next, { recursive: true, force: true });
    const fresh = await PgliteDb.open(this.pgliteOptions(plan.next));
    let from: number | null;
    try {
      from = await load(fresh);
    } catch (err) {
      await fresh.close().catch(() => {});
      await rm(plan.next, { recursive: true, force: true });
      throw err;
    }
    await fresh.close();
    // The new folder is complete on disk. The journal commits the swap (a crash from here on is finished at the
    // next open, see db-swap.ts); the folders then swap by renames, and the old one is kept until the new one opens.
    await this.db?.close();
    this.db = null;
    try {
      await writeSwapJournal(layout, plan);
    } catch (err) {
      // not committed (a full disk, say): the old folder is still db, untouched
      await rm(plan.next, { recursive: true, force: true });
      this.db = await PgliteDb.open(this.pgliteOptions(layout.db));
      throw err;
    }
    await moveSwapFolders(layout, plan);
    try {
      this.db = await PgliteDb.open(this.pgliteOptions(layout.db));
    } catch (err) {
      await undoSwap(layout, plan, `${layout.db}.broken-${stamp(this.now())}`);
      this.db = await PgliteDb.open(this.pgliteOptions(layout.db));
      throw new AppError('internal', `The imported database did not open (${(err as Error).message}); the previous one is back in place.`);
    }
    await finishSwap(layout, plan);
    return from;
  }

  private async buildEngine(db: Db): Promise<Engine> {
    const cache = this.clusterCacheDir;
    const engine = await createEngine({ ...(cache ? { clusterCacheDir: cache } : {}), ...this.opts.engine, db, bus: this.bus });
    if (this.backupsDir) engine.heartbeat.add(backupJob(this));
    await this.opts.onEngine?.(engine);
    return engine;
  }

  /** The cluster cache: the option, or the data folder's pglite-cache/. */
  private get clusterCacheDir(): string | undefined {
    return this.opts.clusterCacheDir ?? (this.opts.place.kind === 'folder' ? this.opts.place.layout.cache : undefined);
  }

  private pgliteOptions(dataDir?: string): PgliteOptions {
    const cache = this.clusterCacheDir;
    return { ...(dataDir ? { dataDir } : {}), ...(cache ? { clusterCacheDir: cache } : {}), clock: this.opts.engine.clock };
  }

  /** Opens the database; a PGlite folder that fails to open is handled by the recovery option. */
  private async openWithRecovery(): Promise<Db> {
    const place = this.opts.place;
    if (place.kind === 'postgres') return PostgresDb.open({ url: place.url, ...(place.poolSize ? { max: place.poolSize } : {}) });
    if (place.kind === 'memory') return PgliteDb.open(this.pgliteOptions());
    const opened = await openOrRecover(place.layout, { migrations: this.migrations, now: this.now(), log: this.opts.engine.log, recovery: this.opts.recovery ?? 'refuse', ...this.pgliteOptions() });
    this.restoredAtOpen = opened.restored;
    return opened.db;
  }

  /** Set when the folder did not open and the newest backup was restored instead (the desktop app says so). */
  restoredAtOpen: Opened['restored'] = null;
}
